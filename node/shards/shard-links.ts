// A shard chain's view of the rest of the network (node/chain/executor.ts ShardLinks): which
// beacon block a new block builds on, whether the beacon block a proposal names is final here,
// whether a receipt's source header is crosslinked, and the receipts this shard may take next.
import type { InboundBundle } from "../../shard/body.ts";
import type { ShardHeader } from "../../shard/header.ts";
import { decodeSeq, inboxNextKey } from "../../vm/cross-shard/records.ts";
import type { AuthenticatedState } from "../../vm/index.ts";
import type { ShardLinks } from "../chain/executor.ts";
import type { BeaconView } from "./beacon-view.ts";
import type { ShardRecords } from "./shard-records.ts";

/** Receipts one block takes at most (execution cost stays well inside a round). */
const MAX_INBOUND_RECEIPTS = 256;

export function shardLinks(shard: number, beacon: BeaconView, records: readonly ShardRecords[]): ShardLinks {
  return {
    beaconFor(parent: ShardHeader) {
      const tip = beacon.tip;
      // Never below what the parent built on (the rule every validator checks).
      if (tip.height < parent.beaconHeight) return { height: parent.beaconHeight, hash: parent.beaconHash };
      return { height: tip.height, hash: tip.hash };
    },
    beaconCommitted: (height, hash) => beacon.isCommitted(height, hash),
    isCrosslinked: (source, headerHash, beaconHeight) => beacon.isCrosslinked(source, headerHash, beaconHeight),
    waitForBeacon: (height, ms) => beacon.waitFor(height, ms),
    crossShardWork(): boolean {
      const own = records[shard];
      if (own === undefined) return false;
      // Our newest receipts are not crosslinked yet: their block needs committed children.
      const crosslinked = beacon.tip.result.state.crosslinks[shard]?.height ?? 0n;
      if (own.lastOutboxHeight > crosslinked) return true;
      // Receipts for us wait in a crosslinked block of another shard.
      for (const source of records) {
        if (source.shard === shard) continue;
        const next = own.nextFrom(source.shard);
        if (source.highestSeq(shard) < next) continue;
        const block = source.emitted(shard, next);
        if (block !== undefined && beacon.isCrosslinked(source.shard, block.headerHash, beacon.tip.height)) return true;
      }
      return false;
    },
    async inbound(state: AuthenticatedState, beaconHeight: bigint): Promise<InboundBundle[]> {
      const bundles: InboundBundle[] = [];
      for (const source of records) {
        if (source.shard === shard) continue;
        const seq = decodeSeq(await state.get(inboxNextKey(source.shard)));
        const room = MAX_INBOUND_RECEIPTS - bundles.reduce((n, b) => n + b.receipts.length, 0);
        const crosslinked = (b: { headerHash: Uint8Array }) =>
          beacon.isCrosslinked(source.shard, b.headerHash, beaconHeight);
        bundles.push(...source.bundlesFor(shard, seq, room, crosslinked));
      }
      return bundles;
    },
  };
}
