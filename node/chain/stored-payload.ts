// The shard block payload inside a stored consensus block, and the header of the chain's tip.
import { blockCodec } from "../../consensus/index.ts";
import { decode } from "../../crypto/index.ts";
import { bodyHash, decodeShardBlockPayload, EMPTY_BODY, type ShardBlockPayload } from "../../shard/body.ts";
import { genesisShardHeader, type ShardHeader } from "../../shard/header.ts";
import type { BlockStore, ChainTip } from "./block-store.ts";

export function decodeBlockPayload(encodedBlock: Uint8Array): ShardBlockPayload {
  return decodeShardBlockPayload(decode(blockCodec, encodedBlock).payload);
}

/**
 * The header of the committed tip, which the next block names as its parent: the genesis
 * header (the genesis state, nothing emitted, the genesis time) at height 0, otherwise the
 * header in the stored tip block.
 */
export async function tipHeaderOf(store: BlockStore, tip: ChainTip, shard = 0): Promise<ShardHeader> {
  if (tip.height === 0n)
    return { ...genesisShardHeader(shard, tip.stateRoot, bodyHash(EMPTY_BODY)), timeMs: tip.timeMs };
  const stored = await store.blockAt(tip.height);
  if (stored === undefined) throw new Error(`the store has no block at its tip height ${tip.height}`);
  return decodeBlockPayload(stored.block).header;
}
