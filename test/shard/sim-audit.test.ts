// The value checks of the sharded simulator must catch what they claim to: a receipt taken
// twice, out of order, or never finalized by its source, and value appearing or vanishing.
import { describe, expect, it } from "vitest";
import { SupplyAudit } from "../../shard/sim/audit.ts";
import type { CrossReceipt } from "../../vm/cross-shard/receipt.ts";
import { receipt } from "./fixtures.ts";

const genesis = [
  { held: 1000n, issued: 1000n },
  { held: 1000n, issued: 1000n },
];
const block = (height: bigint, held: bigint, outbox: CrossReceipt[] = [], inbound: CrossReceipt[] = []) => ({
  height,
  outbox,
  inbound,
  held,
  issued: 1000n,
});

describe("the sharded simulator's supply audit", () => {
  it("accepts value moving by receipt, counting it in flight until the destination takes it", () => {
    const a = new SupplyAudit(genesis);
    const r = receipt(0, 1, 0n, 300n);
    a.finalized(0, block(1n, 700n, [r]));
    expect(a.inFlight).toBe(300n);
    a.finalized(1, block(1n, 1300n, [], [r]));
    expect(a.inFlight).toBe(0n);
    expect(a.violations).toEqual([]);
    expect(a.checks).toBe(2);
    expect(a.delivered).toBe(1);
  });

  it("flags a replay, a gap, a receipt its source never finalized, and drift", () => {
    const r0 = receipt(0, 1, 0n, 300n);
    const r1 = receipt(0, 1, 1n, 200n);
    const replay = new SupplyAudit(genesis);
    replay.finalized(0, block(1n, 500n, [r0, r1]));
    replay.finalized(1, block(1n, 1300n, [], [r0]));
    replay.finalized(1, block(2n, 1600n, [], [r0]));
    expect(replay.violations.join("\n")).toMatch(/took receipt 0>1 #0, the next was #1/);

    const gap = new SupplyAudit(genesis);
    gap.finalized(0, block(1n, 500n, [r0, r1]));
    gap.finalized(1, block(1n, 1200n, [], [r1]));
    expect(gap.violations.join("\n")).toMatch(/#1, the next was #0/);

    const forged = new SupplyAudit(genesis);
    forged.finalized(0, block(1n, 700n, [r0]));
    forged.finalized(1, block(1n, 1900n, [], [{ ...r0, amount: 900n }]));
    expect(forged.violations.join("\n")).toMatch(/never finalized/);

    const drift = new SupplyAudit(genesis);
    drift.finalized(0, block(1n, 700n, [r0]));
    drift.finalized(0, block(2n, 701n));
    expect(drift.violations.join("\n")).toMatch(/supply drift after shard 0 block 2/);
  });
});
