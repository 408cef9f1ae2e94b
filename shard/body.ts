// The body of a shard block and the consensus payload {header, body}.
//
// The consensus block hash of a shard block commits to its header only (shardPayloadDigest),
// so a crosslink can name the block by its header. That is as binding as hashing every byte
// because the header commits to the body through bodyHash, and validators run
// checkBodyMatches before they vote: a block whose body differs from what its header promises
// never gathers a QC.
import {
  bytes,
  type CodecType,
  decode,
  encode,
  equalBytes,
  fixedBytes,
  list,
  struct,
  taggedHash,
  u32,
} from "../crypto/index.ts";
import { crossReceiptCodec } from "../vm/cross-shard/receipt.ts";
import { MAX_TX_BYTES } from "../vm/index.ts";
import { ShardError, ShardErrorCode } from "./errors.ts";
import { headerHash, type ShardHeader, shardHeaderCodec } from "./header.ts";

/** Transactions per block the decoder accepts at most (genesis maxBlockTxs is lower or equal). */
export const MAX_PAYLOAD_TXS = 100_000;
/** Receipts one bundle may carry, and bundles one block may carry. */
export const MAX_BUNDLE_RECEIPTS = 4096;
export const MAX_BUNDLES = 256;
/** A Merkle proof over at most 2^32 leaves has at most 32 siblings. */
const MAX_PROOF_SIBLINGS = 32;
export const MAX_SHARD_PAYLOAD_BYTES = 1 << 20;

export const provenReceiptCodec = struct("ProvenReceipt", {
  receipt: crossReceiptCodec,
  proof: struct("OutboxProof", { index: u32, siblings: list(fixedBytes(32), MAX_PROOF_SIBLINGS) }),
});
export type ProvenReceipt = CodecType<typeof provenReceiptCodec>;

/** Receipts from one source block, proven against its (crosslinked) header. */
export const inboundBundleCodec = struct("InboundBundle", {
  header: shardHeaderCodec,
  receipts: list(provenReceiptCodec, MAX_BUNDLE_RECEIPTS),
});
export type InboundBundle = CodecType<typeof inboundBundleCodec>;

export const shardBodyCodec = struct("ShardBody", {
  /** Encoded signed transactions, in execution order. */
  txs: list(bytes(MAX_TX_BYTES), MAX_PAYLOAD_TXS),
  /** Receipts from other chains, applied before the transactions, in order. */
  inbound: list(inboundBundleCodec, MAX_BUNDLES),
});
export type ShardBody = CodecType<typeof shardBodyCodec>;

export const shardBlockPayloadCodec = struct("ShardBlockPayload", { header: shardHeaderCodec, body: shardBodyCodec });
export type ShardBlockPayload = CodecType<typeof shardBlockPayloadCodec>;

export function encodeBody(b: ShardBody): Uint8Array {
  return encode(shardBodyCodec, b);
}

export function bodyHash(b: ShardBody): Uint8Array {
  return taggedHash("UBN/shard/body/v1", encodeBody(b));
}

export const EMPTY_BODY: ShardBody = { txs: [], inbound: [] };

export function encodeShardBlockPayload(p: ShardBlockPayload): Uint8Array {
  return encode(shardBlockPayloadCodec, p);
}

/** Throws EncodingError unless `b` is the canonical encoding of a payload of at most 1 MiB. */
export function decodeShardBlockPayload(b: Uint8Array): ShardBlockPayload {
  return decode(shardBlockPayloadCodec, b, { maxBytes: MAX_SHARD_PAYLOAD_BYTES });
}

/**
 * What a shard block's consensus hash commits to: the hash of its header. Bytes that do not
 * decode still get a well-defined digest, under another tag so it can never equal a header's
 * (such a block is refused by validation anyway).
 */
export function shardPayloadDigest(payload: Uint8Array): Uint8Array {
  let header: ShardHeader;
  try {
    header = decodeShardBlockPayload(payload).header;
  } catch {
    return taggedHash("UBN/shard/undecodable-payload/v1", payload);
  }
  return headerHash(header);
}

/** Throws ShardError unless the body is the one the header commits to. */
export function checkBodyMatches(p: ShardBlockPayload): void {
  if (!equalBytes(bodyHash(p.body), p.header.bodyHash)) {
    throw new ShardError(ShardErrorCode.bodyMismatch, "the body is not the one the header commits to");
  }
}
