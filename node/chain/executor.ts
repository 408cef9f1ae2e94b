// Executes a chain's blocks: the proposer's block building, the validators' re-execution
// before they vote, and the commit of a finalized block together with its records.
//
// Blocks are executed before they are committed, on top of parents that are not committed
// yet (with 2-chain HotStuff, a block is proposed while its parent still waits for its own
// child). The state on disk only ever holds committed blocks; a block above it is kept as the
// list of writes its execution made and the state tree after it (a StateLayer), in
// executed-blocks.ts; block-runs.ts runs a block on its parent's layer and commits a layer.
// A commit stores the block's state with the block's records in one batch.
//
// All of it runs one operation at a time (the state has a single set of pending writes).

import { equalBytes, sha256, toHex } from "../../crypto/index.ts";
import { buildShardBlock, type ShardBlockContext, validateShardBlock } from "../../shard/block-exec.ts";
import { decodeShardBlockPayload, encodeShardBlockPayload, type ShardBlockPayload } from "../../shard/body.ts";
import { isShardError } from "../../shard/errors.ts";
import type { ShardHeader } from "../../shard/header.ts";
import type { CrossReceipt } from "../../vm/cross-shard/receipt.ts";
import { type AuthenticatedState, BlockError, type BlockResult, type Receipt } from "../../vm/index.ts";
import type { BlockExecutor, BlockToCommit, Verdict } from "./block-executor.ts";
import { type BlockRun, commitState, NO_BEACON, onTopOf, type RunModules, runBlock } from "./block-runs.ts";
import type { BlockStore, ChainTip } from "./block-store.ts";
import { ChainError, ChainErrorCode } from "./errors.ts";
import { type ExecutedBlock, ExecutedBlocks, type KnownBlock, type TipRef } from "./executed-blocks.ts";
import type { StateWrite } from "./recording-state.ts";
import type { StagedKv } from "./staged-kv.ts";

export interface CommittedInfo {
  tip: ChainTip;
  payload: ShardBlockPayload;
  receipts: Receipt[];
  /** The state writes the block made (so caches of committed state can drop them). */
  writes: readonly StateWrite[];
  /** The cross-shard receipts the block emitted (destination shards take them once crosslinked). */
  outbox: readonly CrossReceipt[];
  /** The canonical consensus block and the certificate it was committed with (crosslinks prove them). */
  encoded: Uint8Array;
  certificate: Uint8Array;
}

export interface ExecutorModules extends RunModules {
  /** Blocks seen on the network, by hash hex: the engine only asks to validate the proposals it votes on. */
  known?: (hashHex: string) => KnownBlock | undefined;
  store: BlockStore;
  db: StagedKv;
  /** A proposed block was executed and found valid here (or this node proposed it): not final yet. */
  onExecuted?: (hash: Uint8Array, block: ExecutedBlock) => void;
}
/** How long a commit waits for the beacon block a certified block names (see beaconFor). */
const COMMIT_BEACON_WAIT_MS = 30_000;
/** How long a validator waits for the beacon block a proposal names before judging it. */
const BEACON_WAIT_MS = 1500;

export type { BlockToCommit, Verdict } from "./block-executor.ts";
export type { ExecutedBlock, KnownBlock } from "./executed-blocks.ts";
export type { ShardLinks } from "./shard-links.ts";

export class ChainExecutor implements BlockExecutor<CommittedInfo> {
  private readonly m: ExecutorModules;
  private current: ChainTip;
  /** The header of the committed tip: the parent of the next block. */
  private currentHeader: ShardHeader;
  private readonly executed = new ExecutedBlocks();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(tip: ChainTip, tipHeader: ShardHeader, modules: ExecutorModules) {
    this.current = tip;
    this.currentHeader = tipHeader;
    this.m = modules;
  }

  get tip(): ChainTip {
    return this.current;
  }

  /** Re-executes a proposed block on its parent's state; valid only if its roots match. */
  validate(
    hash: Uint8Array,
    parent: Uint8Array,
    height: bigint,
    round: bigint,
    payloadBytes: Uint8Array,
    proposer: Uint8Array,
    nowMs: number,
    maxClockSkewMs: number,
  ): Promise<Verdict> {
    let payload: ShardBlockPayload;
    try {
      payload = decodeShardBlockPayload(payloadBytes);
    } catch (e) {
      return Promise.resolve({ valid: false, reason: `payload does not decode: ${(e as Error).message}` });
    }
    return this.afterBeacon(payload, () =>
      this.validateDecoded(hash, parent, height, round, payload, proposer, nowMs, maxClockSkewMs),
    );
  }

  /**
   * A certified block fetched by sync, or committed by the engine without this node having
   * judged it, may name a beacon block this node's beacon chain has not reached yet (after a
   * restart both chains catch up at once): the commit waits for it, for a while.
   */
  private async beaconFor(height: bigint, payload: ShardBlockPayload): Promise<void> {
    const links = this.m.links;
    const { beaconHeight, beaconHash } = payload.header;
    if (links === undefined || links.beaconCommitted(beaconHeight, beaconHash)) return;
    await links.waitForBeacon(beaconHeight, COMMIT_BEACON_WAIT_MS);
    if (links.beaconCommitted(beaconHeight, beaconHash)) return;
    throw new ChainError(
      ChainErrorCode.beaconBehind,
      `block ${height} builds on beacon block ${beaconHeight}, not committed here after ${COMMIT_BEACON_WAIT_MS} ms`,
    );
  }

  /** A block may name a beacon block its proposer committed a moment before this node did. */
  private async afterBeacon<T>(payload: ShardBlockPayload, f: () => Promise<T>): Promise<T> {
    const links = this.m.links;
    if (links !== undefined && !links.beaconCommitted(payload.header.beaconHeight, payload.header.beaconHash))
      await links.waitForBeacon(payload.header.beaconHeight, BEACON_WAIT_MS);
    return f();
  }

  private validateDecoded(
    hash: Uint8Array,
    parent: Uint8Array,
    height: bigint,
    round: bigint,
    payload: ShardBlockPayload,
    proposer: Uint8Array,
    nowMs: number,
    maxClockSkewMs: number,
  ): Promise<Verdict> {
    return this.exclusive(async () => {
      const chain = await this.ensureChain(toHex(parent), height);
      if (chain === null) return { valid: false, reason: "parent is not a known block above the committed tip" };
      if (payload.header.timeMs > BigInt(nowMs + maxClockSkewMs))
        return { valid: false, reason: `time ${payload.header.timeMs} is ahead of this node's clock` };
      let run: BlockRun;
      try {
        run = await this.run(chain, proposer, (state, ctx) => validateShardBlock(state, ctx, payload));
      } catch (e) {
        if (e instanceof BlockError || isShardError(e)) return { valid: false, reason: e.message };
        throw e;
      }
      const executed: ExecutedBlock = {
        parentHex: toHex(parent),
        height,
        round,
        proposer,
        payload,
        writes: run.writes,
        receipts: run.result.receipts,
        outbox: run.result.outbox,
        layer: run.layer,
      };
      this.executed.remember(toHex(hash), executed);
      this.m.onExecuted?.(hash, executed);
      return { valid: true };
    });
  }

  /**
   * Builds a payload on `parent` from candidate transactions (in the order given), dropping
   * those that would make the block invalid (a nonce already used, a fee that cannot be paid).
   * Returns the payload and the transactions dropped.
   */
  build(
    parent: Uint8Array,
    height: bigint,
    proposer: Uint8Array,
    candidates: readonly Uint8Array[],
    nowMs: number,
  ): Promise<{ payload: Uint8Array; dropped: Uint8Array[] }> {
    return this.exclusive(async () => {
      const chain = await this.ensureChain(toHex(parent), height);
      if (chain === null) {
        throw new ChainError(ChainErrorCode.outOfOrder, `asked to build on ${toHex(parent)}, which is not known here`);
      }
      let built: Awaited<ReturnType<typeof buildShardBlock>> | undefined;
      const links = this.m.links;
      const parentHeader = this.headerAfter(chain);
      const beacon = links === undefined ? NO_BEACON : links.beaconFor(parentHeader);
      const run = await this.run(chain, proposer, async (state, ctx) => {
        built = await buildShardBlock(state, ctx, {
          beacon,
          timeMs: BigInt(nowMs),
          txs: candidates,
          inbound: links === undefined ? [] : await links.inbound(state, beacon.height),
        });
        return built.result;
      });
      const { payload, dropped } = built as NonNullable<typeof built>;
      const bytes = encodeShardBlockPayload(payload);
      this.executed.rememberBuilt(toHex(sha256(bytes)), {
        parentHex: toHex(parent),
        height,
        round: null,
        proposer,
        payload,
        writes: run.writes,
        receipts: run.result.receipts,
        outbox: run.result.outbox,
        layer: run.layer,
      });
      return { payload: bytes, dropped };
    });
  }

  /** The engine proposed a block this node built: keep its execution under the block's hash. */
  adoptBuilt(hash: Uint8Array, round: bigint, payloadBytes: Uint8Array): void {
    const r = this.executed.adoptBuilt(toHex(sha256(payloadBytes)), toHex(hash), round);
    if (r !== undefined) this.m.onExecuted?.(hash, r);
  }

  /**
   * Commits the child of the committed tip: its state writes and its records in one batch.
   * A block at or below the tip is skipped (after a restart the engine commits again what the
   * store already holds); it must be the same block.
   */
  commit(b: BlockToCommit): Promise<CommittedInfo | null> {
    return this.exclusive(async () => {
      if (b.height <= this.current.height) {
        const stored =
          b.height === this.current.height ? this.current.hash : (await this.m.store.blockAt(b.height))?.hash;
        if (stored !== undefined && !equalBytes(stored, b.hash)) {
          throw new ChainError(
            ChainErrorCode.diverged,
            `committed block ${b.height} is ${toHex(b.hash)}, the store holds ${toHex(stored)}`,
          );
        }
        return null;
      }
      if (b.height !== this.current.height + 1n || !equalBytes(b.parent, this.current.hash)) {
        throw new ChainError(
          ChainErrorCode.outOfOrder,
          `block ${b.height} does not extend the committed tip ${this.current.height}`,
        );
      }
      const hex = toHex(b.hash);
      let r = this.executed.get(hex);
      if (r === undefined) {
        const payload = decodeShardBlockPayload(b.payload);
        await this.beaconFor(b.height, payload);
        let run: BlockRun;
        try {
          run = await this.run([], b.proposer, (state, ctx) => validateShardBlock(state, ctx, payload));
        } catch (e) {
          throw new ChainError(
            ChainErrorCode.diverged,
            `executing certified block ${b.height} (${hex}) does not give what it names: ${(e as Error).message}`,
          );
        }
        r = {
          parentHex: toHex(b.parent),
          height: b.height,
          round: b.round,
          proposer: b.proposer,
          payload,
          writes: run.writes,
          receipts: run.result.receipts,
          outbox: run.result.outbox,
          layer: run.layer,
        };
      }
      const state = this.m.state;
      state.discard();
      const tip: ChainTip = {
        height: b.height,
        hash: b.hash,
        epoch: b.epoch,
        round: b.round,
        stateRoot: r.payload.header.stateRoot,
        timeMs: r.payload.header.timeMs,
      };
      this.m.store.stageCommit({
        tip,
        block: { hash: b.hash, block: b.encoded, certificate: b.certificate },
        txHashes: r.receipts.map((x) => x.txHash),
        receipts: r.receipts,
        outbox: r.outbox,
        credited: r.payload.body.inbound.flatMap((b) => b.receipts.map((p) => p.receipt.origin)),
        ...(b.proof !== undefined ? { proof: b.proof } : {}),
      });
      let root: Uint8Array;
      try {
        root = await commitState(this.m.state, r);
        await this.m.db.flushStaged();
      } catch (e) {
        this.m.db.dropStaged();
        state.discard();
        throw e;
      }
      if (!equalBytes(root, tip.stateRoot)) {
        throw new ChainError(
          ChainErrorCode.diverged,
          `block ${b.height} committed state root ${toHex(root)}, it names ${toHex(tip.stateRoot)}`,
        );
      }
      this.current = tip;
      this.currentHeader = r.payload.header;
      this.executed.committed(hex, tip.height);
      return {
        tip,
        payload: r.payload,
        receipts: r.receipts,
        writes: r.writes,
        outbox: r.outbox,
        encoded: b.encoded,
        certificate: b.certificate,
      };
    });
  }

  /** Transactions in the executed, uncommitted blocks up to `parent` (they still wait for a commit). */
  uncommittedTxsUpTo(parent: Uint8Array): number {
    let n = 0;
    for (const b of this.chainTo(toHex(parent)) ?? []) n += b.payload.body.txs.length;
    return n;
  }

  /** Whether any executed, uncommitted block carries transactions (on any fork above the tip). */
  hasUncommittedTxs(): boolean {
    return this.executed.anyTxs();
  }

  /**
   * Reads the state as it is after `parent` (committed or executed here), for the mempool's
   * view of nonces when building on a block not yet committed.
   */
  readAfter<T>(parent: Uint8Array, f: (state: AuthenticatedState) => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      const chain = (await this.ensureChain(toHex(parent))) ?? [];
      return onTopOf(this.m.state, chain, f);
    });
  }

  /** runBlock on `chain`, whose next block builds on the header headerAfter gives. */
  private run(
    chain: readonly ExecutedBlock[],
    proposer: Uint8Array,
    f: (state: AuthenticatedState, ctx: ShardBlockContext) => Promise<BlockResult>,
  ): Promise<BlockRun> {
    return runBlock(this.m, chain, this.headerAfter(chain), proposer, f);
  }

  /** The header `chain`'s next block builds on: its last block's, or the committed tip's. */
  private headerAfter(chain: readonly ExecutedBlock[]): ShardHeader {
    return chain[chain.length - 1]?.payload.header ?? this.currentHeader;
  }

  /**
   * chainTo, after executing the ancestors the engine never asked about (see
   * ExecutedBlocks.missingUpTo), from the blocks seen on the network. An ancestor whose
   * execution does not give the roots it names breaks the chain.
   */
  private async ensureChain(parentHex: string, childHeight?: bigint): Promise<ExecutedBlock[] | null> {
    const ready = this.chainTo(parentHex, childHeight);
    if (ready !== null || this.m.known === undefined) return ready;
    const missing = this.executed.missingUpTo(this.tipRef(), parentHex, this.m.known);
    if (missing === null) return null;
    for (const { hex: h, block } of missing) {
      const chain = this.chainTo(toHex(block.parent), block.height);
      if (chain === null) return null;
      try {
        const payload = decodeShardBlockPayload(block.payload);
        const run = await this.run(chain, block.proposer, (state, ctx) => validateShardBlock(state, ctx, payload));
        this.executed.remember(h, {
          parentHex: toHex(block.parent),
          height: block.height,
          round: null,
          proposer: block.proposer,
          payload,
          writes: run.writes,
          receipts: run.result.receipts,
          outbox: run.result.outbox,
          layer: run.layer,
        });
      } catch (e) {
        if (e instanceof BlockError || isShardError(e) || (e as { name?: string }).name === "EncodingError")
          return null;
        throw e;
      }
    }
    return this.chainTo(parentHex, childHeight);
  }

  private chainTo(parentHex: string, childHeight?: bigint): ExecutedBlock[] | null {
    return this.executed.chainTo(this.tipRef(), parentHex, childHeight);
  }

  private tipRef(): TipRef {
    return { hex: toHex(this.current.hash), height: this.current.height };
  }

  private exclusive<T>(f: () => Promise<T>): Promise<T> {
    const next = this.queue.then(f, f);
    this.queue = next.catch(() => {});
    return next;
  }
}
