// Decides when this validator, as leader, answers the engine's request for a payload, and
// builds it. The block interval from genesis is kept between a parent's arrival and our
// block. While idle (no transaction waiting, none in uncommitted blocks) nothing is proposed
// unless the operator turned empty blocks on: the round waits, its timer held by every
// validator that has nothing to carry either (host-timers.ts), and costs nothing. Transactions
// that still wait for a commit (2-chain: a block is final once its child is certified too) keep
// the leaders proposing until they are final everywhere, which takes one block more than here:
// the certificate that commits them on the leader reaches the others in its next proposal.
import { toHex } from "../../crypto/index.ts";
import { evictOldest } from "../evict-oldest.ts";
import type { Mempool } from "../mempool/mempool.ts";
import { readAccount } from "./account-reader.ts";
import type { HostLogger } from "./consensus-host.ts";
import { ChainError, ChainErrorCode } from "./errors.ts";
import type { ChainExecutor } from "./executor.ts";

/**
 * A request whose parent block has not arrived is tried again this often once it has, at most
 * this many times: the engine holds the parent's certificate and fetches the block, which
 * under load can come a little after the request. Without the retry the round was lost to a
 * timeout (seen at 2,300 tx/s on the devnet: "asked to build on ..., which is not known here").
 */
const PARENT_RETRY_MS = 25;
const PARENT_RETRIES = 40;

export interface ProposerOptions {
  blockIntervalMs: number;
  /**
   * Milliseconds a block may take to execute. Every validator executes it before voting, so a
   * block that takes longer than a fraction of the round timeout ends in a timeout instead of a
   * commit; the proposer packs as many transactions as its own recent executions say fit.
   */
  executionBudgetMs: number;
  emptyBlocks: boolean;
  maxBlockTxs: number;
  maxBlockBytes: number;
}

export interface ProposerModules {
  executor: ChainExecutor;
  mempool: Mempool;
  /** This validator's public key (the block's proposer, paid its fees and reward). */
  selfKey: Uint8Array;
  now(): number;
  /** Transactions a block could not carry (stale nonce, fee the payer cannot pay). */
  onDropped(txs: Uint8Array[]): void;
  log: HostLogger;
  /**
   * On a sharded network: receipts wait to be taken here, or this shard's newest receipts wait
   * for a crosslink (which needs their block's commit proven by a child). Either is a reason for
   * a block without transactions.
   */
  crossShardWork?: () => boolean;
}

interface Pending {
  round: bigint;
  parentHash: Uint8Array;
  height: bigint;
  answer: (payload: Uint8Array) => void;
  /** Told once, the first time the request finds nothing to propose (the engine then announces its QC). */
  decline?: (() => void) | undefined;
  /** Builds that failed because the parent was not known here. */
  parentMisses?: number;
}

export class Proposer {
  private readonly opts: ProposerOptions;
  private readonly m: ProposerModules;
  private pending: Pending | null = null;
  private timer: NodeJS.Timeout | null = null;
  private building = false;
  /** The pool held nothing a block could carry; wait for a change before selecting again. */
  private nothingToCarry = false;
  private readonly seen = new Map<string, number>();
  /** The pending request's parent, when a build found it unknown and it has not been seen since. */
  private awaitedParent: string | null = null;
  /** Moving average of execution time per transaction, from this node's own blocks. */
  private msPerTx = 0;

  constructor(opts: ProposerOptions, modules: ProposerModules) {
    this.opts = opts;
    this.m = modules;
  }

  request(
    req: { round: bigint; parentHash: Uint8Array; height: bigint },
    answer: (payload: Uint8Array) => void,
    decline?: () => void,
  ): void {
    this.pending = { ...req, answer, decline };
    this.awaitedParent = null;
    this.check();
  }

  /** Something changed (transactions arrived): maybe a waiting proposal can go now. */
  private crossShardWork(): boolean {
    return this.m.crossShardWork?.() === true;
  }

  poke(): void {
    this.nothingToCarry = false;
    if (this.pending !== null && this.timer === null) this.check();
  }

  blockSeen(hash: Uint8Array, nowMs: number): void {
    const hex = toHex(hash);
    if (!this.seen.has(hex)) {
      if (this.seen.size >= 1024) evictOldest(this.seen);
      this.seen.set(hex, nowMs);
    }
    if (hex === this.awaitedParent) {
      this.awaitedParent = null;
      this.retrySoon();
    }
  }

  stop(): void {
    this.pending = null;
    this.awaitedParent = null;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private check(): void {
    const p = this.pending;
    if (p === null || this.building || this.awaitedParent !== null) return;
    const now = this.m.now();
    const readyAt = (this.seen.get(toHex(p.parentHash)) ?? 0) + this.opts.blockIntervalMs;
    if (now < readyAt) {
      if (this.timer !== null) clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        this.timer = null;
        this.check();
      }, readyAt - now);
      return;
    }
    const waiting = this.m.mempool.size > 0 && !this.nothingToCarry;
    if (!this.opts.emptyBlocks && !waiting && !this.blockNeeded(p.parentHash)) {
      this.declined(p);
      return;
    }
    this.building = true;
    this.pending = null;
    this.build(p)
      .catch((e) => {
        if (!this.parentMissing(p, e))
          this.m.log.error({ err: String(e), round: String(p.round) }, "could not build a block");
      })
      .finally(() => {
        this.building = false;
        if (this.pending !== null) this.check();
      });
  }

  /**
   * Whether the build failed only because its parent block is not known here yet; if so the
   * request is kept and built again once the block is seen (or soon, if it was seen meanwhile
   * and is still being validated), unless the engine has asked for another since.
   */
  private parentMissing(p: Pending, e: unknown): boolean {
    if (!(e instanceof ChainError) || e.code !== ChainErrorCode.outOfOrder) return false;
    const misses = (p.parentMisses ?? 0) + 1;
    if (misses > PARENT_RETRIES) return false;
    if (this.pending !== null) return true;
    this.pending = { ...p, parentMisses: misses };
    const hex = toHex(p.parentHash);
    if (this.seen.has(hex)) this.retrySoon();
    else this.awaitedParent = hex;
    this.m.log.debug(
      { round: String(p.round), parent: hex, misses },
      "the parent block has not arrived: waiting for it",
    );
    return true;
  }

  private retrySoon(): void {
    if (this.pending === null || this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.check();
    }, PARENT_RETRY_MS);
  }

  /** The first time a request finds nothing to propose: tell the engine (once). */
  private declined(p: Pending): void {
    const decline = p.decline;
    p.decline = undefined;
    decline?.();
  }

  /** A block is needed on `parent` even without new transactions: some wait in uncommitted blocks, or cross-shard work waits. */
  private blockNeeded(parent: Uint8Array): boolean {
    return this.m.executor.uncommittedTxsUpTo(parent) > 0 || this.crossShardWork();
  }

  /** How many transactions fit the execution budget, judging by recent blocks (at least 50). */
  private txLimit(): number {
    if (this.msPerTx === 0) return Math.min(this.opts.maxBlockTxs, 500);
    return Math.max(50, Math.min(this.opts.maxBlockTxs, Math.floor(this.opts.executionBudgetMs / this.msPerTx)));
  }

  private async build(p: Pending): Promise<void> {
    const { executor, mempool } = this.m;
    const limits = { maxTxs: this.txLimit(), maxBytes: this.opts.maxBlockBytes };
    const started = this.m.now();
    const candidates =
      mempool.size === 0
        ? []
        : await executor.readAfter(p.parentHash, (state) =>
            mempool.select(limits, (address) => readAccount(state, address)),
          );
    const selected = this.m.now();
    // Transactions waiting that no block can carry yet (a nonce gap) are no reason for a block.
    if (candidates.length === 0 && !this.opts.emptyBlocks && !this.blockNeeded(p.parentHash)) {
      this.nothingToCarry = true;
      if (this.pending === null) this.pending = p;
      this.declined(p);
      return;
    }
    const built = await executor.build(p.parentHash, p.height, this.m.selfKey, candidates, this.m.now());
    this.m.log.debug(
      {
        height: String(p.height),
        round: String(p.round),
        txs: candidates.length - built.dropped.length,
        dropped: built.dropped.length,
        selectMs: selected - started,
        executeMs: this.m.now() - selected,
      },
      "built a block",
    );
    const included = candidates.length - built.dropped.length;
    if (included >= 50) {
      const sample = (this.m.now() - selected) / included;
      this.msPerTx = this.msPerTx === 0 ? sample : 0.7 * this.msPerTx + 0.3 * sample;
    }
    if (built.dropped.length > 0) this.m.onDropped(built.dropped);
    this.blockSeen(p.parentHash, this.m.now());
    p.answer(built.payload);
  }
}
