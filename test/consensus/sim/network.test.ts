// The simulated network: partitions cut and heal, loss happens at about the configured rate,
// delays stay within the bound the liveness window relies on, and the PRNG and clock behave.
import { describe, expect, it } from "vitest";
import { EventQueue, Network, type NetworkOptions, Prng } from "../../../consensus/sim/index.ts";

const opts: NetworkOptions = { latencyMs: 50, linkSpread: 0.2, jitterMs: 25, lossRate: 0, lossUntilMs: 0 };

describe("Network", () => {
  it("drops messages across a partition while it lasts and delivers again once it heals", () => {
    const net = new Network(4, opts, new Prng(1));
    net.addPartition({
      groups: [
        [0, 1],
        [2, 3],
      ],
      fromMs: 100,
      untilMs: 500,
    });
    expect("delayMs" in net.route(0, 2, 99)).toBe(true);
    expect(net.route(0, 2, 100)).toEqual({ dropped: "partition" });
    expect(net.route(3, 1, 499)).toEqual({ dropped: "partition" });
    expect("delayMs" in net.route(0, 1, 300)).toBe(true); // same side
    expect("delayMs" in net.route(2, 3, 300)).toBe(true);
    expect("delayMs" in net.route(0, 2, 500)).toBe(true); // healed
    expect(net.stats).toEqual({ sent: 6, lost: 0, partitioned: 2 });
  });

  it("refuses partition groups that miss or repeat an instance", () => {
    const net = new Network(3, opts, new Prng(1));
    expect(() => net.addPartition({ groups: [[0], [1]], fromMs: 0, untilMs: 1 })).toThrow(/cover every instance/);
    expect(() =>
      net.addPartition({
        groups: [
          [0, 1],
          [1, 2],
        ],
        fromMs: 0,
        untilMs: 1,
      }),
    ).toThrow(/each instance once/);
  });

  it("loses about lossRate of the messages before lossUntilMs and none after", () => {
    const net = new Network(2, { ...opts, lossRate: 0.1, lossUntilMs: 1000 }, new Prng(7));
    for (let i = 0; i < 20_000; i++) net.route(0, 1, 10);
    expect(net.stats.lost / 20_000).toBeGreaterThan(0.09);
    expect(net.stats.lost / 20_000).toBeLessThan(0.11);
    const lostBefore = net.stats.lost;
    for (let i = 0; i < 1000; i++) net.route(1, 0, 1000);
    expect(net.stats.lost).toBe(lostBefore);
  });

  it("keeps every delay within [1, maxDelayMs] and reorders messages on a link through jitter", () => {
    const net = new Network(3, opts, new Prng(3));
    const delays: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const r = net.route(i % 3, (i + 1) % 3, i);
      if ("delayMs" in r) delays.push(r.delayMs);
    }
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...delays)).toBeLessThanOrEqual(net.maxDelayMs);
    expect(net.maxDelayMs).toBe(60 + 25);
    // Two messages on one link one ms apart arrive out of order when their jitters differ enough.
    const link = Array.from({ length: 200 }, (_, i) => i + (net.route(0, 1, i) as { delayMs: number }).delayMs);
    expect(link.some((arrival, i) => i > 0 && arrival < (link[i - 1] as number))).toBe(true);
  });
});

describe("Prng", () => {
  it("is a pure function of its seed, and forks are independent of later draws", () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const xs = Array.from({ length: 100 }, () => a.nextU32());
    expect(Array.from({ length: 100 }, () => b.nextU32())).toEqual(xs);
    expect(new Prng(43).nextU32()).not.toBe(xs[0]);
    const f1 = new Prng(5).fork();
    const f2 = new Prng(5).fork();
    expect(f1.float()).toBe(f2.float());
  });

  it("draws integers uniformly enough", () => {
    const rng = new Prng(9);
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) counts[rng.int(10)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
    expect(rng.shuffle([1, 2, 3, 4, 5]).sort()).toEqual([1, 2, 3, 4, 5]);
  });
});

describe("EventQueue", () => {
  it("orders events by time, then by the order they were scheduled", () => {
    const q = new EventQueue<string>();
    q.at(5, "c");
    q.at(1, "a");
    q.at(5, "d");
    q.at(3, "b");
    const seen: string[] = [];
    for (let e = q.pop(); e; e = q.pop()) {
      seen.push(e.event);
      if (e.event === "b") q.after(2, "e"); // due at 5, after c and d
    }
    expect(seen).toEqual(["a", "b", "c", "d", "e"]);
    expect(q.now).toBe(5);
    expect(() => q.at(4, "past")).toThrow(/cannot schedule/);
  });
});
