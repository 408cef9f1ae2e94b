// Executes the beacon chain's blocks for the node: a proposer's payload (its clock, its reveal,
// a crosslink per shard it can prove from the shard blocks it committed), the validators'
// check before they vote, and the commit of a final block. The rules are shard/beacon-block.ts;
// this file keeps the results of blocks above the committed tip and makes commits durable.
//
// The beacon state is not stored: it is a pure function of the committed blocks, which are
// (BlockStore), so a restart re-applies them (replay()).
import type { BeaconParams } from "../../consensus/beacon/beacon-state.ts";
import { blockCodec } from "../../consensus/index.ts";
import type { BatchVerify, Signer } from "../../consensus/interface.ts";
import { decode, equalBytes, sha256, toHex } from "../../crypto/index.ts";
import {
  applyBeaconPayload,
  type BeaconBlockResult,
  buildBeaconPayload,
  type CommittedShardChain,
} from "../../shard/beacon-block.ts";
import type { InboundBundle } from "../../shard/body.ts";
import type { BlockExecutor, BlockToCommit, Verdict } from "../chain/block-executor.ts";
import type { BlockStore, ChainTip } from "../chain/block-store.ts";
import { ChainError, ChainErrorCode } from "../chain/errors.ts";
import type { KnownBlock } from "../chain/executor.ts";
import type { StagedKv } from "../chain/staged-kv.ts";
import { evictOldest } from "../evict-oldest.ts";
import type { BeaconView } from "./beacon-view.ts";

export interface BeaconCommitted {
  tip: ChainTip;
  result: BeaconBlockResult;
}

export interface BeaconExecutorModules {
  params: BeaconParams;
  verify: BatchVerify;
  store: BlockStore;
  db: StagedKv;
  view: BeaconView;
  /** Blocks seen on the network above the tip (to apply ancestors the engine never asked about). */
  known(hashHex: string): KnownBlock | undefined;
  /** Stake receipts for the beacon waiting on a shard (ShardRecords.bundlesFor). */
  stakeBundles(shard: number, fromSeq: bigint, room: number): InboundBundle[];
}

interface Applied {
  parentHex: string;
  height: bigint;
  result: BeaconBlockResult;
}

/** Uncommitted results kept at most; the engine keeps far fewer blocks in flight. */
const MAX_RESULTS = 1024;
/** Ancestors applied at most to reach a block's parent. */
const MAX_FILL = 256;

export class BeaconExecutor implements BlockExecutor<BeaconCommitted> {
  private readonly m: BeaconExecutorModules;
  private current: ChainTip;
  private readonly results = new Map<string, Applied>();
  private readonly built = new Map<string, Applied>();

  constructor(tip: ChainTip, modules: BeaconExecutorModules) {
    this.current = tip;
    this.m = modules;
  }

  get tip(): ChainTip {
    return this.current;
  }

  /** Re-applies the stored blocks above the view's tip up to the stored tip (start-up). */
  async replay(): Promise<void> {
    const view = this.m.view;
    for (let h = view.tip.height + 1n; h <= this.current.height; h++) {
      const stored = await this.m.store.blockAt(h);
      if (stored === undefined) throw new ChainError(ChainErrorCode.wrongDatabase, `no stored beacon block ${h}`);
      const block = decode(blockCodec, stored.block);
      const result = this.apply(view.tip.result, toHex(view.tip.hash), h, block.proposer, block.payload);
      view.append({ height: h, hash: stored.hash, result, proposer: block.proposer });
    }
  }

  validate(
    hash: Uint8Array,
    parent: Uint8Array,
    height: bigint,
    _round: bigint,
    payload: Uint8Array,
    proposer: Uint8Array,
    nowMs: number,
    maxClockSkewMs: number,
  ): Promise<Verdict> {
    const parentResult = this.resultOf(toHex(parent), height - 1n);
    if (parentResult === undefined)
      return Promise.resolve({ valid: false, reason: "parent is not a known block above the committed tip" });
    let result: BeaconBlockResult;
    try {
      result = this.apply(parentResult, toHex(parent), height, proposer, payload);
    } catch (e) {
      return Promise.resolve({ valid: false, reason: (e as Error).message });
    }
    if (result.timeMs > BigInt(nowMs + maxClockSkewMs))
      return Promise.resolve({ valid: false, reason: `time ${result.timeMs} is ahead of this node's clock` });
    this.remember(toHex(hash), { parentHex: toHex(parent), height, result });
    return Promise.resolve({ valid: true });
  }

  /** A payload for a block at `height` on `parent`, or null when the parent is unknown here. */
  build(
    parent: Uint8Array,
    height: bigint,
    proposer: Uint8Array,
    sign: Signer,
    shards: readonly CommittedShardChain[],
    nowMs: number,
  ): Uint8Array | null {
    const parentResult = this.resultOf(toHex(parent), height - 1n);
    if (parentResult === undefined) return null;
    const payload = buildBeaconPayload({
      parent: parentResult,
      height,
      nowMs: BigInt(nowMs),
      params: this.m.params,
      sign,
      shards,
      crosslinkedBefore: (shard, digest) => this.crosslinkedBefore(toHex(parent), shard, digest),
      stakeBundles: this.m.stakeBundles,
    });
    const result = this.apply(parentResult, toHex(parent), height, proposer, payload);
    this.built.set(toHex(sha256(payload)), { parentHex: toHex(parent), height, result });
    if (this.built.size > 16) evictOldest(this.built);
    return payload;
  }

  /** The engine proposed a block this node built: keep its result under the block's hash. */
  adoptBuilt(hash: Uint8Array, payload: Uint8Array): void {
    const key = toHex(sha256(payload));
    const built = this.built.get(key);
    if (built === undefined) return;
    this.built.delete(key);
    this.remember(toHex(hash), built);
  }

  async commit(b: BlockToCommit): Promise<BeaconCommitted | null> {
    const view = this.m.view;
    if (b.height <= this.current.height) {
      const stored = view.at(b.height);
      if (stored !== undefined && !equalBytes(stored.hash, b.hash)) {
        throw new ChainError(
          ChainErrorCode.diverged,
          `committed beacon block ${b.height} is ${toHex(b.hash)}, this node holds ${toHex(stored.hash)}`,
        );
      }
      return null;
    }
    if (b.height !== this.current.height + 1n || !equalBytes(b.parent, this.current.hash)) {
      throw new ChainError(
        ChainErrorCode.outOfOrder,
        `beacon block ${b.height} does not extend the committed tip ${this.current.height}`,
      );
    }
    const hex = toHex(b.hash);
    let result = this.results.get(hex)?.result;
    if (result === undefined) {
      try {
        result = this.apply(view.tip.result, toHex(view.tip.hash), b.height, b.proposer, b.payload);
      } catch (e) {
        throw new ChainError(
          ChainErrorCode.diverged,
          `certified beacon block ${b.height} (${hex}) breaks the beacon rules: ${(e as Error).message}`,
        );
      }
    }
    const tip: ChainTip = {
      height: b.height,
      hash: b.hash,
      epoch: b.epoch,
      round: b.round,
      // The beacon has no state tree: its randomness mix stands in as the tip's state digest.
      stateRoot: result.state.mix,
      timeMs: result.timeMs,
    };
    this.m.store.stageCommit({
      tip,
      block: { hash: b.hash, block: b.encoded, certificate: b.certificate },
      txHashes: [],
      receipts: [],
      ...(b.proof !== undefined ? { proof: b.proof } : {}),
    });
    await this.m.db.flushStaged();
    this.current = tip;
    view.append({ height: b.height, hash: b.hash, result, proposer: b.proposer });
    this.results.delete(hex);
    for (const [k, v] of this.results) if (v.height <= tip.height) this.results.delete(k);
    return { tip, result };
  }

  private apply(
    parent: BeaconBlockResult,
    parentHex: string,
    height: bigint,
    proposer: Uint8Array,
    payload: Uint8Array,
  ) {
    return applyBeaconPayload(parent, { height, proposer }, payload, this.m.params, this.m.verify, (shard, digest) =>
      this.crosslinkedBefore(parentHex, shard, digest),
    );
  }

  /**
   * Did block `hex` or one of its ancestors crosslink this header? The committed ones are in
   * the view; those above the committed tip are walked back through the results kept here.
   * The answer depends only on the chain ending at `hex`, never on how much of it this node
   * has committed, so every validator judges a block alike.
   */
  private crosslinkedBefore(hex: string, shard: number, digest: Uint8Array): boolean {
    const tipHex = toHex(this.current.hash);
    let at = hex;
    for (let guard = 0; at !== tipHex && guard <= MAX_RESULTS; guard++) {
      const r = this.results.get(at);
      if (r === undefined) return false;
      if (r.result.crosslinked.some((c) => c.shard === shard && equalBytes(c.digest, digest))) return true;
      at = r.parentHex;
    }
    return at === tipHex && this.m.view.isCrosslinked(shard, digest, this.m.view.tip.height);
  }

  /** The result after block `hex` (committed tip or applied here), applying unseen ancestors first. */
  private resultOf(hex: string, height: bigint): BeaconBlockResult | undefined {
    if (hex === toHex(this.current.hash)) return height === this.current.height ? this.m.view.tip.result : undefined;
    const ready = this.results.get(hex);
    if (ready !== undefined) return ready.height === height ? ready.result : undefined;
    const missing: { hex: string; block: KnownBlock }[] = [];
    let at = hex;
    while (at !== toHex(this.current.hash) && !this.results.has(at)) {
      const block = this.m.known(at);
      if (block === undefined || block.height <= this.current.height || missing.length > MAX_FILL) return undefined;
      missing.push({ hex: at, block });
      at = toHex(block.parent);
    }
    for (const { hex: h, block } of missing.reverse()) {
      const parentHex = toHex(block.parent);
      const parent =
        parentHex === toHex(this.current.hash) ? this.m.view.tip.result : this.results.get(parentHex)?.result;
      if (parent === undefined) return undefined;
      try {
        this.remember(h, {
          parentHex,
          height: block.height,
          result: this.apply(parent, parentHex, block.height, block.proposer, block.payload),
        });
      } catch {
        return undefined;
      }
    }
    const r = this.results.get(hex);
    return r !== undefined && r.height === height ? r.result : undefined;
  }

  private remember(hex: string, r: Applied): void {
    if (this.results.size >= MAX_RESULTS) evictOldest(this.results);
    this.results.set(hex, r);
  }
}
