// The per-client token bucket: pure (a hand-driven clock), then through the server over HTTP (429,
// Retry-After, -32033 body) and WebSocket (-32033 per request). Time never passes by itself here:
// the clock moves only when a test moves it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RpcServer } from "../../rpc/index.ts";
import { startRpcServer } from "../../rpc/index.ts";
import { RateLimiter } from "../../rpc/rate-limit.ts";
import { FakeNodeApi } from "./fake-node-api.ts";
import { postJson, stillAnswers, TestWs } from "./ws-test-client.ts";

describe("RateLimiter", () => {
  it("admits a burst, refuses past it with the wait until enough tokens, refills at the rate", () => {
    let now = 0;
    const limiter = new RateLimiter({ perSecond: 10, burst: 20 }, () => now);
    expect(limiter.take("a", 15)).toEqual({ ok: true });
    expect(limiter.take("a", 10)).toEqual({ ok: false, retryAfterMs: 500 }); // 5 left, 5 more at 10/s
    expect(limiter.take("b", 20)).toEqual({ ok: true }); // buckets are per client
    now += 500;
    expect(limiter.take("a", 10)).toEqual({ ok: true });
    now += 60_000;
    expect(limiter.take("a", 20)).toEqual({ ok: true }); // refill stops at the burst
    expect(limiter.take("a", 1)).toEqual({ ok: false, retryAfterMs: 100 });
  });

  it("a batch larger than the bucket costs the whole bucket instead of never passing", () => {
    let now = 0;
    const limiter = new RateLimiter({ perSecond: 1, burst: 3 }, () => now);
    expect(limiter.take("a", 50)).toEqual({ ok: true });
    expect(limiter.take("a", 50)).toEqual({ ok: false, retryAfterMs: 3000 });
    now += 3000;
    expect(limiter.take("a", 50)).toEqual({ ok: true });
  });

  it("keeps at most maxClients buckets, forgetting full ones first, then the least recent", () => {
    let now = 0;
    const limiter = new RateLimiter({ perSecond: 1, burst: 2 }, () => now, 3);
    for (let i = 0; i < 1000; i++) limiter.take(`client-${i}`, 1);
    expect(limiter.size).toBeLessThanOrEqual(3);
    now += 10_000; // all refilled: dropped at the next sweep
    limiter.take("late", 1);
    expect(limiter.size).toBe(1);
  });
});

describe("rate limit through the server", () => {
  let now = 0;
  let server: RpcServer;
  beforeAll(async () => {
    server = await startRpcServer(new FakeNodeApi(), {
      port: 0,
      rateLimit: { perSecond: 2, burst: 6 },
      now: () => now,
    });
  });
  afterAll(() => server.close());
  const request = (id: number) => ({ jsonrpc: "2.0", id, method: "ubn_blockNumber", params: [] });

  it("HTTP: each request of a batch counts; past the bucket 429 with Retry-After and -32033 per request", async () => {
    now += 60_000; // a full bucket
    const batch = await postJson(server.url, [request(1), request(2), request(3), request(4)]);
    expect(batch.status).toBe(200);
    expect(batch.body).toHaveLength(4);

    const refused = await postJson(server.url, [request(5), request(6), request(7)]); // 2 left, 3 asked
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("1"); // 1 token at 2/s: 500 ms, rounded up
    expect(refused.body).toEqual(
      [5, 6, 7].map((id) => ({
        jsonrpc: "2.0",
        id,
        error: { code: -32033, message: expect.stringContaining("rate limited"), data: { retryAfterMs: 500 } },
      })),
    );

    now += 500;
    expect(await stillAnswers(server.url)).toBe("0x1a");
  });

  it("WebSocket: a request past the bucket gets -32033 and the connection stays usable", async () => {
    now += 60_000;
    const ws = await TestWs.open(server.url); // the upgrade takes a token too: 5 left
    ws.send([request(1), request(2), request(3), request(4), request(5)]);
    const batch = await ws.next(Array.isArray);
    expect(batch.map((r: { result: string }) => r.result)).toEqual(Array(5).fill("0x1a"));

    const refused = await ws.call("ubn_blockNumber");
    expect(refused.error).toMatchObject({ code: -32033, data: { retryAfterMs: 500 } });

    now += 500;
    expect(await ws.result("ubn_blockNumber")).toBe("0x1a");
    await ws.close();
  });

  it("the upgrade itself is refused with 429 when the bucket is empty", async () => {
    now += 60_000;
    await postJson(
      server.url,
      Array.from({ length: 6 }, (_, i) => request(i)),
    );
    await expect(TestWs.open(server.url)).rejects.toThrow("HTTP 429");
    now += 500;
    expect(await stillAnswers(server.url)).toBe("0x1a");
  });
});
