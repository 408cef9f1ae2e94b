// The state's cross-shard records: per destination the next seq to emit, per source the next
// seq expected, and how much value left and arrived by receipts. With these the supply
// identity of one chain reads: accounts + unbonding queues = genesis + minted - burned
// - sentOut + receivedIn, and across chains the value in flight is sum(sentOut) - sum(receivedIn).
import { decode, encode, struct, u64, u256 } from "../../crypto/index.ts";
import { StateBucket } from "../account.ts";

export interface CrossTotals {
  sentOut: bigint;
  receivedIn: bigint;
}

const crossTotalsCodec = struct("CrossTotals", { sentOut: u256, receivedIn: u256 });
export const CROSS_TOTALS_KEY = Uint8Array.of(StateBucket.crossTotals);

export function encodeCrossTotals(t: CrossTotals): Uint8Array {
  return encode(crossTotalsCodec, t);
}

export function decodeCrossTotals(bytes: Uint8Array | undefined): CrossTotals {
  return bytes === undefined ? { sentOut: 0n, receivedIn: 0n } : decode(crossTotalsCodec, bytes);
}

function chainKey(bucket: number, chain: number): Uint8Array {
  return Uint8Array.of(bucket, chain >>> 8, chain & 0xff);
}

export const outboxNextKey = (destination: number) => chainKey(StateBucket.outboxNext, destination);
export const inboxNextKey = (source: number) => chainKey(StateBucket.inboxNext, source);

export function encodeSeq(seq: bigint): Uint8Array {
  return encode(u64, seq);
}

export function decodeSeq(bytes: Uint8Array | undefined): bigint {
  return bytes === undefined ? 0n : decode(u64, bytes);
}
