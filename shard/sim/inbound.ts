// What a shard's proposer takes from other shards: for each source in turn, the receipts for
// this shard from the next seq on, from source headers crosslinked on the beacon chain the
// block builds on, with their Merkle proofs, one bundle per source block.
import { decodeSeq, inboxNextKey } from "../../vm/cross-shard/records.ts";
import { SparseMerkleState } from "../../vm/index.ts";
import type { InboundBundle } from "../body.ts";
import { bundleFor } from "../outbox.ts";
import type { SimLedger } from "./ledger.ts";

/** Receipts one block takes at most. */
const MAX_INBOUND_RECEIPTS = 256;

/** The receipts `shard` may take next on `parentHeaderHex`, from headers crosslinked on the chain ending at `beaconHex`. */
export async function inboundFor(
  ledger: SimLedger,
  shard: number,
  parentHeaderHex: string,
  beaconHex: string,
  beaconHeight: bigint,
): Promise<InboundBundle[]> {
  const parent = ledger.shards[shard]?.get(parentHeaderHex);
  if (parent === undefined) return [];
  const state = await SparseMerkleState.open(parent.kv);
  const bundles: InboundBundle[] = [];
  let room = MAX_INBOUND_RECEIPTS;
  for (let source = 0; source < ledger.shards.length && room > 0; source++) {
    if (source === shard) continue;
    let seq = decodeSeq(await state.get(inboxNextKey(source)));
    for (;;) {
      const found = ledger.emitted
        .get(`${source}>${shard}#${seq}`)
        ?.find((c) => ledger.isCrosslinked(c.exec.headerHex, beaconHeight, beaconHex));
      if (found === undefined || room === 0) break;
      const bundle = bundleFor(found.exec.header, found.exec.outbox, shard, seq, room);
      bundles.push(bundle);
      room -= bundle.receipts.length;
      seq += BigInt(bundle.receipts.length);
    }
  }
  return bundles;
}
