// Everything of a sharded run that is a pure function of block contents, computed once and
// shared by every simulated validator: the state after each shard block (a MemoryKv snapshot),
// the beacon state after each beacon block, which beacon blocks crosslinked which headers, and
// which receipts each shard block emitted. Execution is deterministic, so one result per block
// is what every honest validator would compute; what differs between validators (which beacon
// blocks each has committed, which blocks it has seen) stays in their hosts (chain-host.ts).
import {
  type BeaconParams,
  type BeaconState,
  type CrosslinkedHeader,
  epochOfHeight,
} from "../../consensus/beacon/beacon-state.ts";
import type { BatchVerify } from "../../consensus/interface.ts";
import { addressBytesOf, fromHex, toHex } from "../../crypto/index.ts";
import type { CrossReceipt } from "../../vm/cross-shard/receipt.ts";
import {
  accountKey,
  decodeAccount,
  decodeTotals,
  type MemoryKv,
  SparseMerkleState,
  TOTALS_KEY,
  type VmParams,
} from "../../vm/index.ts";
import { applyBeaconPayload } from "../beacon-block.ts";
import { type BuildRequest, buildShardBlock, type ShardBlockContext, validateShardBlock } from "../block-exec.ts";
import { decodeShardBlockPayload, type ShardBlockPayload } from "../body.ts";
import { headerHash, type ShardHeader } from "../header.ts";

/** The result of a shard block, shared by all validators. */
export interface ShardExec {
  header: ShardHeader;
  headerHex: string;
  body: ShardBlockPayload["body"];
  /** The state after the block (never written again). */
  kv: MemoryKv;
  outbox: CrossReceipt[];
  /** Balances + stakes + unbonding of every known account, and genesis + minted - burned, on this chain. */
  held: bigint;
  issued: bigint;
}

export interface BeaconExec {
  hashHex: string;
  parentHex: string;
  height: bigint;
  timeMs: bigint;
  state: BeaconState;
  crosslinked: CrosslinkedHeader[];
}

export type Judgement = { valid: true } | { valid: false; reason: string };

export class ShardLedger {
  /** Shard block results by header hash (what a shard block's consensus hash commits to). */
  private readonly execs = new Map<string, ShardExec>();
  /** Verdicts by header hash and proposer (the proposer's address takes the reward, so it is part of the input). */
  private readonly verdicts = new Map<string, Judgement>();
  /** Consensus block hash -> header hash, learned from every payload seen with its hash. */
  readonly headerOfBlock = new Map<string, string>();

  readonly shard: number;
  readonly params: VmParams;
  private readonly world: SimLedger;

  constructor(shard: number, params: VmParams, genesis: ShardExec, genesisBlockHex: string, world: SimLedger) {
    this.shard = shard;
    this.params = params;
    this.world = world;
    this.execs.set(genesis.headerHex, genesis);
    this.headerOfBlock.set(genesisBlockHex, genesis.headerHex);
  }

  get(headerHex: string): ShardExec | undefined {
    return this.execs.get(headerHex);
  }

  /** The executed block a consensus block hash names, if its payload was seen. */
  ofBlock(blockHex: string): ShardExec | undefined {
    const h = this.headerOfBlock.get(blockHex);
    return h === undefined ? undefined : this.execs.get(h);
  }

  /** The context of a block on `parent` building on the beacon block `beaconHex`. */
  context(parent: ShardHeader, proposer: string, beaconHex: string): ShardBlockContext {
    return {
      params: this.params,
      parent,
      proposer: addressBytesOf(fromHex(proposer, 32)),
      beaconCommitted: (height, hash) => this.world.beacon.get(toHex(hash))?.height === height,
      isCrosslinked: (_source, hash, beaconHeight) => this.world.isCrosslinked(toHex(hash), beaconHeight, beaconHex),
    };
  }

  /** Builds on the block `parentBlockHex` names; null if that parent is unknown here. */
  async build(parentBlockHex: string, proposer: string, req: BuildRequest): Promise<ShardBlockPayload | null> {
    const parent = this.ofBlock(parentBlockHex);
    if (parent === undefined) return null;
    const kv = parent.kv.clone();
    const state = await SparseMerkleState.open(kv);
    const built = await buildShardBlock(state, this.context(parent.header, proposer, toHex(req.beacon.hash)), req);
    await this.remember(state, kv, built.payload, built.result.outbox, proposer);
    return built.payload;
  }

  /** Judges the payload of block `blockHex` on its parent; the same answer for every validator. */
  async judge(blockHex: string, parentBlockHex: string, proposer: string, bytes: Uint8Array): Promise<Judgement> {
    let payload: ShardBlockPayload;
    try {
      payload = decodeShardBlockPayload(bytes);
    } catch (e) {
      return { valid: false, reason: `payload does not decode: ${(e as Error).message}` };
    }
    const headerHex = toHex(headerHash(payload.header));
    this.headerOfBlock.set(blockHex, headerHex);
    const parent = this.ofBlock(parentBlockHex);
    if (parent === undefined) return { valid: false, reason: "unknown parent" };
    if (toHex(payload.header.parent) !== parent.headerHex) {
      return { valid: false, reason: "the header's parent is not the consensus parent's header" };
    }
    const key = `${headerHex}/${proposer}`;
    const known = this.verdicts.get(key);
    if (known !== undefined) return known;
    const kv = parent.kv.clone();
    const state = await SparseMerkleState.open(kv);
    const ctx = this.context(parent.header, proposer, toHex(payload.header.beaconHash));
    let verdict: Judgement;
    try {
      const result = await validateShardBlock(state, ctx, payload);
      await this.remember(state, kv, payload, result.outbox, proposer);
      verdict = { valid: true };
    } catch (e) {
      verdict = { valid: false, reason: (e as Error).message };
    }
    this.verdicts.set(key, verdict);
    return verdict;
  }

  private async remember(
    state: SparseMerkleState,
    kv: MemoryKv,
    payload: ShardBlockPayload,
    outbox: CrossReceipt[],
    proposer: string,
  ): Promise<void> {
    await state.commit();
    const exec = await this.world.summarize(this.shard, payload, kv, outbox);
    this.verdicts.set(`${exec.headerHex}/${proposer}`, { valid: true });
    if (this.execs.has(exec.headerHex)) return;
    this.execs.set(exec.headerHex, exec);
    this.world.indexOutbox(exec);
  }
}

/** One run's shared results: the beacon chain's states and every shard's blocks. */
export class SimLedger {
  readonly beacon = new Map<string, BeaconExec>();
  readonly shards: ShardLedger[] = [];
  /** Header hash -> the beacon blocks (hex) that crosslinked it (several on forks). */
  private readonly crosslinkedBy = new Map<string, string[]>();
  private readonly beaconRefused = new Map<string, string>();
  /** Every known account, per shard, whose holdings count toward the supply. */
  readonly accounts: Uint8Array[][];

  readonly beaconParams: BeaconParams;
  private readonly verify: BatchVerify;

  constructor(beaconParams: BeaconParams, verify: BatchVerify, accounts: Uint8Array[][]) {
    this.beaconParams = beaconParams;
    this.verify = verify;
    this.accounts = accounts;
  }

  /** The beacon block of `hashHex` and its ancestor at `height`, if both are known. */
  ancestorAt(hashHex: string, height: bigint): BeaconExec | undefined {
    let b = this.beacon.get(hashHex);
    while (b !== undefined && b.height > height) b = this.beacon.get(b.parentHex);
    return b?.height === height ? b : undefined;
  }

  /** Crosslinked by a beacon block at or below `beaconHeight` on the chain ending at `tipHex`? */
  isCrosslinked(headerHex: string, beaconHeight: bigint, tipHex: string): boolean {
    const by = this.crosslinkedBy.get(headerHex);
    if (by === undefined) return false;
    return by.some((hex) => {
      const b = this.beacon.get(hex);
      return b !== undefined && b.height <= beaconHeight && this.ancestorAt(tipHex, b.height)?.hashHex === hex;
    });
  }

  judgeBeacon(
    blockHex: string,
    parentHex: string,
    height: bigint,
    proposer: string,
    bytes: Uint8Array,
  ): Judgement & { exec?: BeaconExec } {
    const known = this.beacon.get(blockHex);
    if (known !== undefined) return { valid: true, exec: known };
    const refused = this.beaconRefused.get(blockHex);
    if (refused !== undefined) return { valid: false, reason: refused };
    const parent = this.beacon.get(parentHex);
    if (parent === undefined) return { valid: false, reason: "unknown parent" };
    try {
      const r = applyBeaconPayload(
        parent,
        { height, proposer: fromHex(proposer, 32) },
        bytes,
        this.beaconParams,
        this.verify,
        (_shard, digest) => this.isCrosslinked(toHex(digest), parent.height, parentHex),
      );
      const exec: BeaconExec = {
        hashHex: blockHex,
        parentHex,
        height,
        timeMs: r.timeMs,
        state: r.state,
        crosslinked: r.crosslinked,
      };
      this.beacon.set(blockHex, exec);
      for (const c of exec.crosslinked) {
        const hex = toHex(c.digest);
        const list = this.crosslinkedBy.get(hex) ?? [];
        list.push(blockHex);
        this.crosslinkedBy.set(hex, list);
      }
      return { valid: true, exec };
    } catch (e) {
      const reason = (e as Error).message;
      this.beaconRefused.set(blockHex, reason);
      return { valid: false, reason };
    }
  }

  epochOf(beaconHeight: bigint): bigint {
    return epochOfHeight(beaconHeight, this.beaconParams.epochLength);
  }

  /** Receipts by (source, destination, seq): every shard block that emitted one, forks included. */
  readonly emitted = new Map<string, { exec: ShardExec; index: number }[]>();

  indexOutbox(exec: ShardExec): void {
    exec.outbox.forEach((r, index) => {
      const key = `${r.source}>${r.destination}#${r.seq}`;
      const list = this.emitted.get(key) ?? [];
      list.push({ exec, index });
      this.emitted.set(key, list);
    });
  }

  async summarize(
    shard: number,
    payload: ShardBlockPayload,
    kv: MemoryKv,
    outbox: CrossReceipt[] = [],
  ): Promise<ShardExec> {
    const state = await SparseMerkleState.open(kv);
    let held = 0n;
    for (const a of this.accounts[shard] ?? []) {
      const bytes = await state.get(accountKey(a));
      if (bytes === undefined) continue;
      const acc = decodeAccount(bytes);
      held += acc.balance + acc.staked + acc.unbonding;
    }
    const totalsBytes = await state.get(TOTALS_KEY);
    const t = totalsBytes ? decodeTotals(totalsBytes) : { genesisSupply: 0n, minted: 0n, burned: 0n };
    return {
      header: payload.header,
      headerHex: toHex(headerHash(payload.header)),
      body: payload.body,
      kv,
      outbox,
      held,
      issued: t.genesisSupply + t.minted - t.burned,
    };
  }
}
