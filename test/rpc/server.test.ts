import { describe, expect, it } from "vitest";
import { formatAddress } from "../../crypto/index.ts";
import { startRpcServer } from "../../rpc/index.ts";
import { ADDRESS, call, errorOf, FakeNode, filled, type JsonRpcFailure, post, rpc, useRpcServer } from "./fake-node.ts";

useRpcServer();

describe("JSON-RPC errors", () => {
  it("-32602 for a wrong number of params or by-name params", async () => {
    expect(await errorOf("ubn_getAccount", [])).toEqual({
      code: -32602,
      message: "ubn_getAccount takes 1 to 2 params (address, tag (optional)), got 0",
    });
    expect(await errorOf("ubn_chainId", [1])).toEqual({
      code: -32602,
      message: "ubn_chainId takes no params, got 1",
    });
    expect(await errorOf("ubn_getBlockByNumber", ["0x1", false, "0x0", 3])).toEqual({
      code: -32602,
      message:
        "ubn_getBlockByNumber takes 1 to 3 params (height, fullTransactions (optional), shard (optional)), got 4",
    });
    expect((await errorOf("ubn_getAccount", { address: formatAddress(ADDRESS) })).code).toBe(-32602);
  });

  it("-32601 for an unknown method, including names an object would inherit", async () => {
    for (const method of ["eth_blockNumber", "constructor", "__proto__", "toString"]) {
      const error = await errorOf(method, []);
      expect(error.code).toBe(-32601);
      expect(error.message).toContain(method);
    }
  });

  it("-32603 with a fixed message when the node fails unexpectedly; the details go to onInternalError", async () => {
    rpc.node.refuseWith = new Error("ENOENT /var/lib/ubn/secret-path");
    const before = rpc.internalErrors.length;
    const { text, body } = await call("ubn_sendRawTransaction", ["0x01"]);
    expect(body.error).toEqual({ code: -32603, message: "internal error" });
    expect(text).not.toContain("secret-path");
    expect(text).not.toContain("at ");
    expect(rpc.internalErrors.slice(before)).toEqual([
      { error: rpc.node.refuseWith, method: "ubn_sendRawTransaction" },
    ]);
  });

  it("-32700 for malformed JSON or bytes that are not UTF-8, with id null", async () => {
    for (const body of ['{"jsonrpc":"2.0","id":1,', "", Uint8Array.of(0x7b, 0xff, 0x7d)]) {
      const res = await post(body);
      expect(res.status).toBe(200);
      expect(res.body.id).toBeNull();
      expect(res.body.error.code).toBe(-32700);
    }
  });

  it("-32600 for envelopes that are not requests; the id is echoed when it could be read", async () => {
    const cases: [unknown, unknown][] = [
      [{ jsonrpc: "1.0", id: 9, method: "ubn_blockNumber" }, 9],
      [{ jsonrpc: "2.0", id: 9, method: 5 }, 9],
      [{ jsonrpc: "2.0", id: 9, method: "" }, 9],
      [{ jsonrpc: "2.0", id: 9, method: "ubn_blockNumber", params: "x" }, 9],
      [{ jsonrpc: "2.0", id: { a: 1 }, method: "ubn_blockNumber" }, null],
      [{ jsonrpc: "2.0", method: 5 }, null],
      ["ubn_blockNumber", null],
      [[], null],
    ];
    for (const [request, id] of cases) {
      const { body } = await post(JSON.stringify(request));
      expect(body.id).toBe(id);
      expect(body.error.code).toBe(-32600);
    }
  });

  it("415 for a body that is not declared application/json; charset=utf-8 is fine", async () => {
    const request = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ubn_blockNumber" });
    const refused = await post(request, "text/plain");
    expect(refused.status).toBe(415);
    expect(refused.body.error.code).toBe(-32600);
    expect((await post(request, "application/json; charset=UTF-8")).body.result).toBe("0x1a");
  });
});

describe("batches and notifications", () => {
  it("answers a batch in order, with errors in place and nothing for notifications", async () => {
    const sentBefore = rpc.node.sent.length;
    const { status, body } = await post(
      JSON.stringify([
        { jsonrpc: "2.0", id: 1, method: "ubn_blockNumber" },
        { jsonrpc: "2.0", method: "ubn_sendRawTransaction", params: ["0x05"] },
        { jsonrpc: "2.0", id: 2, method: "nope" },
        7,
        { jsonrpc: "2.0", id: "three", method: "ubn_chainId", params: [] },
      ]),
    );
    expect(status).toBe(200);
    expect(body).toEqual([
      { jsonrpc: "2.0", id: 1, result: "0x1a" },
      { jsonrpc: "2.0", id: 2, error: { code: -32601, message: 'method not found: "nope"' } },
      { jsonrpc: "2.0", id: null, error: { code: -32600, message: "invalid request: expected an object" } },
      { jsonrpc: "2.0", id: "three", result: "ubn-test" },
    ]);
    // The notification was executed even though it was not answered.
    expect(rpc.node.sent.slice(sentBefore)).toEqual([Uint8Array.of(5)]);
  });

  it("answers 204 with no body to a notification or a batch of only notifications, even failing ones", async () => {
    const single = await post(JSON.stringify({ jsonrpc: "2.0", method: "ubn_blockNumber" }));
    expect(single.status).toBe(204);
    expect(single.text).toBe("");
    rpc.node.refuseWith = new Error("boom");
    const batch = await post(
      JSON.stringify([
        { jsonrpc: "2.0", method: "ubn_sendRawTransaction", params: ["0x01"] },
        { jsonrpc: "2.0", method: "no_such_method" },
      ]),
    );
    expect(batch.status).toBe(204);
    expect(batch.text).toBe("");
  });

  it("refuses a batch over maxBatch whole, with one -32600 error", async () => {
    const request = { jsonrpc: "2.0", id: 1, method: "ubn_blockNumber" };
    const { status, body } = await post(JSON.stringify(Array.from({ length: 6 }, () => request)));
    expect(status).toBe(200);
    expect(body).toEqual({
      jsonrpc: "2.0",
      id: null,
      error: { code: -32600, message: "invalid request: batch of 6 requests, at most 5 allowed" },
    });
    expect((await post(JSON.stringify(Array.from({ length: 5 }, () => request)))).body).toHaveLength(5);
  });
});

describe("HTTP", () => {
  it("413 with a JSON-RPC error for a body over maxBodyBytes, declared or streamed", async () => {
    const big = JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "ubn_sendRawTransaction",
      params: [`0x${"00".repeat(4096)}`],
    });
    const declared = await post(big);
    expect(declared.status).toBe(413);
    expect(declared.body).toEqual({
      jsonrpc: "2.0",
      id: null,
      error: { code: -32600, message: "invalid request: body exceeds 4096 bytes" },
    });

    // No Content-Length: the cap must hold while reading chunks.
    const chunks = [big.slice(0, 3000), big.slice(3000)];
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next === undefined) controller.close();
        else controller.enqueue(new TextEncoder().encode(next));
      },
    });
    const res = await fetch(`${rpc.url}/`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as JsonRpcFailure).error.code).toBe(-32600);
  });

  it("404 for other paths, 405 for other verbs", async () => {
    expect((await fetch(`${rpc.url}/rpc`, { method: "POST" })).status).toBe(404);
    const get = await fetch(`${rpc.url}/`);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    expect((await fetch(`${rpc.url}/health`, { method: "POST" })).status).toBe(405);
  });

  it("GET /health: 200 when the node says ok, 503 when not, detail encoded", async () => {
    rpc.node.healthy = { ok: true, detail: { height: 26n, head: filled(2, 0xee), peers: 3 } };
    const ok = await fetch(`${rpc.url}/health`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: "ok", detail: { height: "0x1a", head: "0xeeee", peers: 3 } });

    rpc.node.healthy = { ok: false, detail: { syncing: true, behind: 120n } };
    const down = await fetch(`${rpc.url}/health?verbose=1`);
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ status: "unavailable", detail: { syncing: true, behind: "0x78" } });
  });

  it("GET /health: 503 when the health check itself throws", async () => {
    const original = rpc.node.health;
    rpc.node.health = () => {
      throw new Error("db closed");
    };
    try {
      const res = await fetch(`${rpc.url}/health`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: "unavailable", detail: { error: "the health check failed" } });
    } finally {
      rpc.node.health = original;
    }
  });
});

describe("lifecycle and defaults", () => {
  it("applies the default caps (1 MiB body, 100 per batch) and closes idempotently", async () => {
    const other = await startRpcServer(new FakeNode(), { port: 0 });
    expect(other.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const send = (body: string) =>
      fetch(`${other.url}/`, { method: "POST", headers: { "content-type": "application/json" }, body });
    const request = { jsonrpc: "2.0", id: 1, method: "ubn_blockNumber" };
    expect(await (await send(JSON.stringify(Array.from({ length: 100 }, () => request)))).json()).toHaveLength(100);
    expect(
      ((await (await send(JSON.stringify(Array.from({ length: 101 }, () => request)))).json()) as JsonRpcFailure).error
        .code,
    ).toBe(-32600);
    expect((await send(" ".repeat(1024 * 1024 + 1))).status).toBe(413);
    await Promise.all([other.close(), other.close()]);
    await other.close();
    await expect(send(JSON.stringify(request))).rejects.toThrow();
  });

  it("refuses options out of range", async () => {
    await expect(startRpcServer(new FakeNode(), { port: 70000 })).rejects.toThrow(RangeError);
    await expect(startRpcServer(new FakeNode(), { port: 0, maxBatch: 0 })).rejects.toThrow(/maxBatch/);
  });
});
