// Choosing a block's transactions from the queues. Across senders the highest priority goes
// first (tip per byte, see pool-tx.ts); within a sender, nonces go strictly in order from the
// account nonce with no gap, because a block with a nonce out of order is invalid. A sender's
// turn ends at the first transaction that does not fit the byte limit or whose fee its payer
// could not pay at that point, since everything after it depends on it.
import { Heap, type HeapElement } from "./heap.ts";
import type { AccountReader, AccountView } from "./interface.ts";
import { balanceSpentBy, higherPriority, type PoolTx } from "./pool-tx.ts";
import type { SenderQueue } from "./sender-queue.ts";

export interface SelectLimits {
  maxTxs: number;
  maxBytes: number;
}

/** What selection has left of an account's balance; shared by every cursor that touches it. */
interface Balance {
  left: bigint;
}

/**
 * A sender's queue in the selection. Until its account is read (`run` null), it ranks by
 * `bound`, its queue's highest-priority transaction, which no head it can have outranks; once
 * read, by the head of its executable run.
 */
interface Cursor extends HeapElement {
  queue: SenderQueue;
  bound: PoolTx;
  run: PoolTx[] | null;
  next: number;
  sender: Balance | null;
}

const rankOf = (c: Cursor) => (c.run === null ? c.bound : (c.run[c.next] as PoolTx));

/**
 * Accounts are read lazily, when a sender's queue first comes to the top, so a block costs
 * about as many reads as it has senders, not one per sender in the pool: the pool of a
 * loaded devnet holds some 4,000 senders, and reading all of them took the leader 10-30 ms of
 * every block before it could execute one transaction. The order taken is the same: a queue's
 * bound ranks at least as high as any head it can have, so a read head at the top outranks
 * every queue not yet read.
 */
export async function selectFromQueues(
  queues: readonly SenderQueue[],
  limits: SelectLimits,
  accounts: AccountReader,
): Promise<Uint8Array[]> {
  if (limits.maxTxs <= 0 || limits.maxBytes <= 0) return [];
  const heap = new Heap<Cursor>((a, b) => higherPriority(rankOf(a), rankOf(b)));
  for (const queue of queues) {
    const bound = queue.best;
    if (bound !== undefined) heap.push({ queue, bound, run: null, next: 0, sender: null, heapIndex: -1 });
  }
  // Running balances are lower bounds of what the block will leave: incoming transfers are not
  // counted, and a transfer or stake is charged even if it would fail. So every fee taken here
  // is payable when the block executes.
  const balances = new Map<string, Balance>();
  const balanceOf = async (key: string, address: Uint8Array, known?: AccountView): Promise<Balance> => {
    let b = balances.get(key);
    if (b === undefined) {
      b = { left: (known ?? (await accounts(address))).balance };
      balances.set(key, b);
    }
    return b;
  };
  const out: Uint8Array[] = [];
  let bytes = 0;
  while (out.length < limits.maxTxs) {
    const cursor = heap.peek();
    if (cursor === undefined) break;
    if (cursor.run === null) {
      heap.remove(cursor);
      const { key, address } = cursor.queue;
      const account = await accounts(address);
      // Copied now: the queue may change while later accounts are read.
      const run = cursor.queue.runFrom(account.nonce);
      if (run.length === 0) continue;
      cursor.sender = await balanceOf(key, address, account);
      cursor.run = run;
      heap.push(cursor);
      continue;
    }
    const tx = cursor.run[cursor.next] as PoolTx;
    const sender = cursor.sender as Balance;
    const payer = tx.payerKey === tx.senderKey ? sender : await balanceOf(tx.payerKey, tx.payer);
    if (bytes + tx.size > limits.maxBytes || payer.left < tx.fee) {
      heap.remove(cursor);
      continue;
    }
    payer.left -= tx.fee;
    sender.left -= balanceSpentBy(tx.tx.payload);
    out.push(tx.bytes);
    bytes += tx.size;
    cursor.next++;
    // Re-ranked in place by the sender's next transaction: one sift instead of a pop and a push.
    if (cursor.next < cursor.run.length) heap.update(cursor);
    else heap.remove(cursor);
  }
  return out;
}
