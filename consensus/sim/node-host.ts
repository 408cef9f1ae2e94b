// One simulated validator instance: it owns an engine and carries out the engine's actions
// against the simulated world, as node/ will against the real one.
//   persist         -> the instance's disk, which survives crashes (durable at once, so it is
//                      durable before any send that follows it in the same action list);
//   send, broadcast -> the network (a broadcast reaches every other instance, twins included);
//   set/cancel-timer-> the virtual clock;
//   request-payload -> a deterministic payload naming validator, round and a counter, after
//                      PAYLOAD_BUILD_MS (building a block takes time; without it a lone
//                      validator would run every view at one instant and time would stand still);
//   validate-payload-> "valid";
//   commit          -> the instance's commit log, which also survives crashes: after a restart,
//                      commits at or below the last applied height are skipped, after checking
//                      that they are the same blocks.
// A crash drops the engine and every pending timer and input of it; a restart builds a fresh
// engine from the persisted safety state.
import { toHex, utf8 } from "../../crypto/index.ts";
import type { Action, ConsensusEngine, CreateEngine, EngineModules, EngineOptions, Input } from "../interface.ts";
import type { CommitRecord } from "./invariants.ts";

/** What an instance needs from the run it lives in. */
export interface NodeWorld {
  now(): number;
  /** Deliver `input` to `node` after `delayMs`, unless it crashes first. */
  schedule(node: SimNode, delayMs: number, input: Input, timer?: { id: string; generation: number }): void;
  send(from: SimNode, to: string, bytes: Uint8Array): void;
  broadcast(from: SimNode, bytes: Uint8Array): void;
  /** The instance was asked for a payload for `round` (the block's proposal time). */
  proposing(node: SimNode, round: bigint): void;
  committed(node: SimNode, record: CommitRecord): void;
  violation(message: string): void;
}

export interface SimNodeOptions {
  instance: number;
  /** Index of the validator (and of its key). */
  validator: number;
  honest: boolean;
  engineOptions: EngineOptions;
  modules: Omit<EngineModules, "persisted">;
}

/** Virtual time the host takes to answer request-payload. */
export const PAYLOAD_BUILD_MS = 1;

export class SimNode {
  readonly instance: number;
  readonly validator: number;
  readonly id: string;
  readonly honest: boolean;
  /** The simulated disk: the last persisted safety state. */
  persisted: Uint8Array | undefined;
  persistWrites = 0;
  readonly commits: CommitRecord[] = [];
  /** Bumped on every crash and restart, so events of an earlier life are ignored. */
  incarnation = 0;
  restarts = 0;
  private engine: ConsensusEngine | null = null;
  private lifetimeHeight = 0;
  private payloads = 0;
  private timerGeneration = 0;
  private readonly timers = new Map<string, number>();
  private readonly opts: SimNodeOptions;
  private readonly world: NodeWorld;
  private readonly createEngine: CreateEngine;

  constructor(opts: SimNodeOptions, world: NodeWorld, createEngine: CreateEngine) {
    this.opts = opts;
    this.instance = opts.instance;
    this.validator = opts.validator;
    this.id = opts.engineOptions.self;
    this.honest = opts.honest;
    this.world = world;
    this.createEngine = createEngine;
  }

  get up(): boolean {
    return this.engine !== null;
  }

  get lastAppliedHeight(): number {
    return this.commits.at(-1)?.height ?? 0;
  }

  /** Starts, or restarts from the persisted safety state. */
  start(): void {
    if (this.engine) throw new Error(`instance ${this.instance} is already running`);
    if (this.incarnation > 0) this.restarts++;
    this.incarnation++;
    this.lifetimeHeight = 0;
    const modules: EngineModules = { ...this.opts.modules };
    if (this.persisted) modules.persisted = this.persisted;
    this.engine = this.createEngine(this.opts.engineOptions, modules);
    this.perform(this.engine.start());
  }

  crash(): void {
    this.engine = null;
    this.incarnation++;
    this.timers.clear();
  }

  /** Is this the timer the engine set last under its id (not replaced or cancelled since)? */
  timerIsCurrent(timer: { id: string; generation: number }): boolean {
    return this.timers.get(timer.id) === timer.generation;
  }

  /** Feeds one input; ignored when down or when a timer was replaced or cancelled since. */
  handle(input: Input, timer?: { id: string; generation: number }): void {
    if (!this.engine) return;
    if (timer) {
      if (!this.timerIsCurrent(timer)) return;
      this.timers.delete(timer.id);
    }
    this.perform(this.engine.handle(input));
  }

  /** Engine statistics, when the engine exposes them (`stats()`). */
  engineStats(): Record<string, unknown> | undefined {
    const e = this.engine as (ConsensusEngine & { stats?: () => Record<string, unknown> }) | null;
    return typeof e?.stats === "function" ? e.stats() : undefined;
  }

  private perform(actions: Action[]): void {
    for (const a of actions) {
      switch (a.kind) {
        case "persist":
          this.persisted = a.state.slice();
          this.persistWrites++;
          break;
        case "send":
          this.world.send(this, a.to, a.bytes);
          break;
        case "broadcast":
          this.world.broadcast(this, a.bytes);
          break;
        case "commit":
          this.apply(a.block);
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
          this.world.proposing(this, a.round);
          const payload = utf8(`v${this.validator}/i${this.instance} r${a.round} h${a.height} #${this.payloads++}`);
          this.world.schedule(this, PAYLOAD_BUILD_MS, { kind: "payload", round: a.round, payload });
          break;
        }
        case "validate-payload":
          this.world.schedule(this, 0, { kind: "payload-verdict", blockHash: a.blockHash, valid: true });
          break;
        default:
          this.world.violation(`instance ${this.instance}: unknown action ${JSON.stringify(a)}`);
      }
    }
  }

  private apply(block: Extract<Action, { kind: "commit" }>["block"]): void {
    const height = Number(block.height);
    const hash = toHex(block.hash);
    if (height <= this.lifetimeHeight) {
      this.world.violation(
        `instance ${this.instance} committed height ${height} twice in one engine lifetime (contract: once each)`,
      );
    }
    this.lifetimeHeight = Math.max(this.lifetimeHeight, height);
    if (height <= this.lastAppliedHeight) {
      // Already applied before a restart: the engine may hand it out again; it must be the same block.
      const applied = this.commits.find((c) => c.height === height);
      if (applied && applied.hash !== hash) {
        this.world.violation(
          `instance ${this.instance} committed ${hash.slice(0, 12)} at height ${height} after a restart, ` +
            `but had applied ${applied.hash.slice(0, 12)} there before`,
        );
      }
      return;
    }
    const record: CommitRecord = {
      height,
      round: Number(block.round),
      hash,
      parent: toHex(block.parent),
      proposer: block.proposer,
      atMs: this.world.now(),
    };
    this.commits.push(record);
    this.world.committed(this, record);
  }
}
