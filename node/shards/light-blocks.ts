// The light-blocks protocol: what a node that does not follow a shard asks of one that does.
// "Give me up to n committed blocks of shard k from height h", answered with each block, its
// certificate and its outbox (the receipts its execution emitted, which are not in the block),
// and the peer's committed height. The asker checks the certificates as fast sync does
// (verify-range.ts) and each block's body and outbox against its header (checkLightBlock),
// without executing anything: that is all the beacon proposer needs to crosslink the shard
// and all a destination shard needs to take its receipts.
import { type CodecType, decode, encode, equalBytes, list, optional, struct, u16, u64 } from "../../crypto/index.ts";
import { bodyHash, decodeShardBlockPayload, type ShardBlockPayload } from "../../shard/body.ts";
import { outboxRoot } from "../../shard/outbox.ts";
import type { CrossReceipt } from "../../vm/cross-shard/receipt.ts";
import { type BlockStore, outboxCodec, storedBlockCodec, tipProofCodec } from "../chain/block-store.ts";
import { SyncError, SyncErrorCode } from "../sync/errors.ts";
import { proofBytes, proofIfAtTip, readConsecutive } from "../sync/protocol.ts";

/** Blocks per response at most; a response also stops at MAX_LIGHT_RESPONSE_BYTES. */
export const MAX_LIGHT_BLOCKS = 128;
export const MAX_LIGHT_RESPONSE_BYTES = 8 << 20;

export const lightRequestCodec = struct("LightBlocksRequest", { fromHeight: u64, maxBlocks: u16 });

export const lightBlockCodec = struct("LightBlock", { stored: storedBlockCodec, outbox: outboxCodec });
export type LightBlock = CodecType<typeof lightBlockCodec>;

export const lightResponseCodec = struct("LightBlocksResponse", {
  /** The peer's committed height of the shard. */
  tipHeight: u64,
  blocks: list(lightBlockCodec, MAX_LIGHT_BLOCKS),
  /** When the blocks end at the peer's tip: what proves that tip final, if the peer has it. */
  tipProof: optional(tipProofCodec),
});
export type LightResponse = CodecType<typeof lightResponseCodec>;

export function lightBlocksProtocol(chainId: string, chain: string): string {
  return `/ubn/${chainId}/${chain}/light-blocks/3`;
}

export function encodeLightRequest(fromHeight: bigint, maxBlocks: number): Uint8Array {
  return encode(lightRequestCodec, { fromHeight, maxBlocks });
}

export function decodeLightResponse(b: Uint8Array): LightResponse {
  return decode(lightResponseCodec, b, { maxBytes: MAX_LIGHT_RESPONSE_BYTES + 4096 });
}

/** Answers from the shard's store: consecutive committed blocks with their outboxes. */
export async function serveLightBlocks(store: BlockStore, tipHeight: bigint, request: Uint8Array): Promise<Uint8Array> {
  const r = decode(lightRequestCodec, request, { maxBytes: 64 });
  const proof = await store.tipProofFor(tipHeight);
  const blocks = await readConsecutive<LightBlock>(
    r,
    tipHeight,
    MAX_LIGHT_BLOCKS,
    MAX_LIGHT_RESPONSE_BYTES - proofBytes(proof),
    async (h) => {
      const stored = await store.blockAt(h);
      if (stored === undefined) return undefined;
      const outbox = await store.outboxAt(h);
      // A receipt encodes to about 150 bytes.
      return {
        item: { stored, outbox },
        bytes: stored.block.length + stored.certificate.length + 160 * outbox.length + 64,
      };
    },
  );
  const tipProof = proofIfAtTip(r.fromHeight, blocks.length, tipHeight, proof);
  return encode(lightResponseCodec, { tipHeight, blocks, tipProof });
}

/**
 * The payload of a certified block of `shard` at `height`, once its body and `outbox` are what
 * its header commits to. A block's certificate covers its header only (shardPayloadDigest), so
 * a peer could pair a certified header with another body or outbox: this catches that. Throws
 * SyncError (the peer is to blame).
 */
export function checkLightBlock(
  shard: number,
  height: bigint,
  payloadBytes: Uint8Array,
  outbox: readonly CrossReceipt[],
): ShardBlockPayload {
  let payload: ShardBlockPayload;
  try {
    payload = decodeShardBlockPayload(payloadBytes);
  } catch (e) {
    throw new SyncError(SyncErrorCode.malformed, `block ${height}: payload does not decode: ${(e as Error).message}`);
  }
  const { header } = payload;
  if (header.shard !== shard || header.height !== height) {
    throw new SyncError(
      SyncErrorCode.notAChain,
      `block ${height}: header of shard ${header.shard} at ${header.height}`,
    );
  }
  if (!equalBytes(bodyHash(payload.body), header.bodyHash)) {
    throw new SyncError(SyncErrorCode.malformed, `block ${height}: body is not the one its header commits to`);
  }
  if (outbox.length !== header.outboxCount || !equalBytes(outboxRoot(outbox), header.outboxRoot)) {
    throw new SyncError(SyncErrorCode.malformed, `block ${height}: outbox is not the one its header commits to`);
  }
  return payload;
}
