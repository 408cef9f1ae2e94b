// One admitted transaction with what the pool derives from it once, and the priority order.
//
// Priority is the tip per byte: (offered fee - required fee) / encoded size. The required part
// is burned and only the tip reaches the proposer, while block space is counted in bytes, so
// this is what a proposer earns per byte it spends. Ties go to the earlier arrival.
import type { Payload, SignedTx } from "../../vm/index.ts";

export interface PoolTx {
  readonly hash: Uint8Array;
  readonly hashKey: string;
  readonly bytes: Uint8Array;
  readonly tx: SignedTx;
  readonly sender: Uint8Array;
  readonly senderKey: string;
  /** The sponsor's address when there is one, else the sender's. */
  readonly payer: Uint8Array;
  readonly payerKey: string;
  readonly nonce: bigint;
  readonly fee: bigint;
  /** fee - required fee; never negative in the pool. */
  readonly tip: bigint;
  /** tip / size as a double: orders almost every pair without bigint arithmetic. */
  readonly tipPerByte: number;
  readonly size: number;
  readonly addedAtMs: number;
  /** Arrival order, for deterministic ties. */
  readonly seq: number;
}

// The doubles are within a few parts in 10^16 of the exact ratios, so when they differ by more
// than this relative margin their order is the exact order; closer pairs are compared exactly.
const EXACT_BELOW = 1e-9;

/** Sign of tip/size of a minus that of b, exact. */
export function compareTipPerByte(a: PoolTx, b: PoolTx): number {
  const x = a.tipPerByte;
  const y = b.tipPerByte;
  if (Math.abs(x - y) > EXACT_BELOW * Math.max(x, y)) return x > y ? 1 : -1;
  if (a.tip === b.tip && a.size === b.size) return 0;
  const lhs = a.tip * BigInt(b.size);
  const rhs = b.tip * BigInt(a.size);
  return lhs > rhs ? 1 : lhs < rhs ? -1 : 0;
}

/** True if a goes into a block before b. */
export function higherPriority(a: PoolTx, b: PoolTx): boolean {
  const c = compareTipPerByte(a, b);
  return c !== 0 ? c > 0 : a.seq < b.seq;
}

/** True if a is evicted before b. */
export function lowerPriority(a: PoolTx, b: PoolTx): boolean {
  return higherPriority(b, a);
}

/**
 * Balance a transaction moves out of the sender's account besides the fee, if it succeeds.
 * Selection subtracts it whether or not it would succeed, which can only underestimate what is
 * left, so a selected transaction's fee is always payable. A new payload type must say here
 * what it spends (the switch stops compiling until it does).
 */
export function balanceSpentBy(payload: Payload): bigint {
  switch (payload.type) {
    case "transfer":
    case "stake":
      return payload.amount;
    case "unstake":
    case "register_validator":
      return 0n;
    default: {
      const unknown: never = payload;
      throw new Error(`no spend rule for transaction type ${String((unknown as Payload).type)}`);
    }
  }
}
