// Host allow-list, CORS and Origin checks (HTTP and WebSocket upgrade), readiness health checks,
// and admin_* for loopback clients. After each test the server still answers a normal call.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { isLoopbackAddress, rateLimitKey } from "../../rpc/client-address.ts";
import type { RpcServer } from "../../rpc/index.ts";
import { startRpcServer } from "../../rpc/index.ts";
import { FakeNodeApi } from "./fake-node-api.ts";
import { type Json, postJson, rawRequest, stillAnswers, TestWs } from "./ws-test-client.ts";

const call = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ubn_chainId", params: [] });
const json = { "content-type": "application/json" };

let api: FakeNodeApi;
let plain: RpcServer; // defaults: no CORS
let open: RpcServer; // cors for one origin, extra host name
let any: RpcServer; // cors "*"

beforeAll(async () => {
  api = new FakeNodeApi();
  plain = await startRpcServer(api, { port: 0 });
  open = await startRpcServer(api, { port: 0, cors: ["https://wallet.example"], hosts: ["rpc.example"] });
  any = await startRpcServer(api, { port: 0, cors: ["*"] });
});
afterAll(() => Promise.all([plain.close(), open.close(), any.close()]));
afterEach(async () => {
  api.syncState = { syncing: false, startingBlock: 0n, currentBlock: 26n, highestBlock: 26n };
  api.peerList = [{ id: "12D3KooWpeer1", addresses: [] }];
  for (const s of [plain, open, any]) expect(await stillAnswers(s.url)).toBe("0x1a");
});

describe("Host allow-list", () => {
  it("allows localhost, 127.0.0.1 and [::1] with any port, case aside", async () => {
    for (const host of ["localhost:8545", "127.0.0.1", "LOCALHOST", "[::1]:1"]) {
      const res = await rawRequest(plain.url, { headers: { ...json, host }, body: call });
      expect(res.status).toBe(200);
      expect(res.body.result).toBe("ubn-test");
    }
  });

  it("refuses any other Host with 403, over HTTP and for a WebSocket upgrade", async () => {
    for (const host of ["evil.example", "evil.example:8545", "localhost.evil.example", "rpc.example"]) {
      const res = await rawRequest(plain.url, { headers: { ...json, host }, body: call });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe(-32030);
    }
    await expect(TestWs.open(plain.url, { headers: { host: "evil.example" } })).rejects.toThrow("HTTP 403");
  });

  it("a configured host is allowed on top of the bound one (when it is not a wildcard)", async () => {
    const res = await rawRequest(open.url, { headers: { ...json, host: "rpc.example:443" }, body: call });
    expect(res.status).toBe(200);
    const ws = await TestWs.open(open.url, { headers: { host: "rpc.example" } });
    expect(await ws.result("ubn_chainId")).toBe("ubn-test");
    await ws.close();
  });

  it("/health is exempt: orchestrators probe by address", async () => {
    const res = await rawRequest(plain.url, { method: "GET", path: "/health", headers: { host: "10.1.2.3:8545" } });
    expect(res.status).toBe(200);
  });
});

describe("CORS", () => {
  it("off by default: no Access-Control headers, and a browser Origin is refused", async () => {
    const noOrigin = await postJson(plain.url, call);
    expect([...noOrigin.headers.keys()].filter((k) => k.startsWith("access-control"))).toEqual([]);
    const withOrigin = await rawRequest(plain.url, {
      headers: { ...json, origin: "https://wallet.example" },
      body: call,
    });
    expect(withOrigin.status).toBe(403);
    expect(Object.keys(withOrigin.headers).filter((k) => k.startsWith("access-control"))).toEqual([]);
    const preflight = await rawRequest(plain.url, {
      method: "OPTIONS",
      headers: { origin: "https://wallet.example", "access-control-request-method": "POST" },
    });
    expect(preflight.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("a configured origin gets its headers and an answered preflight; others are refused", async () => {
    const origin = "https://wallet.example";
    const preflight = await rawRequest(open.url, {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers["access-control-allow-origin"]).toBe(origin);
    expect(preflight.headers["access-control-allow-methods"]).toContain("POST");
    expect(preflight.headers["access-control-allow-headers"]).toContain("content-type");
    expect(preflight.headers.vary).toBe("Origin");

    const res = await rawRequest(open.url, { headers: { ...json, origin }, body: call });
    expect(res.status).toBe(200);
    expect(res.headers["access-control-allow-origin"]).toBe(origin);
    expect(res.body.result).toBe("ubn-test");

    const other = await rawRequest(open.url, { headers: { ...json, origin: "https://evil.example" }, body: call });
    expect(other.status).toBe(403);
    expect(other.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it('"*" allows any origin', async () => {
    const res = await rawRequest(any.url, { headers: { ...json, origin: "https://anything.example" }, body: call });
    expect(res.status).toBe(200);
    expect(res.headers["access-control-allow-origin"]).toBe("*");
  });

  it("the WebSocket upgrade checks Origin too: none (non-browser) or configured is let in", async () => {
    await expect(TestWs.open(plain.url, { origin: "https://wallet.example" })).rejects.toThrow("HTTP 403");
    await expect(TestWs.open(open.url, { origin: "https://evil.example" })).rejects.toThrow("HTTP 403");
    for (const ws of [
      await TestWs.open(plain.url),
      await TestWs.open(open.url, { origin: "https://wallet.example" }),
    ]) {
      expect(await ws.result("ubn_chainId")).toBe("ubn-test");
      await ws.close();
    }
  });

  it("refuses a cors entry that is not an origin", async () => {
    await expect(startRpcServer(api, { port: 0, cors: ["https://wallet.example/"] })).rejects.toThrow(RangeError);
  });
});

describe("GET /health", () => {
  const health = (query = "") => fetch(`${plain.url}/health${query}`);

  it("plain: alive (200) even while syncing with no peers", async () => {
    api.syncState = { syncing: true, startingBlock: 0n, currentBlock: 5n, highestBlock: 90n };
    api.peerList = [];
    const res = await health();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", detail: { height: "0x1a" } });
  });

  it("?synced&min_peers=N: 200 when synced with enough peers, else 503 with every reason", async () => {
    const ready = await health("?synced&min_peers=1");
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ok", reasons: [] });

    api.syncState = { syncing: true, startingBlock: 0n, currentBlock: 5n, highestBlock: 90n };
    const syncing = await health("?synced");
    expect(syncing.status).toBe(503);
    expect(((await syncing.json()) as Json).reasons).toEqual(["syncing: at block 5 of 90"]);

    const both = await health("?synced&min_peers=2");
    expect(both.status).toBe(503);
    expect(((await both.json()) as Json).reasons).toEqual([
      "syncing: at block 5 of 90",
      "peers: 1, at least 2 required",
    ]);

    api.syncState = { syncing: false, startingBlock: 0n, currentBlock: 90n, highestBlock: 90n };
    expect((await health("?min_peers=2")).status).toBe(503);
    expect((await health("?min_peers=1")).status).toBe(200);
  });

  it("400 for a min_peers that is not a count", async () => {
    expect((await health("?min_peers=many")).status).toBe(400);
  });
});

describe("admin_* methods", () => {
  it("answer a loopback client, over HTTP and WebSocket", async () => {
    const res = await postJson(plain.url, { jsonrpc: "2.0", id: 1, method: "admin_nodeInfo", params: [] });
    expect(res.body.result.id).toBe("12D3KooWself");
    const ws = await TestWs.open(plain.url);
    expect(await ws.result("admin_peers")).toEqual([{ id: "12D3KooWpeer1", addresses: [] }]);
    await ws.close();
  });

  it("loopback means 127.0.0.0/8, ::1 and their IPv4-mapped forms, nothing else", () => {
    for (const a of ["127.0.0.1", "127.3.2.1", "::1", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1"]) {
      expect(isLoopbackAddress(a)).toBe(true);
    }
    for (const a of ["10.0.0.1", "::ffff:10.0.0.1", "::", "2001:db8::1", "128.0.0.1", undefined]) {
      expect(isLoopbackAddress(a)).toBe(false);
    }
  });

  it("rate-limit buckets: IPv4 per address, IPv6 per /64", () => {
    expect(rateLimitKey("::ffff:10.0.0.1")).toBe("10.0.0.1");
    expect(rateLimitKey("2001:db8:1:2:aaaa::1")).toBe(rateLimitKey("2001:db8:1:2:bbbb::9"));
    expect(rateLimitKey("2001:db8:1:2::1")).not.toBe(rateLimitKey("2001:db8:1:3::1"));
  });
});
