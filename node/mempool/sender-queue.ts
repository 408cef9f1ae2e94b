// One sender's queued transactions, sorted by nonce, one per nonce. Nonces may have holes
// (a transaction can wait for an earlier one); a block can only take a contiguous run that
// starts at the account nonce. Short by construction (maxPerSender), so a sorted array with
// binary search is both simple and fast.
import type { HeapElement } from "./heap.ts";
import { higherPriority, type PoolTx } from "./pool-tx.ts";

export class SenderQueue implements HeapElement {
  readonly key: string;
  readonly address: Uint8Array;
  /** Position in the pool's heap of sender tails (eviction candidates). */
  heapIndex = -1;
  private readonly txs: PoolTx[] = [];

  constructor(key: string, address: Uint8Array) {
    this.key = key;
    this.address = address;
  }

  get length(): number {
    return this.txs.length;
  }

  /** The transaction of the highest priority (pool-tx.ts); selection ranks an unread queue by it. */
  get best(): PoolTx | undefined {
    let best = this.txs[0];
    for (let i = 1; i < this.txs.length; i++) {
      const tx = this.txs[i] as PoolTx;
      if (higherPriority(tx, best as PoolTx)) best = tx;
    }
    return best;
  }

  /** The highest nonce: the only one of this sender that may be evicted (no hole is left). */
  get last(): PoolTx | undefined {
    return this.txs[this.txs.length - 1];
  }

  get(nonce: bigint): PoolTx | undefined {
    const i = this.search(nonce);
    const tx = this.txs[i];
    return tx !== undefined && tx.nonce === nonce ? tx : undefined;
  }

  /** Inserts in nonce order; the caller has removed any transaction with the same nonce. */
  insert(tx: PoolTx): void {
    const i = this.search(tx.nonce);
    if (this.txs[i]?.nonce === tx.nonce) throw new Error(`nonce ${tx.nonce} is already queued`);
    this.txs.splice(i, 0, tx);
  }

  remove(tx: PoolTx): boolean {
    const i = this.search(tx.nonce);
    if (this.txs[i] !== tx) return false;
    this.txs.splice(i, 1);
    return true;
  }

  /** Takes out every transaction with a nonce below `nonce` (already used on chain). */
  takeBelow(nonce: bigint): PoolTx[] {
    return this.txs.splice(0, this.search(nonce));
  }

  /** The contiguous run of nonces start, start+1, ... that a block could take in order. */
  runFrom(start: bigint): PoolTx[] {
    const run: PoolTx[] = [];
    for (let i = this.search(start), next = start; i < this.txs.length; i++, next++) {
      const tx = this.txs[i] as PoolTx;
      if (tx.nonce !== next) break;
      run.push(tx);
    }
    return run;
  }

  /** Index of the first transaction with a nonce >= `nonce`. */
  private search(nonce: bigint): number {
    let lo = 0;
    let hi = this.txs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.txs[mid] as PoolTx).nonce < nonce) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
