// A cross-shard receipt: what a source chain tells a destination chain. Either value that lands
// elsewhere (a transfer to another shard: the source debited it) or a change of a validator's
// stake for the beacon chain's registry (the stake itself stays bonded on the owner's shard,
// where its balance and unbonding queue are; see docs/sharding.md). The source appends it to
// the block's outbox; the destination applies it once the source block is crosslinked, exactly
// once and in order of `seq`, which counts receipts per (source, destination) from 0.
import { bytes, decode, encode, fixedBytes, struct, u8, u16, u64, u128 } from "../../crypto/index.ts";

/** Chain numbers: shards are 0 .. shardCount-1; the beacon chain has its own number. */
export const BEACON_CHAIN = 0xffff;

export const ReceiptKind = {
  /** Credit `to`'s balance with `amount` (value the source debited). */
  transfer: 1,
  /** Beacon: `amount` more stake behind consensus key `validator` from the next epoch (no value moves). */
  stakeBonded: 2,
  /** Beacon: `amount` less stake behind consensus key `validator` from the next epoch (no value moves). */
  stakeUnbonded: 3,
} as const;
export type ReceiptKind = (typeof ReceiptKind)[keyof typeof ReceiptKind];

export const crossReceiptCodec = struct("CrossReceipt", {
  source: u16,
  destination: u16,
  seq: u64,
  kind: u8,
  /** Hash of the transaction that caused it (all zero for one the chain made itself). */
  origin: fixedBytes(32),
  /** The debited account (20-byte address). */
  from: fixedBytes(20),
  /** The account credited on the destination (20-byte address). */
  to: fixedBytes(20),
  amount: u128,
  /** The consensus key (32 bytes) whose stake a stake receipt changes; empty for a transfer. */
  validator: bytes(32),
});

export interface CrossReceipt {
  source: number;
  destination: number;
  seq: bigint;
  kind: number;
  origin: Uint8Array;
  from: Uint8Array;
  to: Uint8Array;
  amount: bigint;
  validator: Uint8Array;
}

/** No validator key: what a transfer carries. */
export const NO_VALIDATOR = new Uint8Array(0);

export function encodeReceipt(r: CrossReceipt): Uint8Array {
  return encode(crossReceiptCodec, r);
}

/** Throws EncodingError unless `b` is a canonical receipt. */
export function decodeReceipt(b: Uint8Array): CrossReceipt {
  return decode(crossReceiptCodec, b, { maxBytes: 256 });
}

export function isReceiptKind(k: number): k is ReceiptKind {
  return k === ReceiptKind.transfer || k === ReceiptKind.stakeBonded || k === ReceiptKind.stakeUnbonded;
}

/** Does the receipt carry value in flight (counted in sentOut and receivedIn)? Stake receipts do not. */
export function carriesValue(r: { kind: number }): boolean {
  return r.kind === ReceiptKind.transfer;
}

/** A stake receipt names a 32-byte key; a transfer names none. */
export function isWellFormedReceipt(r: CrossReceipt): boolean {
  if (!isReceiptKind(r.kind)) return false;
  return r.kind === ReceiptKind.transfer ? r.validator.length === 0 : r.validator.length === 32;
}
