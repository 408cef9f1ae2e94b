// A small sweep of the sharded simulator (the 1,000-seed run is `npm run sim:shards`): beacon
// plus 4 shards, 8 validators, clients sending cross-shard transfers, mixed faults.
import { describe, expect, it } from "vitest";
import { runShardScenario, type ShardRunResult } from "../../shard/sim/run.ts";

const clean = (r: ShardRunResult) => ({
  violations: r.safetyViolations,
  errors: r.errors,
  progress: r.progressFailure,
  faults: r.faults,
});

describe("sharded simulator", () => {
  it("without faults: transfers settle, receipts cross, committees change, supply holds", async () => {
    const r = await runShardScenario({ seed: 11, faults: "none" });
    expect(clean(r)).toEqual({ violations: [], errors: [], progress: null, faults: "no faults" });
    expect(r.crossShard).toBeGreaterThan(10);
    expect(r.receiptsDelivered).toBe(r.crossShard);
    expect(r.epochs).toBeGreaterThanOrEqual(3);
    expect(r.supplyChecks).toBeGreaterThan(50);
    expect(Math.min(...r.heights)).toBeGreaterThan(10);
  }, 60_000);

  it("with mixed faults (crashes, partitions, loss, twins): no violation on any chain", async () => {
    for (const seed of [1, 4, 8]) {
      const r = await runShardScenario({ seed, faults: "mixed" });
      expect({ seed, ...clean(r) }).toEqual({ seed, violations: [], errors: [], progress: null, faults: r.faults });
      expect(r.receiptsDelivered).toBeGreaterThan(0);
    }
  }, 120_000);

  it("is deterministic: the same seed gives the same run", async () => {
    const a = await runShardScenario({ seed: 5, faults: "mixed" });
    const b = await runShardScenario({ seed: 5, faults: "mixed" });
    expect(b).toEqual(a);
  }, 60_000);
});
