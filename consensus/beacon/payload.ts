// What a beacon block carries through consensus: the proposer's clock, its randomness reveal,
// the crosslinks it brings and the stake receipts it takes from crosslinked shard blocks. The
// rest of a beacon block's input to applyBeaconBlock comes from the consensus block itself
// (height, proposer), so it is not written here twice.
import { bytes, type CodecType, decode, encode, fixedBytes, list, struct, u16, u64 } from "../../crypto/index.ts";
import { MAX_PAYLOAD_BYTES } from "../messages.ts";
import { commitProofCodec } from "./crosslink.ts";
import { REVEAL_LENGTH } from "./randomness.ts";

/** Bytes of one encoded shard header at most (they encode to about 250). */
const MAX_HEADER_BYTES = 512;
/** Headers per crosslink at most: a shard this far ahead of the beacon catches up over several blocks. */
export const MAX_HEADERS_PER_CROSSLINK = 1024;
/** Crosslinks per beacon block at most (one per shard; more shards catch up over several blocks). */
export const MAX_CROSSLINKS_PER_BLOCK = 256;

export const crosslinkInputCodec = struct("CrosslinkInput", {
  shard: u16,
  headers: list(bytes(MAX_HEADER_BYTES), MAX_HEADERS_PER_CROSSLINK),
  proof: commitProofCodec,
});

/** Bytes of one encoded bundle of stake receipts at most (a header and proven receipts). */
const MAX_STAKE_BUNDLE_BYTES = 1 << 16;
/** Bundles per beacon block at most (one per source block; the rest wait for the next block). */
export const MAX_STAKE_BUNDLES_PER_BLOCK = 256;

export const beaconPayloadCodec = struct("BeaconPayload", {
  timeMs: u64,
  reveal: fixedBytes(REVEAL_LENGTH),
  crosslinks: list(crosslinkInputCodec, MAX_CROSSLINKS_PER_BLOCK),
  /**
   * Stake receipts for the beacon, each an encoded shard InboundBundle (shard/body.ts: a
   * crosslinked source header and receipts proven against its outbox). Opaque here: shard/
   * knows the format and turns them into stake notices.
   */
  stakeBundles: list(bytes(MAX_STAKE_BUNDLE_BYTES), MAX_STAKE_BUNDLES_PER_BLOCK),
});
export type BeaconPayload = CodecType<typeof beaconPayloadCodec>;

export function encodeBeaconPayload(p: BeaconPayload): Uint8Array {
  return encode(beaconPayloadCodec, p);
}

/** Throws EncodingError unless `b` is the canonical encoding of a beacon payload. */
export function decodeBeaconPayload(b: Uint8Array): BeaconPayload {
  return decode(beaconPayloadCodec, b, { maxBytes: MAX_PAYLOAD_BYTES });
}
