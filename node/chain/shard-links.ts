// The interface between a shard chain's executor and the rest of a sharded network; the node
// implements it in node/shards/shard-links.ts (a single-shard network has none).
import type { InboundBundle } from "../../shard/body.ts";
import type { ShardHeader } from "../../shard/header.ts";
import type { AuthenticatedState } from "../../vm/index.ts";

/** What a shard's blocks need from the beacon chain and the other shards (node/shards/). */
export interface ShardLinks {
  /** The beacon block a new block builds on: the newest committed here, never below the parent's. */
  beaconFor(parent: ShardHeader): { height: bigint; hash: Uint8Array };
  beaconCommitted(height: bigint, hash: Uint8Array): boolean;
  isCrosslinked(source: number, headerHash: Uint8Array, beaconHeight: bigint): boolean;
  /** Proven receipts for this shard, from headers crosslinked at or below `beaconHeight`, on `state`. */
  inbound(state: AuthenticatedState, beaconHeight: bigint): Promise<InboundBundle[]>;
  /** Receipts wait for this shard, or its newest outbox waits for a crosslink: worth a block without transactions. */
  crossShardWork(): boolean;
  /** Resolves once beacon block `height` is committed here, or after `ms` (a block may build on one we lack yet). */
  waitForBeacon(height: bigint, ms: number): Promise<void>;
}
