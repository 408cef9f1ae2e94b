import { describe, expect, it } from "vitest";
import { measureExecutionFloor } from "../../bench/devnet-floor.ts";

describe("execution floor of the devnet bench", () => {
  it("executes a block of transfers and bounds the efficiency below 1", async () => {
    const floor = await measureExecutionFloor(8000, { txs: 50, runs: 1, warmup: 0 });
    expect(floor.execute_us_per_tx).toBeGreaterThan(0);
    expect(floor.commit_us_per_tx).toBeGreaterThan(0);
    expect(floor.verifier_efficiency_bound).toBeGreaterThan(0);
    expect(floor.verifier_efficiency_bound).toBeLessThan(1);
  });

  it("a slower verification leaves a higher bound", async () => {
    const fast = await measureExecutionFloor(1e9, { txs: 50, runs: 1, warmup: 0 });
    const slow = await measureExecutionFloor(10, { txs: 50, runs: 1, warmup: 0 });
    expect(fast.verifier_efficiency_bound).toBeLessThan(slow.verifier_efficiency_bound);
  });
});
