import { describe, expect, it } from "vitest";
import { HANDOVER_HEIGHTS, nextShardEpoch } from "../../shard/epoch-handover.ts";

describe("shard epoch hand-over", () => {
  const current = { epoch: 2n, fromHeight: 40n };

  it("starts the next epoch a fixed distance above the commit that saw the beacon move on", () => {
    expect(nextShardEpoch(current, 57n, 3n)).toEqual({ epoch: 3n, fromHeight: 57n + HANDOVER_HEIGHTS });
  });

  it("moves one epoch at a time even when the beacon is several ahead", () => {
    expect(nextShardEpoch(current, 57n, 9n)).toEqual({ epoch: 3n, fromHeight: 57n + HANDOVER_HEIGHTS });
  });

  it("waits while the beacon is in the same epoch, or until the registered epoch has begun", () => {
    expect(nextShardEpoch(current, 57n, 2n)).toBeNull();
    expect(nextShardEpoch(current, 39n, 5n)).toBeNull();
  });
});
