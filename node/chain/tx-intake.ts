// How transactions get into a chain's mempool: submissions to this node (RPC), coalesced into
// one mempool batch per turn of the event loop, and batches gossiped by peers; admitted ones are
// gossiped on in batches (tx-gossip.ts). It refuses new work while the pool holds more than the
// chain can carry soon (see saturated()). A block's pooled transactions are not verified again
// when it executes: the pool admits only transactions whose signatures it checked
// (ExecutionEnv.decodedAreVerified).
import type { SignedItem } from "../../crypto/index.ts";
import type { VmParams } from "../../vm/index.ts";
import { type AccountReader, type AddResult, type Mempool, MempoolError, MempoolErrorCode } from "../mempool/index.ts";
import { type Candidate, screen } from "../mempool/screen.ts";
import { badSignatures } from "../mempool/signatures.ts";
import type { Verdict } from "../net/interface.ts";
import { decodeTxBatch, TxBatcher } from "./tx-gossip.ts";

/** The pool takes new transactions while it holds less than this many blocks' worth. */
const BACKLOG_BLOCKS = 8;
/** ... or less than this many, whatever the blocks carry. */
const MIN_BACKLOG_TXS = 2048;

export interface TxIntakeModules {
  mempool: Mempool;
  /** The pool's count limit (mempool maxTxs). */
  maxTxs: number;
  accounts: AccountReader;
  /** Gossips a batch of admitted transactions. */
  publish(batch: Uint8Array): void;
  /** The pool changed (metrics, and a leader waiting for transactions). */
  changed(): void;
  /** These transactions were admitted (for watchers of their status). */
  accepted?(hashes: Uint8Array[]): void;
  now(): number;
  log: { debug(obj: object, msg: string): void };
}

interface Submission {
  txs: readonly Uint8Array[];
  resolve: (r: AddResult[]) => void;
  reject: (e: unknown) => void;
}

export class TxIntake {
  private readonly m: TxIntakeModules;
  private readonly batcher: TxBatcher;
  private submissions: Submission[] = [];
  /** Moving average of transactions per committed non-empty block (see saturated()). */
  private txsPerBlock = 0;

  constructor(modules: TxIntakeModules) {
    this.m = modules;
    this.batcher = new TxBatcher((batch) => modules.publish(batch), modules.now);
  }

  /**
   * Admits transactions submitted to this node and gossips those admitted. Submissions arriving
   * in the same turn of the event loop (the calls of one JSON-RPC batch, or of many clients)
   * are admitted together: one mempool batch, so one signature batch on the worker threads
   * instead of one check per transaction on this thread.
   */
  submit(txs: readonly Uint8Array[]): Promise<AddResult[]> {
    return new Promise((resolve, reject) => {
      this.submissions.push({ txs, resolve, reject });
      if (this.submissions.length === 1) setImmediate(() => void this.admitSubmissions());
    });
  }

  /**
   * Transactions for a chain this node does not follow now: no state to check them against
   * here, so only what needs none (size, encoding, chain id, fee floor, signatures), then
   * gossiped to the nodes that follow the chain, which admit them as any gossiped batch.
   */
  async relayOnly(
    txs: readonly Uint8Array[],
    params: VmParams,
    verify: (items: readonly SignedItem[]) => Promise<boolean[]>,
  ): Promise<AddResult[]> {
    const results: AddResult[] = [];
    const candidates: { at: number; candidate: Candidate }[] = [];
    txs.forEach((tx, i) => {
      const s = screen(tx, i, params, () => null);
      if (s.ok) candidates.push({ at: i, candidate: s.candidate });
      results.push(s.ok ? { ok: true, hash: s.candidate.hash } : { ok: false, hash: s.hash, error: s.error });
    });
    const bad = await badSignatures(
      candidates.map((c) => c.candidate),
      verify,
    );
    candidates.forEach(({ at, candidate }, k) => {
      const who = bad[k];
      if (who === null || who === undefined) {
        this.batcher.push(candidate.bytes);
        return;
      }
      const error = new MempoolError(
        MempoolErrorCode.badSignature,
        `transaction ${at}: the ${who}'s signature does not verify`,
      );
      results[at] = { ok: false, hash: candidate.hash, error };
    });
    return results;
  }

  /** A batch gossiped by a peer: forged or malformed transactions in it blame the peer. */
  async onGossip(from: string, data: Uint8Array): Promise<Verdict> {
    let txs: Uint8Array[];
    try {
      txs = decodeTxBatch(data);
    } catch {
      return "reject";
    }
    if (this.saturated()) return "ignore";
    const results = await this.m.mempool.add(txs, this.m.accounts, this.m.now());
    let forged = false;
    const admitted: Uint8Array[] = [];
    for (const r of results) {
      if (r.ok) admitted.push(r.hash);
      else if (r.error.code === MempoolErrorCode.badSignature || r.error.code === MempoolErrorCode.malformed) {
        forged = true;
      }
    }
    this.m.changed();
    this.m.accepted?.(admitted);
    if (forged) {
      this.m.log.debug({ peer: from }, "transaction batch with invalid transactions");
      return "reject";
    }
    return "accept";
  }

  /** A block carrying this many transactions was committed. */
  committed(txs: number): void {
    if (txs === 0) return;
    // Blocks that carried something tell how fast the chain drains the pool.
    this.txsPerBlock = this.txsPerBlock === 0 ? txs : 0.8 * this.txsPerBlock + 0.2 * txs;
  }

  stop(): void {
    this.batcher.stop();
  }

  private async admitSubmissions(): Promise<void> {
    const waiting = this.submissions;
    this.submissions = [];
    const all = waiting.flatMap((w) => w.txs);
    try {
      const results = this.saturated()
        ? all.map(poolFull)
        : await this.m.mempool.add(all, this.m.accounts, this.m.now());
      const admitted: Uint8Array[] = [];
      results.forEach((r, i) => {
        if (!r.ok) return;
        this.batcher.push(all[i] as Uint8Array);
        admitted.push(r.hash);
      });
      this.m.changed();
      this.m.accepted?.(admitted);
      let at = 0;
      for (const w of waiting) {
        w.resolve(results.slice(at, at + w.txs.length));
        at += w.txs.length;
      }
    } catch (e) {
      for (const w of waiting) w.reject(e);
    }
  }

  /**
   * The pool is at its limit, or holds more than BACKLOG_BLOCKS blocks' worth of transactions
   * at the rate blocks have been carrying them. New transactions are then refused at once,
   * before their signatures are checked: under overload, checking transactions that could not
   * be included for many seconds took the CPU that consensus needed to commit the ones already
   * admitted, and throughput collapsed instead of levelling off.
   */
  private saturated(): boolean {
    const size = this.m.mempool.size;
    if (size >= this.m.maxTxs) return true;
    return this.txsPerBlock > 0 && size >= Math.max(MIN_BACKLOG_TXS, BACKLOG_BLOCKS * this.txsPerBlock);
  }
}

function poolFull(): AddResult {
  return {
    ok: false,
    hash: null,
    error: new MempoolError(MempoolErrorCode.full, "the mempool is full; try again later"),
  };
}
