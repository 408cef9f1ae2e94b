// A cross-shard receipt: what a source chain promises a destination chain when it debits an
// account for value that lands elsewhere (a transfer to another shard, a stake deposit to the
// beacon chain, unbonded stake going back to its shard). The source appends it to the block's
// outbox; the destination applies it once the source block is crosslinked, exactly once and in
// order of `seq`, which counts receipts per (source, destination) from 0.
import { decode, encode, fixedBytes, struct, u8, u16, u64, u128 } from "../../crypto/index.ts";

/** Chain numbers: shards are 0 .. shardCount-1; the beacon chain has its own number. */
export const BEACON_CHAIN = 0xffff;

export const ReceiptKind = {
  /** Credit `to`'s balance with `amount`. */
  transfer: 1,
  /** Beacon: add `amount` to the stake of validator `to`'s registry entry from the next epoch. */
  stakeDeposit: 2,
  /** Credit `to`'s balance with stake that finished unbonding on the beacon chain. */
  unbondReturn: 3,
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
}

export function encodeReceipt(r: CrossReceipt): Uint8Array {
  return encode(crossReceiptCodec, r);
}

/** Throws EncodingError unless `b` is a canonical receipt. */
export function decodeReceipt(b: Uint8Array): CrossReceipt {
  return decode(crossReceiptCodec, b, { maxBytes: 256 });
}

export function isReceiptKind(k: number): k is ReceiptKind {
  return k === ReceiptKind.transfer || k === ReceiptKind.stakeDeposit || k === ReceiptKind.unbondReturn;
}
