// WebSocket JSON-RPC on the HTTP port: the same dispatch (single, batch, errors), and its limits:
// message size, connection count, subscriptions per connection, and a reader too slow for its
// notifications. After each test the server still answers normal calls.
import { setImmediate as turn } from "node:timers/promises";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RpcServer } from "../../rpc/index.ts";
import { startRpcServer } from "../../rpc/index.ts";
import { FakeNodeApi, fakeBlock, filled } from "./fake-node-api.ts";
import { stillAnswers, TestWs } from "./ws-test-client.ts";

let api: FakeNodeApi;
let server: RpcServer;
const clients: TestWs[] = [];
const open = async () => {
  const ws = await TestWs.open(server.url);
  clients.push(ws);
  return ws;
};

beforeAll(async () => {
  api = new FakeNodeApi();
  server = await startRpcServer(api, {
    port: 0,
    wsMaxMessageBytes: 4096,
    wsMaxConnections: 4,
    maxSubscriptionsPerConnection: 3,
    notificationQueue: 16,
    maxBatch: 5,
    rateLimit: null,
  });
});
afterAll(() => server.close());
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  expect(await stillAnswers(server.url)).toBe("0x1a");
  const ws = await TestWs.open(server.url);
  expect(await ws.result("ubn_blockNumber")).toBe("0x1a");
  await ws.close();
  expect(api.listenerCount).toBe(0);
});

describe("calls over WebSocket", () => {
  it("answers single calls and batches like HTTP, errors included", async () => {
    const ws = await open();
    expect(await ws.result("ubn_chainId")).toBe("ubn-test");
    ws.send([
      { jsonrpc: "2.0", id: 1, method: "ubn_blockNumber" },
      { jsonrpc: "2.0", method: "ubn_blockNumber" },
      { jsonrpc: "2.0", id: 2, method: "nope" },
      { jsonrpc: "2.0", id: 3, method: "ubn_getAccount", params: [7] },
    ]);
    const batch = await ws.next(Array.isArray);
    expect(batch).toEqual([
      { jsonrpc: "2.0", id: 1, result: "0x1a" },
      { jsonrpc: "2.0", id: 2, error: { code: -32601, message: 'method not found: "nope"' } },
      { jsonrpc: "2.0", id: 3, error: expect.objectContaining({ code: -32602 }) },
    ]);
  });

  it("-32700 for malformed JSON, -32600 for a batch over maxBatch; the connection stays open", async () => {
    const ws = await open();
    ws.send("{not json");
    expect(await ws.next((m) => m.error?.code === -32700)).toMatchObject({ id: null });
    ws.send(Array.from({ length: 6 }, (_, id) => ({ jsonrpc: "2.0", id, method: "ubn_blockNumber" })));
    expect((await ws.next((m) => m.error?.code === -32600)).error.message).toContain("at most 5");
    expect(await ws.result("ubn_blockNumber")).toBe("0x1a");
  });

  it("only / upgrades", async () => {
    await expect(TestWs.open(`${server.url}/rpc`)).rejects.toThrow("HTTP 404");
  });
});

describe("WebSocket limits", () => {
  it("a message over wsMaxMessageBytes closes the connection with 1009; others are unaffected", async () => {
    const bystander = await open();
    const ws = await open();
    ws.send({ jsonrpc: "2.0", id: 1, method: "ubn_chainId", params: [], padding: "x".repeat(4096) });
    expect((await ws.closed).code).toBe(1009);
    expect(await bystander.result("ubn_chainId")).toBe("ubn-test");
  });

  it("past wsMaxConnections the upgrade is answered 503; a slot frees when a client leaves", async () => {
    const four = [await open(), await open(), await open(), await open()];
    expect(server.wsConnections).toBe(4);
    await expect(TestWs.open(server.url)).rejects.toThrow("HTTP 503");
    await four[0]?.close();
    const next = await open();
    expect(await next.result("ubn_chainId")).toBe("ubn-test");
  });

  it("past maxSubscriptionsPerConnection: -32032; unsubscribing frees a slot", async () => {
    const ws = await open();
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await ws.result("ubn_subscribe", ["newHeads"]));
    expect(new Set(ids).size).toBe(3);
    const refused = await ws.call("ubn_subscribe", ["finalizedHeads"]);
    expect(refused.error.code).toBe(-32032);
    expect(await ws.result("ubn_unsubscribe", [ids[0]])).toBe(true);
    expect(await ws.result("ubn_unsubscribe", [ids[0]])).toBe(false);
    expect(await ws.result("ubn_subscribe", ["finalizedHeads"])).toMatch(/^0x[0-9a-f]+$/);
    // One node listener per connection, whatever the number of subscriptions.
    expect(api.listenerCount).toBe(1);
  });

  it("a reader that stops reading is cut with 1008 'too slow'; a normal reader keeps its notifications", async () => {
    const normal = await open();
    const slow = await open();
    const normalSub = await normal.result("ubn_subscribe", ["newHeads"]);
    await slow.result("ubn_subscribe", ["newHeads"]);
    expect(api.listenerCount).toBe(2);

    // The slow client's socket stops reading: the server's buffers fill, then its queue.
    (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const bigBlock = (h: bigint) =>
      fakeBlock(
        h,
        Array.from({ length: 200 }, (_, i) => filled(32, i % 256)),
      );
    let height = 1000n;
    let emitted = 0;
    for (let round = 0; round < 250 && api.listenerCount === 2; round++) {
      for (let i = 0; i < 20; i++, emitted++) api.emit({ kind: "newHead", block: bigBlock(height++) });
      // The normal client keeps up: it has everything emitted so far before the next round.
      await normal.next((m) => m.params?.subscription === normalSub && BigInt(m.params.result.height) === height - 1n);
      await turn();
    }
    expect(api.listenerCount).toBe(1); // the slow reader's listener is gone, the normal one stays

    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await slow.closed).toEqual({ code: 1008, reason: "too slow" });

    api.emit({ kind: "newHead", block: fakeBlock(height) });
    expect(
      (await normal.next((m) => m.params?.result?.height === `0x${height.toString(16)}`)).params.result.height,
    ).toBe(`0x${height.toString(16)}`);
    expect(normal.notificationsOf(normalSub)).toHaveLength(emitted + 1);
  });

  it("closing a connection removes its node listener", async () => {
    const ws = await open();
    await ws.result("ubn_subscribe", ["finalizedHeads"]);
    expect(api.listenerCount).toBe(1);
    await ws.close();
    await expect.poll(() => api.listenerCount).toBe(0);
  });
});
