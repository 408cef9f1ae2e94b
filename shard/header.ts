// The header of a shard block: what the beacon chain crosslinks and what every proof of a
// cross-shard receipt is checked against. It commits to the block's body (bodyHash), the state
// and receipts it produced, and its outbox (outboxRoot over outboxCount receipts). `parent`
// chains headers so a crosslink can carry every header since the previous one and the beacon
// can check they are the shard's committed chain (see consensus/beacon/beacon-state.ts).
import {
  type CodecType,
  decode,
  encode,
  equalBytes,
  fixedBytes,
  merkleRoot,
  struct,
  taggedHash,
  u16,
  u32,
  u64,
} from "../crypto/index.ts";
import { ShardError, ShardErrorCode } from "./errors.ts";

const hash32 = fixedBytes(32);

export const shardHeaderCodec = struct("ShardHeader", {
  /** The chain: a shard number (0 .. shardCount - 1). */
  shard: u16,
  height: u64,
  /** headerHash of the previous header of this shard (the genesis header for height 1). */
  parent: hash32,
  /** The committed beacon block this block builds on: its view of crosslinks and committees. */
  beaconHeight: u64,
  beaconHash: hash32,
  /** The proposer's clock, ms since the Unix epoch; never below the parent's. */
  timeMs: u64,
  stateRoot: hash32,
  bodyHash: hash32,
  receiptsRoot: hash32,
  outboxRoot: hash32,
  outboxCount: u32,
});
export type ShardHeader = CodecType<typeof shardHeaderCodec>;

/** A header encodes to about 250 bytes; this leaves room and refuses anything bigger. */
export const MAX_HEADER_BYTES = 512;
/** Headers one crosslink may carry (a shard about this far ahead of the beacon catches up in steps). */
export const MAX_CROSSLINK_HEADERS = 1024;

export function encodeHeader(h: ShardHeader): Uint8Array {
  return encode(shardHeaderCodec, h);
}

/** Throws EncodingError unless `b` is the canonical encoding of a header. */
export function decodeHeader(b: Uint8Array): ShardHeader {
  return decode(shardHeaderCodec, b, { maxBytes: MAX_HEADER_BYTES });
}

export function headerHash(h: ShardHeader): Uint8Array {
  return taggedHash("UBN/shard/header/v1", encodeHeader(h));
}

const ZERO32 = new Uint8Array(32);
/** Root of an empty receipts list or outbox (merkle.ts: SHA-256 of nothing). */
export const EMPTY_ROOT = merkleRoot([]);

/** Height 0 of a shard: no parent, no beacon block, the genesis state, nothing emitted. */
export function genesisShardHeader(shard: number, stateRoot: Uint8Array, emptyBodyHash: Uint8Array): ShardHeader {
  return {
    shard,
    height: 0n,
    parent: ZERO32,
    beaconHeight: 0n,
    beaconHash: ZERO32,
    timeMs: 0n,
    stateRoot,
    bodyHash: emptyBodyHash,
    receiptsRoot: EMPTY_ROOT,
    outboxRoot: EMPTY_ROOT,
    outboxCount: 0,
  };
}

/**
 * Checks that `headers` (oldest first) extend `previous` one height at a time on `shard`, each
 * naming the one before as parent; returns their hashes in order. Throws ShardError otherwise.
 */
export function linkHeaderChain(
  previous: { hash: Uint8Array; height: bigint },
  shard: number,
  headers: readonly ShardHeader[],
): Uint8Array[] {
  if (headers.length === 0) throw new ShardError(ShardErrorCode.emptyHeaderChain, "no header to link");
  if (headers.length > MAX_CROSSLINK_HEADERS) {
    throw new ShardError(ShardErrorCode.tooManyHeaders, `${headers.length} headers, at most ${MAX_CROSSLINK_HEADERS}`);
  }
  let parent = previous.hash;
  let height = previous.height;
  return headers.map((h) => {
    if (h.shard !== shard)
      throw new ShardError(ShardErrorCode.wrongShard, `a header of shard ${h.shard}, not ${shard}`);
    if (h.height !== height + 1n || !equalBytes(h.parent, parent)) {
      throw new ShardError(
        ShardErrorCode.brokenHeaderChain,
        `header at height ${h.height} does not extend height ${height}`,
      );
    }
    parent = headerHash(h);
    height = h.height;
    return parent;
  });
}
