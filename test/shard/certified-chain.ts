// Real consensus blocks of shard 0 whose payloads are {header, body}, hashed by the shard
// payload digest and each certified by the committee `fx`: what a follower of the shard has
// committed, for the beacon tests.
import type { CertifiedBlock } from "../../consensus/beacon/crosslink.ts";
import { blockHash } from "../../consensus/messages.ts";
import type { KeyPair } from "../../crypto/index.ts";
import type { CommittedShardBlock, CommittedShardChain } from "../../shard/beacon-block.ts";
import { bodyHash, EMPTY_BODY, encodeShardBlockPayload, shardPayloadDigest } from "../../shard/body.ts";
import type { ShardHeader } from "../../shard/header.ts";
import type { CrossReceipt } from "../../vm/cross-shard/receipt.ts";
import { type Built, CHAIN, type fixture, GENESIS, genesis, leaderIndex, qcFor } from "../consensus/engine/helpers.ts";
import { nextHeader } from "./fixtures.ts";

/** Blocks at heights 1.. in the given rounds on `genesisHeader`, each certified, headers chained. */
export function certifiedShardChain(
  fx: ReturnType<typeof fixture>,
  genesisHeader: ShardHeader,
  rounds: readonly number[],
  /** The outbox of the block at each height (none by default). */
  outboxAt: (height: bigint) => readonly CrossReceipt[] = () => [],
): CommittedShardChain & { blocks: CommittedShardBlock[] } {
  const blocks: CommittedShardBlock[] = [];
  let parent: Built | null = null;
  let qc = genesis(fx);
  let previous = genesisHeader;
  for (const r of rounds) {
    const header: ShardHeader = {
      ...nextHeader(previous, outboxAt(previous.height + 1n)),
      bodyHash: bodyHash(EMPTY_BODY),
    };
    const block = {
      epoch: 0n,
      round: BigInt(r),
      height: previous.height + 1n,
      parent: parent === null ? GENESIS : parent.hash,
      proposer: (fx.keys[leaderIndex(fx, BigInt(r))] as KeyPair).publicKey,
      payload: encodeShardBlockPayload({ header, body: EMPTY_BODY }),
      qc,
    };
    const built: Built = { block, hash: blockHash(CHAIN, block, shardPayloadDigest) };
    qc = qcFor(fx, built);
    blocks.push({ certified: { block, qc } as CertifiedBlock, header });
    parent = built;
    previous = header;
  }
  return { blocks, height: blocks.length, at: (h) => blocks[h - 1] };
}
