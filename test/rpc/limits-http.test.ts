// The request limits of the HTTP transport at their defaults, each followed by a normal call the
// server must still answer.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RpcServer } from "../../rpc/index.ts";
import { defaultRpcServerOptions, startRpcServer } from "../../rpc/index.ts";
import { FakeNodeApi } from "./fake-node-api.ts";
import { postJson, stillAnswers } from "./ws-test-client.ts";

let server: RpcServer;
let api: FakeNodeApi;

beforeAll(async () => {
  api = new FakeNodeApi();
  server = await startRpcServer(api, { port: 0 });
});
afterAll(() => server.close());
afterEach(async () => {
  expect(await stillAnswers(server.url)).toBe("0x1a");
});

const request = { jsonrpc: "2.0", id: 1, method: "ubn_blockNumber", params: [] };

describe("HTTP limits at their defaults", () => {
  it("a body over 1 MiB: 413 with -32600", async () => {
    const padding = "x".repeat(defaultRpcServerOptions.maxBodyBytes);
    const res = await postJson(server.url, JSON.stringify({ ...request, padding }));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe(-32600);
  });

  it("a batch of 101: refused whole with one -32600; 100 pass", async () => {
    const over = await postJson(
      server.url,
      Array.from({ length: 101 }, (_, i) => ({ ...request, id: i })),
    );
    expect(over.status).toBe(200);
    expect(over.body).toMatchObject({ id: null, error: { code: -32600 } });
    expect(over.body.error.message).toContain("at most 100");
    const full = await postJson(
      server.url,
      Array.from({ length: 100 }, (_, i) => ({ ...request, id: i })),
    );
    expect(full.body).toHaveLength(100);
  });

  it("malformed JSON: -32700 with id null", async () => {
    const res = await postJson(server.url, '{"jsonrpc":"2.0","id":1,');
    expect(res.body).toMatchObject({ id: null, error: { code: -32700 } });
  });

  it("an unknown method: -32601", async () => {
    const res = await postJson(server.url, { ...request, method: "eth_call" });
    expect(res.body).toMatchObject({ id: 1, error: { code: -32601 } });
  });

  it("wrong param types: -32602 naming the parameter", async () => {
    const res = await postJson(server.url, { ...request, method: "ubn_getAccount", params: [42] });
    expect(res.body).toMatchObject({ id: 1, error: { code: -32602 } });
    expect(res.body.error.message).toContain("address");
  });

  it("subscriptions over HTTP: -32031", async () => {
    const res = await postJson(server.url, { ...request, method: "ubn_subscribe", params: ["newHeads"] });
    expect(res.body).toMatchObject({ id: 1, error: { code: -32031 } });
  });
});
