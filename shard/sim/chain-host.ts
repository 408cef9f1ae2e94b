// One engine on one chain for one simulated validator, as node/ runs one per chain it follows.
// It carries out the engine's actions against the run (world): persist to the validator's
// simulated disk, messages tagged with the chain, timers on the virtual clock, and the
// chain-specific work (building a payload, judging one, applying a commit) through the
// callbacks its validator gives it. A crash drops the engine, its timers and inputs in flight;
// a restart builds a new engine from the persisted safety state and re-registers every epoch
// the validator had learned for this chain. Blocks seen above the committed tip are kept across
// crashes and fast syncs, and the engine's own sync requests for them are answered from there,
// as the node does (consensus/kept-blocks.ts says why a chain stalls without it).
import { EpochRegistry, KeptBlocks, Verifier } from "../../consensus/index.ts";
import type {
  Action,
  BatchVerify,
  CommittedBlock,
  ConsensusEngine,
  CreateEngine,
  EngineModules,
  EngineOptions,
  Input,
  ValidatorSet,
} from "../../consensus/interface.ts";
import {
  blockCodec,
  blockHash,
  decodeMessage,
  decodeQuorumCert,
  encodeMessage,
  genesisQc,
  type Message,
} from "../../consensus/messages.ts";
import type { CommitRecord } from "../../consensus/sim/invariants.ts";
import { decode, equalBytes, toHex } from "../../crypto/index.ts";

export interface ChainWorld {
  now(): number;
  schedule(host: ChainHost, delayMs: number, input: Input, timer?: { id: string; generation: number }): void;
  send(from: ChainHost, to: string, bytes: Uint8Array): void;
  broadcast(from: ChainHost, bytes: Uint8Array): void;
  /** Runs `work` after `delayMs` unless the host crashes or restarts first. */
  later(host: ChainHost, delayMs: number, work: () => Promise<void>): void;
  violation(message: string): void;
}

/** The chain-specific part, supplied by the validator that owns the host. */
export interface ChainDuties {
  /** A payload to propose on `parent` at `height`, or null to let the round pass. */
  build(parentHex: string, height: bigint, round: bigint): Promise<Uint8Array | null>;
  /** Is the proposed payload valid? undefined: cannot tell yet (ask again later). */
  judge(a: Extract<Action, { kind: "validate-payload" }>): Promise<boolean | undefined>;
  /** A newly committed block, in chain order, once per height across restarts. */
  committed(block: CommittedBlock, record: CommitRecord): Promise<void>;
}

/** Virtual time building a payload takes, and the wait before judging again a payload that cannot be judged yet. */
const BUILD_MS = 1;
const JUDGE_RETRY_MS = 25;
const JUDGE_RETRIES = 80;
/** Blocks above the committed tip kept at most (as the node's store keeps). */
const MAX_KEPT = 1024;

export class ChainHost {
  readonly commits: CommitRecord[] = [];
  /** The committed blocks themselves, by height - 1 (what fast sync serves to peers). */
  readonly blocks: CommittedBlock[] = [];
  incarnation = 0;
  persisted: Uint8Array | undefined;
  /** Every later epoch this validator learned for the chain, in order (re-fed after a restart). */
  readonly epochs: { set: ValidatorSet; fromHeight: bigint }[] = [];
  private engine: ConsensusEngine | null = null;
  private lifetimeHeight = 0;
  private timerGeneration = 0;
  private readonly timers = new Map<string, number>();
  /** The simulated disk's blocks above the committed tip (kept across crashes). */
  private readonly kept: KeptBlocks;

  readonly chain: number;
  readonly validator: number;
  readonly id: string;
  private readonly opts: EngineOptions;
  private readonly modules: Omit<EngineModules, "persisted">;
  private readonly createEngine: CreateEngine;
  private readonly world: ChainWorld;
  private readonly duties: ChainDuties;

  constructor(
    where: { chain: number; validator: number; id: string },
    opts: EngineOptions,
    modules: Omit<EngineModules, "persisted">,
    createEngine: CreateEngine,
    world: ChainWorld,
    duties: ChainDuties,
  ) {
    this.chain = where.chain;
    this.validator = where.validator;
    this.id = where.id;
    this.opts = opts;
    this.modules = modules;
    this.createEngine = createEngine;
    this.world = world;
    this.duties = duties;
    this.kept = new KeptBlocks(opts.chainId, opts.payloadDigest, MAX_KEPT);
  }

  get up(): boolean {
    return this.engine !== null;
  }

  get committedHeight(): number {
    return this.commits.at(-1)?.height ?? 0;
  }

  async start(resumeFrom?: EngineModules["resumeFrom"]): Promise<void> {
    this.incarnation++;
    this.lifetimeHeight = 0;
    const modules: EngineModules = { ...this.modules };
    if (this.persisted) modules.persisted = this.persisted;
    if (resumeFrom !== undefined) modules.resumeFrom = resumeFrom;
    this.engine = this.createEngine(this.opts, modules);
    await this.perform(this.engine.start());
    for (const e of this.epochs) await this.feed({ kind: "validator-set", set: e.set, fromHeight: e.fromHeight });
  }

  /**
   * After a crash: a new engine resumed at the tip this host applied, as the node resumes at its
   * store's tip. Resumed lower (at the safety state's committed block), the engine would ask
   * for blocks between the two that the kept blocks, all above the tip, cannot answer.
   */
  async restart(): Promise<void> {
    await this.start(this.resumePoint());
  }

  private resumePoint(): EngineModules["resumeFrom"] {
    const tip = this.blocks.at(-1);
    return tip === undefined ? undefined : { epoch: tip.epoch, round: tip.round, height: tip.height, hash: tip.hash };
  }

  crash(): void {
    this.engine = null;
    this.incarnation++;
    this.timers.clear();
  }

  timerIsCurrent(timer: { id: string; generation: number }): boolean {
    return this.timers.get(timer.id) === timer.generation;
  }

  /** The next epoch of this chain: kept for restarts and given to the engine now. */
  async learnEpoch(set: ValidatorSet, fromHeight: bigint): Promise<void> {
    this.epochs.push({ set, fromHeight });
    await this.feed({ kind: "validator-set", set, fromHeight });
  }

  async handle(input: Input, timer?: { id: string; generation: number }): Promise<void> {
    if (!this.engine) return;
    if (timer) {
      if (!this.timerIsCurrent(timer)) return;
      this.timers.delete(timer.id);
    }
    if (input.kind === "message") this.keep(input.bytes);
    await this.feed(input);
  }

  private async feed(input: Input): Promise<void> {
    if (!this.engine) return;
    await this.perform(this.engine.handle(input));
  }

  private async perform(actions: Action[]): Promise<void> {
    for (const a of actions) {
      switch (a.kind) {
        case "persist":
          this.persisted = a.state.slice();
          break;
        case "send":
          this.answerLocally(a.to, a.bytes);
          this.world.send(this, a.to, a.bytes);
          break;
        case "broadcast":
          this.keep(a.bytes);
          this.world.broadcast(this, a.bytes);
          break;
        case "commit":
          await this.apply(a.block);
          break;
        case "set-timer": {
          const generation = ++this.timerGeneration;
          this.timers.set(a.id, generation);
          this.world.schedule(this, a.delayMs, { kind: "timer", id: a.id }, { id: a.id, generation });
          break;
        }
        case "cancel-timer":
          this.timers.delete(a.id);
          break;
        case "request-payload": {
          const payload = await this.duties.build(toHex(a.parentHash), a.height, a.round);
          if (payload !== null) this.world.schedule(this, BUILD_MS, { kind: "payload", round: a.round, payload });
          break;
        }
        case "validate-payload":
          await this.judge(a, 0);
          break;
      }
    }
  }

  private async judge(a: Extract<Action, { kind: "validate-payload" }>, attempt: number): Promise<void> {
    const valid = await this.duties.judge(a);
    if (valid !== undefined || attempt >= JUDGE_RETRIES) {
      this.world.schedule(this, 0, { kind: "payload-verdict", blockHash: a.blockHash, valid: valid ?? false });
      return;
    }
    // Not judgeable yet (the beacon block it builds on is not committed here): ask again later.
    this.world.later(this, JUDGE_RETRY_MS, () => this.judge(a, attempt + 1));
  }

  private async apply(block: CommittedBlock): Promise<void> {
    const height = Number(block.height);
    const hash = toHex(block.hash);
    if (height <= this.lifetimeHeight) {
      this.world.violation(`chain ${this.chain} v${this.validator} committed height ${height} twice in one lifetime`);
    }
    this.lifetimeHeight = Math.max(this.lifetimeHeight, height);
    if (height <= this.committedHeight) {
      const applied = this.commits[height - 1];
      if (applied && applied.hash !== hash) {
        this.world.violation(
          `chain ${this.chain} v${this.validator} committed ${hash.slice(0, 12)} at ${height} after a restart, ` +
            `had applied ${applied.hash.slice(0, 12)}`,
        );
      }
      return;
    }
    await this.record(block);
  }

  private async record(block: CommittedBlock): Promise<void> {
    const record: CommitRecord = {
      height: Number(block.height),
      round: Number(block.round),
      hash: toHex(block.hash),
      parent: toHex(block.parent),
      proposer: block.proposer,
      atMs: this.world.now(),
    };
    this.commits.push(record);
    this.blocks.push(block);
    this.kept.committed(block.height);
    await this.duties.committed(block, record);
  }

  /** Keeps the blocks of a proposal or a sync response. */
  private keep(bytes: Uint8Array): void {
    const m = decodeOrNull(bytes);
    const blocks = m?.kind === "proposal" ? [m.block] : m?.kind === "sync-response" ? m.blocks : [];
    if (blocks.length > 0) this.kept.add(blocks, BigInt(this.committedHeight));
  }

  /** A sync request the kept blocks can answer gets its answer now, as if from `to`. */
  private answerLocally(to: string, bytes: Uint8Array): void {
    if (this.kept.size === 0) return;
    const m = decodeOrNull(bytes);
    if (m?.kind !== "sync-request") return;
    const tip = this.blocks.at(-1)?.hash ?? this.opts.genesisHash;
    const r = this.kept.answerOwn(this.incarnation, toHex(m.blockHash), tip, m.maxBlocks);
    if (r === null) return;
    this.world.schedule(this, 0, { kind: "message", from: to, bytes: encodeMessage({ kind: "sync-response", ...r }) });
  }

  /**
   * Fast sync, as node/sync does it: take the committed blocks `peer` holds above ours, check
   * that each continues the last and is certified by a quorum of its epoch's committee (epochs
   * learned on the way, from the blocks applied), apply them, and restart the engine at the new
   * tip. An engine far behind cannot catch up by itself across an epoch hand-over: the messages
   * of an epoch it has not learned are dropped unread. Returns the blocks applied.
   */
  async catchUp(peer: ChainHost, verify: BatchVerify): Promise<number> {
    const from = this.committedHeight;
    if (peer.committedHeight <= from || !this.engine) return 0;
    const registry = () => {
      const r = new EpochRegistry(this.modules.validators);
      for (const e of this.epochs) r.add(e.set, e.fromHeight, 0n, 0n);
      return r;
    };
    let known = this.epochs.length;
    let verifier = new Verifier(this.opts.chainId, registry(), verify, genesisQc(0n, this.opts.genesisHash));
    let parent = this.blocks.at(-1)?.hash ?? this.opts.genesisHash;
    let applied = 0;
    this.crash();
    for (const block of peer.blocks.slice(from)) {
      const b = decode(blockCodec, block.encoded);
      const qc = decodeQuorumCert(block.certificate);
      const hash = blockHash(this.opts.chainId, b, this.opts.payloadDigest);
      if (!equalBytes(b.parent, parent) || !equalBytes(hash, block.hash) || !equalBytes(qc.blockHash, hash)) break;
      try {
        verifier.checkQc(qc);
      } catch {
        break;
      }
      await this.record(block);
      applied++;
      parent = hash;
      if (this.epochs.length !== known) {
        known = this.epochs.length;
        verifier = new Verifier(this.opts.chainId, registry(), verify, genesisQc(0n, this.opts.genesisHash));
      }
    }
    const tip = this.blocks.at(-1);
    await this.start(this.resumePoint());
    // The certificate of the new tip too: the engine's highest QC must reach the tip's round,
    // or as a member of the next epoch it could not propose that epoch's first block (which
    // carries a QC of the old epoch from the tip's round on), and nobody else would send one.
    if (tip !== undefined) {
      const qc = decodeQuorumCert(tip.certificate);
      await this.feed({ kind: "message", from: peer.id, bytes: encodeMessage({ kind: "certificate", qc }) });
    }
    return applied;
  }
}

function decodeOrNull(bytes: Uint8Array): Message | null {
  try {
    return decodeMessage(bytes);
  } catch {
    return null;
  }
}
