// Transactions a node refused for now ("the mempool is full; try again later"), sent again the
// way a wallet would: after 250 ms, then after twice as long each time, at most 2 s apart.
//
// The load is signed up front with account nonces (sender i mod 4,000, nonce i / 4,000), so a
// transaction refused and never sent again leaves a gap in its sender's nonces: every later
// transaction of that sender is admitted but can never be included. Before this, one burst of
// refusals at the edge (or from a cold start) left the pool full of such transactions, the
// refusals went on, and the run collapsed: at 1,000 tx/s from cold, 6,469 of 19,964 refused and
// 2,233 admitted that never committed. The asonnino/hotstuff harness sends transactions with no
// nonces, so it never had to choose.

export const FIRST_RETRY_MS = 250;
export const MAX_RETRY_MS = 2000;

export class RefusalRetries {
  private readonly delay = new Map<number, number>();
  private queue: { index: number; at: number }[] = [];

  /** Transaction `index` was refused for now at `nowMs`; it is due again after its backoff. */
  refused(index: number, nowMs: number): void {
    const last = this.delay.get(index);
    const wait = last === undefined ? FIRST_RETRY_MS : Math.min(MAX_RETRY_MS, last * 2);
    this.delay.set(index, wait);
    this.queue.push({ index, at: nowMs + wait });
  }

  /** The transactions due again by `nowMs`, in the order they were refused; taken off the queue. */
  due(nowMs: number): number[] {
    if (this.queue.length === 0) return [];
    const out: number[] = [];
    const later: { index: number; at: number }[] = [];
    for (const q of this.queue) {
      if (q.at <= nowMs) out.push(q.index);
      else later.push(q);
    }
    this.queue = later;
    return out;
  }

  /** Transactions waiting to be sent again. */
  get waiting(): number {
    return this.queue.length;
  }
}
