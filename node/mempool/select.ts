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

/** A sender's executable run and how far selection has taken it. */
interface Cursor extends HeapElement {
  run: PoolTx[];
  next: number;
  sender: Balance;
}

const headOf = (c: Cursor) => c.run[c.next] as PoolTx;

export async function selectFromQueues(
  queues: readonly SenderQueue[],
  limits: SelectLimits,
  accounts: AccountReader,
): Promise<Uint8Array[]> {
  if (limits.maxTxs <= 0 || limits.maxBytes <= 0) return [];
  const balances = new Map<string, Balance>();
  const senderAccounts = await Promise.all(queues.map((q) => accounts(q.address)));
  const cursors: Cursor[] = [];
  queues.forEach((q, i) => {
    const account = senderAccounts[i] as AccountView;
    const sender: Balance = { left: account.balance };
    balances.set(q.key, sender);
    // Copied now: the queues may change while the sponsors' accounts are read below.
    const run = q.runFrom(account.nonce);
    if (run.length > 0) cursors.push({ run, next: 0, sender, heapIndex: -1 });
  });
  await readSponsorBalances(cursors, balances, accounts);

  // Running balances are lower bounds of what the block will leave: incoming transfers are not
  // counted, and a transfer or stake is charged even if it would fail. So every fee taken here
  // is payable when the block executes.
  const heap = new Heap<Cursor>((a, b) => higherPriority(headOf(a), headOf(b)));
  for (const c of cursors) heap.push(c);
  const out: Uint8Array[] = [];
  let bytes = 0;
  while (out.length < limits.maxTxs) {
    const cursor = heap.peek();
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

/** Adds the balance of every fee payer that is not also a sender with queued transactions. */
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
