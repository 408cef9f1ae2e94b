// The payload a shard block carries through consensus: its transactions and the header fields
// that commit to what executing them produced. Consensus orders these bytes without reading
// them; the node decodes them, re-executes the transactions on the parent's state and votes
// only if the roots it computes are the ones written here.
import { bytes, type CodecType, decode, encode, fixedBytes, list, struct, u64 } from "../crypto/index.ts";
import { MAX_TX_BYTES } from "../vm/index.ts";

/** Transactions per payload the decoder accepts at most (genesis maxBlockTxs is lower or equal). */
export const MAX_PAYLOAD_TXS = 100_000;

export const shardPayloadCodec = struct("ShardPayload", {
  /** The proposer's clock when it built the block, ms since the Unix epoch; never below the parent's. */
  timeMs: u64,
  /** State root after executing this block on its parent's state. */
  stateRoot: fixedBytes(32),
  /** Merkle root of the block's receipts (vm receiptsRoot). */
  receiptsRoot: fixedBytes(32),
  /** Encoded signed transactions, in execution order. */
  txs: list(bytes(MAX_TX_BYTES), MAX_PAYLOAD_TXS),
});
export type ShardPayload = CodecType<typeof shardPayloadCodec>;

export function encodePayload(p: ShardPayload): Uint8Array {
  return encode(shardPayloadCodec, p);
}

/** Throws EncodingError on anything but the canonical encoding of a payload. */
export function decodePayload(b: Uint8Array): ShardPayload {
  return decode(shardPayloadCodec, b, { maxBytes: 1 << 20 });
}
