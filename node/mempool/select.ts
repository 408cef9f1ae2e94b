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

/** A sender's queue with its account read: ranked by the head of its executable run. */
interface Cursor extends HeapElement {
  run: PoolTx[];
  next: number;
  sender: Balance;
}

/** An unread queue and the highest-priority transaction it holds, which no head it can have outranks. */
interface Unread {
  queue: SenderQueue;
  bound: PoolTx;
}

/** Accounts read at once when selection needs more senders (reads run side by side). */
export const READ_CHUNK = 256;

const headOf = (c: Cursor) => c.run[c.next] as PoolTx;

/**
 * Accounts are read as selection reaches them, a chunk of senders at a time in order of the
 * best transaction each queue holds, so a block costs about as many reads as it takes senders
 * (rounded up to a chunk), not one per sender in the pool: the pool of a loaded devnet holds
 * some 4,000 senders. The order taken is the one reading every account first would give: a
 * queue's best transaction ranks at least as high as any head it can have, so a read head that
 * outranks the best of every unread queue goes first.
 */
export async function selectFromQueues(
  queues: readonly SenderQueue[],
  limits: SelectLimits,
  accounts: AccountReader,
): Promise<Uint8Array[]> {
  if (limits.maxTxs <= 0 || limits.maxBytes <= 0) return [];
  const unread: Unread[] = [];
  for (const queue of queues) {
    const bound = queue.best;
    if (bound !== undefined) unread.push({ queue, bound });
  }
  unread.sort((a, b) => (higherPriority(a.bound, b.bound) ? -1 : higherPriority(b.bound, a.bound) ? 1 : 0));
  let nextUnread = 0;
  // Running balances are lower bounds of what the block will leave: incoming transfers are not
  // counted, and a transfer or stake is charged even if it would fail. So every fee taken here
  // is payable when the block executes.
  const balances = new Map<string, Balance>();
  const heap = new Heap<Cursor>((a, b) => higherPriority(headOf(a), headOf(b)));
  const readChunk = async () => {
    const chunk = unread.slice(nextUnread, nextUnread + READ_CHUNK);
    nextUnread += chunk.length;
    const read = await Promise.all(chunk.map((u) => accounts(u.queue.address)));
    const cursors: Cursor[] = [];
    chunk.forEach(({ queue }, i) => {
      const account = read[i] as AccountView;
      // A sponsor read earlier keeps its running balance.
      let sender = balances.get(queue.key);
      if (sender === undefined) {
        sender = { left: account.balance };
        balances.set(queue.key, sender);
      }
      // Copied now: the queue may change while later accounts are read.
      const run = queue.runFrom(account.nonce);
      if (run.length > 0) cursors.push({ run, next: 0, sender, heapIndex: -1 });
    });
    await readSponsorBalances(cursors, balances, accounts);
    for (const c of cursors) heap.push(c);
  };
  const out: Uint8Array[] = [];
  let bytes = 0;
  while (out.length < limits.maxTxs) {
    const cursor = heap.peek();
    const unreadBound = unread[nextUnread]?.bound;
    if (unreadBound !== undefined && (cursor === undefined || higherPriority(unreadBound, headOf(cursor)))) {
      await readChunk();
      continue;
    }
    if (cursor === undefined) break;
    const tx = headOf(cursor);
    const payer = tx.payerKey === tx.senderKey ? cursor.sender : (balances.get(tx.payerKey) as Balance);
    if (bytes + tx.size > limits.maxBytes || payer.left < tx.fee) {
      heap.remove(cursor);
      continue;
    }
    payer.left -= tx.fee;
    cursor.sender.left -= balanceSpentBy(tx.tx.payload);
    out.push(tx.bytes);
    bytes += tx.size;
    cursor.next++;
    // Re-ranked in place by the sender's next transaction: one sift instead of a pop and a push.
    if (cursor.next < cursor.run.length) heap.update(cursor);
    else heap.remove(cursor);
  }
  return out;
}

/** Adds the balance of every fee payer not read yet (as a sender or another's sponsor). */
async function readSponsorBalances(
  cursors: readonly Cursor[],
  balances: Map<string, Balance>,
  accounts: AccountReader,
): Promise<void> {
  const missing = new Map<string, Uint8Array>();
  for (const { run } of cursors) {
    for (const tx of run) {
      if (tx.payerKey !== tx.senderKey && !balances.has(tx.payerKey)) missing.set(tx.payerKey, tx.payer);
    }
  }
  const keys = [...missing.keys()];
  const read = await Promise.all(keys.map((k) => accounts(missing.get(k) as Uint8Array)));
  keys.forEach((k, i) => {
    balances.set(k, { left: (read[i] as AccountView).balance });
  });
}
