// When a shard chain moves to its next committee.
//
// Shard epochs are the beacon's epochs (the committee of shard k in epoch e is drawn by the
// beacon at the end of epoch e - 1), but a shard enters epoch e + 1 at a height of its own
// chain, which every member of the old and new committee must agree on without talking to
// each other. The rule uses only committed data:
//   when the shard commits a block at height h that builds on a beacon block of an epoch above
//   the shard's current epoch e, and h is at or above e's first height, epoch e + 1 starts at
//   height h + HANDOVER_HEIGHTS.
// Every node commits the same blocks, so every node computes the same boundary. The distance
// gives the old committee time to finish the blocks already in flight above h (the engine
// turns any of them past the boundary into empty suffix blocks) and the new members time to
// catch up with the chain before their first block. A shard that fell several beacon epochs
// behind walks through them one at a time: engine epochs are consecutive, and each committee
// is the one the beacon drew for that epoch.
export const HANDOVER_HEIGHTS = 4n;

export interface ShardEpoch {
  epoch: bigint;
  /** The first shard height of the epoch. */
  fromHeight: bigint;
}

/** The next epoch to register after committing `height` built on a beacon block of `beaconEpoch`, if any. */
export function nextShardEpoch(current: ShardEpoch, height: bigint, beaconEpoch: bigint): ShardEpoch | null {
  if (beaconEpoch <= current.epoch || height < current.fromHeight) return null;
  return { epoch: current.epoch + 1n, fromHeight: height + HANDOVER_HEIGHTS };
}
