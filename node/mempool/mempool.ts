// The transaction pool of one chain. Pure logic: signatures go through the given verify(),
// accounts through the given reader, and time comes in as an argument.
//
// add() checks a batch cheapest first and touches the pool only at the very end:
//   1. stateless (size, decoding, chain, payload, fee) and duplicates, per transaction;
//   2. nonce and fee payer against the accounts, each address read once;
//   3. every signature of the batch in one verify() call;
//   4. admission in batch order: replacement, per-sender limit, room (evicting if it must).
// A transaction refused at any step leaves the pool exactly as it was.
//
// Structures: a map by hash; per sender a queue sorted by nonce; a heap of each sender's
// last (highest-nonce) transaction ordered by priority, which is where eviction takes from,
// so evicting never leaves a hole in front of a sender's remaining transactions. The heap is
// only kept while the pool is full or was lately: it is built when an admission first finds
// no room and dropped once the pool is back under half its limits. Keeping it always cost
// every admission a sift through thousands of senders (ties in priority go to the newest,
// which rises to the top), 2-4% of a loaded validator's main thread, for evictions that a
// pool under its limits never makes.
import { addressBytesOf, toHex } from "../../crypto/index.ts";
import { type DecodedTx, decodeTransaction, transactionHash, type VmParams } from "../../vm/index.ts";
import { checkAgainstAccounts, readAccountsOf } from "./account-checks.ts";
import { type MempoolError, MempoolErrorCode, refusal } from "./errors.ts";
import { Heap } from "./heap.ts";
import type { AccountReader, AddResult, MempoolModules } from "./interface.ts";
import { type MempoolOptions, mempoolOptions, RECENTLY_REMOVED_CAPACITY } from "./options.ts";
import { compareTipPerByte, lowerPriority, type PoolTx } from "./pool-tx.ts";
import { RecentHashes } from "./recent-hashes.ts";
import { type Candidate, screen } from "./screen.ts";
import { selectFromQueues } from "./select.ts";
import { SenderQueue } from "./sender-queue.ts";
import { badSignatures } from "./signatures.ts";

interface Pending {
  index: number;
  candidate: Candidate;
}

export class Mempool {
  private readonly opts: MempoolOptions;
  private readonly params: VmParams;
  private readonly verify: MempoolModules["verify"];
  private readonly byHash = new Map<string, PoolTx>();
  private readonly senders = new Map<string, SenderQueue>();
  /**
   * Every sender's last transaction, lowest priority on top: the eviction candidates. Null while
   * the pool has been under half its limits since it was last full (see tailsForEviction).
   */
  private tails: Heap<SenderQueue> | null = null;
  private readonly recentlyRemoved = new RecentHashes(RECENTLY_REMOVED_CAPACITY);
  private totalBytes = 0;
  private nextSeq = 0;

  constructor(opts: Partial<MempoolOptions>, modules: MempoolModules) {
    this.opts = mempoolOptions(opts);
    this.params = modules.params;
    this.verify = modules.verify;
  }

  get size(): number {
    return this.byHash.size;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  has(hash: Uint8Array): boolean {
    return this.byHash.has(toHex(hash));
  }

  /** The signed bytes of a pooled transaction, or undefined. */
  get(hash: Uint8Array): Uint8Array | undefined {
    return this.byHash.get(toHex(hash))?.bytes;
  }

  /** A pooled transaction as admission decoded and checked it (decodeAndCheck), or undefined. */
  decoded(hash: Uint8Array): DecodedTx | undefined {
    return this.byHash.get(toHex(hash));
  }

  /**
   * The nonce after the sender's pooled run that starts at `accountNonce` (what its next
   * transaction should carry once those are included), or `accountNonce` if none is pooled.
   */
  nextNonce(sender: Uint8Array, accountNonce: bigint): bigint {
    const queue = this.senders.get(toHex(sender));
    if (queue === undefined) return accountNonce;
    return accountNonce + BigInt(queue.runFrom(accountNonce).length);
  }

  /** Checks and admits a batch; one result per input, in order. */
  async add(txs: readonly Uint8Array[], accounts: AccountReader, nowMs: number): Promise<AddResult[]> {
    const results: AddResult[] = new Array(txs.length);
    const refuse = (p: Pending, error: MempoolError) => {
      results[p.index] = { ok: false, hash: p.candidate.hash, error };
    };
    let pending = this.screenBatch(txs, results);

    const views = await readAccountsOf(
      pending.map((p) => p.candidate),
      accounts,
    );
    pending = pending.filter((p, i) => {
      const { sender, payer } = views[i] as (typeof views)[number];
      const error = checkAgainstAccounts(p.candidate, p.index, sender, payer, this.opts.maxNonceGap);
      if (error !== null) refuse(p, error);
      return error === null;
    });

    const bad = await badSignatures(
      pending.map((p) => p.candidate),
      this.verify,
    );
    pending = pending.filter((p, i) => {
      const who = bad[i] ?? null;
      if (who === null) return true;
      refuse(p, refusal(p.index, MempoolErrorCode.badSignature, `the ${who}'s signature does not verify`));
      return false;
    });

    // Nothing below awaits, so no other call interleaves with admission.
    for (const p of pending) {
      const error = this.admit(p, nowMs);
      if (error === null) results[p.index] = { ok: true, hash: p.candidate.hash };
      else refuse(p, error);
    }
    return results;
  }

  /** Transactions for a block; see select.ts for the order and the balance rule. */
  select(limits: { maxTxs: number; maxBytes: number }, accounts: AccountReader): Promise<Uint8Array[]> {
    return selectFromQueues([...this.senders.values()], limits, accounts);
  }

  /**
   * After a block commits: drops the included transactions and, for each sender the block
   * touched, every transaction whose nonce is now used. Their hashes are remembered so a replay
   * is refused as a duplicate before any account read. `hashes`, when the caller has them
   * (the block's receipts do), are the transactions' hashes in order.
   */
  async removeIncluded(
    txs: readonly Uint8Array[],
    accounts: AccountReader,
    hashes: readonly Uint8Array[] = txs.map(transactionHash),
  ): Promise<void> {
    // Only a block's senders can have a new nonce, so only their queues are looked at.
    const touched = new Map<string, Uint8Array>();
    for (let i = 0; i < txs.length; i++) {
      const bytes = txs[i] as Uint8Array;
      const hashKey = toHex(hashes[i] as Uint8Array);
      this.recentlyRemoved.add(hashKey);
      const pooled = this.byHash.get(hashKey);
      if (pooled !== undefined) {
        touched.set(pooled.senderKey, pooled.sender);
        this.detach(pooled);
        continue;
      }
      if (this.senders.size === 0) continue;
      const sender = senderOf(bytes);
      if (sender !== null) touched.set(toHex(sender), sender);
    }
    const keys = [...touched.keys()];
    const views = await Promise.all(keys.map((k) => accounts(touched.get(k) as Uint8Array)));
    keys.forEach((key, i) => {
      const queue = this.senders.get(key);
      if (queue === undefined) return;
      const used = queue.takeBelow((views[i] as (typeof views)[number]).nonce);
      for (const tx of used) this.recentlyRemoved.add(tx.hashKey);
      this.forgetTaken(queue, used);
    });
    this.dropTailsIfRoomy();
  }

  /**
   * Drops transactions a block could not carry (the proposer found them invalid on the state it
   * built on: a used nonce, a fee the payer cannot pay). Unlike removeIncluded, their hashes are
   * not remembered: the sender may send the same bytes again once they can be carried.
   * Returns how many were in the pool.
   */
  discard(txs: readonly Uint8Array[]): number {
    let n = 0;
    for (const bytes of txs) {
      const pooled = this.byHash.get(toHex(transactionHash(bytes)));
      if (pooled === undefined) continue;
      this.detach(pooled);
      n++;
    }
    this.dropTailsIfRoomy();
    return n;
  }

  /**
   * Drops every transaction that arrived ttlMs or more before nowMs; returns how many. Later
   * nonces of the same sender stay: they become includable again if the dropped one is resent.
   */
  evictStale(nowMs: number): number {
    const stale: PoolTx[] = [];
    for (const tx of this.byHash.values()) if (nowMs - tx.addedAtMs >= this.opts.ttlMs) stale.push(tx);
    for (const tx of stale) this.detach(tx);
    this.dropTailsIfRoomy();
    return stale.length;
  }

  /** Step 1 of add: writes the refusals into `results`, returns the rest. */
  private screenBatch(txs: readonly Uint8Array[], results: AddResult[]): Pending[] {
    const pending: Pending[] = [];
    const inBatch = new Set<string>();
    const duplicateOf = (hashKey: string) =>
      this.duplicateOf(hashKey) ?? (inBatch.has(hashKey) ? "earlier in this batch" : null);
    txs.forEach((bytes, index) => {
      const s = screen(bytes, index, this.params, duplicateOf);
      if (!s.ok) {
        results[index] = s;
        return;
      }
      inBatch.add(s.candidate.hashKey);
      pending.push({ index, candidate: s.candidate });
    });
    return pending;
  }

  private duplicateOf(hashKey: string): string | null {
    if (this.byHash.has(hashKey)) return "already in the pool";
    if (this.recentlyRemoved.has(hashKey)) return "already included in a block";
    return null;
  }

  /** Step 4 of add: the checks that depend on what the pool holds, then the insertion. */
  private admit({ index, candidate: c }: Pending, nowMs: number): MempoolError | null {
    // Checked again: another add() may have admitted it while this one awaited.
    const duplicate = this.duplicateOf(c.hashKey);
    if (duplicate !== null) return refusal(index, MempoolErrorCode.duplicate, `the transaction is ${duplicate}`);
    const queue = this.senders.get(c.senderKey);
    const replaced = queue?.get(c.nonce);
    if (replaced !== undefined) {
      if (!outbids(c, replaced)) {
        return refusal(
          index,
          MempoolErrorCode.replacementUnderpriced,
          `nonce ${c.nonce} is queued with fee ${replaced.fee}; a replacement must offer at least 10% more`,
        );
      }
    } else if (queue !== undefined && queue.length >= this.opts.maxPerSender) {
      return refusal(
        index,
        MempoolErrorCode.senderFull,
        `the sender already has ${queue.length} transactions queued, at most ${this.opts.maxPerSender}`,
      );
    }
    const tx: PoolTx = { ...c, addedAtMs: nowMs, seq: this.nextSeq++ };
    if (replaced !== undefined) this.detach(replaced);
    if (!this.makeRoom(tx)) {
      if (replaced !== undefined) this.attach(replaced);
      const held = `${this.byHash.size} transactions, ${this.totalBytes} bytes`;
      return refusal(index, MempoolErrorCode.full, `the pool is full (${held}) with nothing of a lower tip per byte`);
    }
    this.attach(tx);
    return null;
  }

  /**
   * Evicts sender tails of strictly lower priority until `tx` fits. If that cannot be done,
   * puts every evicted transaction back and returns false, so the pool is unchanged.
   */
  private makeRoom(tx: PoolTx): boolean {
    const fits = () => this.byHash.size < this.opts.maxTxs && this.totalBytes + tx.size <= this.opts.maxBytes;
    if (fits()) return true;
    if (tx.size > this.opts.maxBytes) return false;
    const tails = this.tailsForEviction();
    // The newcomer's own sender is never a victim: its tail may be below the newcomer's nonce,
    // and evicting it would leave a hole right in front of the newcomer.
    const own = this.senders.get(tx.senderKey);
    if (own !== undefined) tails.remove(own);
    const evicted: PoolTx[] = [];
    let ok = true;
    while (!fits()) {
      const victim = tails.peek()?.last;
      if (victim === undefined || compareTipPerByte(tx, victim) <= 0) {
        ok = false;
        break;
      }
      this.detach(victim);
      evicted.push(victim);
    }
    if (!ok) for (let i = evicted.length - 1; i >= 0; i--) this.attach(evicted[i] as PoolTx);
    if (own !== undefined && own.length > 0) tails.update(own);
    return ok;
  }

  /** The heap of sender tails, built from every queue if the pool has not kept one. */
  private tailsForEviction(): Heap<SenderQueue> {
    if (this.tails === null) {
      this.tails = new Heap<SenderQueue>((a, b) => lowerPriority(a.last as PoolTx, b.last as PoolTx));
      for (const queue of this.senders.values()) this.tails.push(queue);
    }
    return this.tails;
  }

  private attach(tx: PoolTx): void {
    let queue = this.senders.get(tx.senderKey);
    if (queue === undefined) {
      queue = new SenderQueue(tx.senderKey, tx.sender);
      this.senders.set(tx.senderKey, queue);
    }
    queue.insert(tx);
    this.byHash.set(tx.hashKey, tx);
    this.totalBytes += tx.size;
    this.tails?.update(queue);
  }

  private detach(tx: PoolTx): void {
    const queue = this.senders.get(tx.senderKey);
    if (queue === undefined || !queue.remove(tx)) return;
    this.forgetTaken(queue, [tx]);
  }

  /** Bookkeeping for transactions already taken out of `queue`. */
  private forgetTaken(queue: SenderQueue, taken: readonly PoolTx[]): void {
    for (const tx of taken) {
      this.byHash.delete(tx.hashKey);
      this.totalBytes -= tx.size;
    }
    if (queue.length > 0) this.tails?.update(queue);
    else {
      this.tails?.remove(queue);
      this.senders.delete(queue.key);
    }
  }

  /** Drops the heap of sender tails once the pool is under half its limits (see the top). */
  private dropTailsIfRoomy(): void {
    if (this.byHash.size * 2 < this.opts.maxTxs && this.totalBytes * 2 < this.opts.maxBytes) this.tails = null;
  }
}

/**
 * A replacement must offer at least 10% more than the fee it replaces. Without a minimum step,
 * a sender could resubmit the same nonce with one more base unit again and again, and make
 * every node verify and gossip each copy for almost nothing.
 */
function outbids(next: Candidate, queued: PoolTx): boolean {
  return next.fee > queued.fee && next.fee * 10n >= queued.fee * 11n;
}

/** The sender's address of an encoded transaction, or null if it does not decode. */
function senderOf(bytes: Uint8Array): Uint8Array | null {
  try {
    return addressBytesOf(decodeTransaction(bytes).sender);
  } catch {
    return null;
  }
}
