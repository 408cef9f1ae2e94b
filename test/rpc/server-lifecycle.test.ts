// Stopping the server with WebSocket clients connected: they are told (1001), their node
// listeners are removed, and close() resolves instead of waiting on them.
import { describe, expect, it } from "vitest";
import { startRpcServer } from "../../rpc/index.ts";
import { FakeNodeApi } from "./fake-node-api.ts";
import { TestWs } from "./ws-test-client.ts";

describe("close()", () => {
  it("closes WebSocket connections with 1001 and removes their listeners; safe to call twice", async () => {
    const api = new FakeNodeApi();
    const server = await startRpcServer(api, { port: 0 });
    const clients = [await TestWs.open(server.url), await TestWs.open(server.url)];
    for (const c of clients) await c.result("ubn_subscribe", ["newHeads"]);
    expect(api.listenerCount).toBe(2);

    await Promise.all([server.close(), server.close()]);
    for (const c of clients) expect((await c.closed).code).toBe(1001);
    expect(api.listenerCount).toBe(0);
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
  });
});
