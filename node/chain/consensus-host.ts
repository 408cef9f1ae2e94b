// Hosts one chain's consensus engine: feeds it inputs one at a time and carries out the
// actions it returns, in order, against the real world. The order the engine's contract asks
// for (consensus/interface.ts) is kept by awaiting each persist and commit before the next
// action: the safety state is on disk (fsync) before any message that follows it leaves, and
// a committed block with its state is in the store before the safety state that records it.
//
//   persist          -> the chain's SafetyFile (fdatasync), once the blocks this node keeps
//                       above the tip have landed in the store (keptBlocksLanded)
//   send, broadcast  -> the chain's direct protocol and gossip topic
//   commit           -> ChainExecutor.commit, then the chain's onCommitted
//   set/cancel-timer -> setTimeout on this process's clock; an idle validator's round timer is
//                       held until there is work or the round is under way (host-timers.ts);
//                       a round whose leader or vote collector is known down gets a short one
//   request-payload  -> the Proposer, which answers with a payload input when ready, or with
//                       no-payload while it has nothing to propose (the engine announces its QC)
//   validate-payload -> ChainExecutor.validate (re-execution), answered with a verdict input
//
// Engine inputs are queued; the queue is bounded so a flood of messages costs memory only up
// to the bound (messages beyond it are dropped, timers and answers never are).
import {
  type Action,
  type CommittedBlock,
  type Input,
  type JolteonEngine,
  ROUND_TIMER,
  shortRoundTimeoutMs,
  type ValidatorSet,
} from "../../consensus/index.ts";
import { fromHex } from "../../crypto/index.ts";
import type { BlockExecutor } from "./block-executor.ts";
import { HostTimers } from "./host-timers.ts";

export interface HostLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export interface ConsensusHostModules<I> {
  createEngine(persisted: Uint8Array | undefined): JolteonEngine;
  /**
   * Resolves once the blocks this node has kept above the tip so far are in the store
   * (PendingBlocks.landed). Each persist waits for it, so a vote (which a persist precedes)
   * never leaves before the block it is for is stored here, as Aptos stores a block before
   * voting on it: if every validator crashed at once, a certified block would still be on the
   * disks of those that voted for it, and the chain could go on from it. Absent: no wait.
   */
  keptBlocksLanded?: () => Promise<void>;
  /** Where the safety state lives; write() resolves once it is durable. */
  safety: { read(): Promise<Uint8Array | undefined>; write(state: Uint8Array): Promise<void> };
  executor: BlockExecutor<I>;
  broadcast(bytes: Uint8Array): void;
  send(to: string, bytes: Uint8Array): void;
  /**
   * Asked for a payload for `round`; calls `answer` once it has one (or never, if the round
   * passes), and `decline` if it has nothing to propose for now (at most once).
   */
  requestPayload(
    req: { round: bigint; parentHash: Uint8Array; height: bigint },
    answer: (payload: Uint8Array) => void,
    decline: () => void,
  ): void;
  /** A block's payload arrived for validation (the proposer uses the time for its block interval). */
  blockSeen(hash: Uint8Array, nowMs: number): void;
  /** The validation of a block's payload finished (the relay forwards valid proposals). */
  payloadJudged?(hash: Uint8Array, valid: boolean): void;
  onCommitted(info: I, block: CommittedBlock): Promise<void>;
  /** Fatal: the node cannot go on (its store or execution diverged). */
  onFatal(error: unknown): void;
  now(): number;
  maxClockSkewMs: number;
  log: HostLogger;
  /**
   * The epochs after the engine's first one this chain has learned, in order (a shard's later
   * committees). A new engine knows only its first set: each start feeds it all of these.
   */
  epochs?: () => readonly { set: ValidatorSet; fromHeight: bigint }[];
  /**
   * Whether this validator has anything for consensus to carry; while it has not and no timeout
   * of the round is counted, the round timer is held (host-timers.ts). Absent: never held.
   */
  hasWork?: () => boolean;
  /**
   * Validators known to be down (this node was connected to them and lost them), and the round
   * timeout to use instead when the current round's leader or its vote collector (the next
   * round's leader) is one of them: such a round cannot end in a QC, and waiting out its full
   * timeout only delays the next leader. Absent: every round gets the engine's timeout.
   */
  departed?: { has(validator: string): boolean; roundTimeoutMs: number };
}

const MAX_QUEUED_MESSAGES = 20_000;

export class ConsensusHost<I> {
  private readonly m: ConsensusHostModules<I>;
  private engine: JolteonEngine | null = null;
  private readonly queue: Input[] = [];
  private queuedMessages = 0;
  private running = false;
  private idle: Promise<void> = Promise.resolve();
  private readonly timers: HostTimers;
  /** The last round whose timer was shortened for a departed leader (see roundDelay). */
  private shortenedRound = -1n;
  /** Bumped by stop(), so answers of an earlier engine are dropped. */
  private stops = 0;
  droppedMessages = 0;

  constructor(modules: ConsensusHostModules<I>) {
    this.m = modules;
    this.timers = new HostTimers((id) => this.enqueue({ kind: "timer", id }), modules.hasWork);
  }

  /** What this validator could carry changed (transactions arrived or left, a commit). */
  workChanged(): void {
    const engine = this.engine;
    if (engine !== null) this.timers.update(() => engine.roundUnderway());
  }

  /**
   * The engine's round timeout, or the shorter one for a round whose leader or vote collector
   * is known to be down. Timing a round out early is always safe (any validator may at any
   * time); those that do not know yet join once f + 1 timeouts reach them.
   */
  private roundDelay(delayMs: number): number {
    const departed = this.m.departed;
    const engine = this.engine;
    if (departed === undefined || engine === null) return delayMs;
    // Once per round: a round still stuck after its early timeout (no quorum of timeouts, as
    // when too many validators are down) resends its timeout at the engine's backed-off pace,
    // not every few hundred milliseconds.
    const round = engine.status().round;
    if (round === this.shortenedRound) return delayMs;
    const { proposer, collector } = engine.roundLeaders();
    if (!departed.has(proposer) && !departed.has(collector)) return delayMs;
    this.shortenedRound = round;
    return Math.min(delayMs, departed.roundTimeoutMs);
  }

  /** Which engine this is: changes each time one stops. */
  get generation(): number {
    return this.stops;
  }

  get active(): boolean {
    return this.engine !== null;
  }

  get current(): JolteonEngine | null {
    return this.engine;
  }

  async start(): Promise<void> {
    if (this.engine !== null) return;
    const persisted = await this.m.safety.read();
    this.engine = this.m.createEngine(persisted);
    await this.process(this.engine.start());
    this.workChanged();
    for (const e of this.m.epochs?.() ?? []) {
      if (this.engine === null) return;
      await this.process(this.engine.handle({ kind: "validator-set", set: e.set, fromHeight: e.fromHeight }));
    }
    this.pump();
  }

  /** A later epoch learned while the engine runs (a stopped engine is fed it at its next start). */
  learnEpoch(set: ValidatorSet, fromHeight: bigint): void {
    if (this.engine === null) return;
    // Ahead of queued messages: a proposal already waiting may be a suffix block of the epoch
    // ending, which the engine can only recognise once it knows where the next one starts.
    this.queue.unshift({ kind: "validator-set", set, fromHeight });
    this.pump();
  }

  /** Stops the engine: no more inputs, timers cancelled; the persisted safety state stays. */
  async stop(): Promise<void> {
    this.stops++;
    this.engine = null;
    this.queue.length = 0;
    this.queuedMessages = 0;
    this.timers.clear();
    await this.idle;
  }

  deliver(from: string, bytes: Uint8Array): void {
    if (this.engine === null) return;
    if (this.queuedMessages >= MAX_QUEUED_MESSAGES) {
      this.droppedMessages++;
      return;
    }
    this.queuedMessages++;
    this.enqueue({ kind: "message", from, bytes });
  }

  private enqueue(input: Input): void {
    if (this.engine === null) return;
    this.queue.push(input);
    this.pump();
  }

  private pump(): void {
    if (this.running || this.engine === null) return;
    this.running = true;
    this.idle = this.drain().finally(() => {
      this.running = false;
    });
  }

  private async drain(): Promise<void> {
    while (this.engine !== null && this.queue.length > 0) {
      const input = this.queue.shift() as Input;
      if (input.kind === "message") this.queuedMessages--;
      else if (input.kind === "timer" && input.id === ROUND_TIMER)
        this.m.log.debug({ round: String(this.engine.status().round), queued: this.queue.length }, "round timed out");
      const actions = this.engine.handle(input);
      try {
        await this.process(actions);
      } catch (e) {
        this.m.onFatal(e);
        return;
      }
      this.workChanged();
    }
  }

  private async process(actions: readonly Action[]): Promise<void> {
    const generation = this.stops;
    for (const a of actions) {
      if (generation !== this.stops) return;
      switch (a.kind) {
        case "persist": {
          await this.m.keptBlocksLanded?.();
          // Timed apart from the wait above, so a slow write is not blamed for a slow block write.
          const t = this.m.now();
          await this.m.safety.write(a.state);
          const ms = this.m.now() - t;
          if (ms > 20) this.m.log.debug({ ms }, "slow safety-state write");
          break;
        }
        case "send":
          this.m.send(a.to, a.bytes);
          break;
        case "broadcast":
          this.m.broadcast(a.bytes);
          break;
        case "commit": {
          const commitStart = this.m.now();
          const info = await this.m.executor.commit({ ...a.block, proposer: fromHex(a.block.proposer, 32) });
          this.m.log.debug({ height: String(a.block.height), ms: this.m.now() - commitStart }, "committed a block");
          if (info !== null) await this.m.onCommitted(info, a.block);
          break;
        }
        case "set-timer": {
          const ms = a.id === ROUND_TIMER ? this.roundDelay(a.delayMs) : a.delayMs;
          if (a.id === ROUND_TIMER && this.engine !== null)
            this.m.log.debug({ round: String(this.engine.status().round), ms, engineMs: a.delayMs }, "round timer set");
          this.timers.set(a.id, ms);
          break;
        }
        case "cancel-timer":
          this.timers.cancel(a.id);
          break;
        case "request-payload":
          this.m.log.debug(
            { round: String(a.round), height: String(a.height), queued: this.queue.length },
            "asked for a payload",
          );
          this.m.requestPayload(
            a,
            (payload) => {
              if (generation === this.stops) this.enqueue({ kind: "payload", round: a.round, payload });
            },
            () => {
              if (generation === this.stops) this.enqueue({ kind: "no-payload", round: a.round });
            },
          );
          break;
        case "validate-payload": {
          const now = this.m.now();
          this.m.blockSeen(a.blockHash, now);
          const proposerKey = fromHex(a.proposer, 32);
          this.m.executor
            .validate(a.blockHash, a.parentHash, a.height, a.round, a.payload, proposerKey, now, this.m.maxClockSkewMs)
            .then(
              (v) => {
                this.m.log.debug(
                  { height: String(a.height), valid: v.valid, ms: this.m.now() - now },
                  "validated a block",
                );
                if (!v.valid)
                  this.m.log.warn({ height: String(a.height), reason: v.reason }, "refused a proposed block");
                this.m.payloadJudged?.(a.blockHash, v.valid);
                if (generation === this.stops)
                  this.enqueue({ kind: "payload-verdict", blockHash: a.blockHash, valid: v.valid });
              },
              (e) => this.m.onFatal(e),
            );
          break;
        }
      }
    }
  }
}

/**
 * The host's view of validators known to be down, with the round timeout for a round one of
 * them leads or collects votes for: the engine's own for a round whose leader went silent
 * (shortRoundTimeoutMs: 250 ms on the devnet), time enough for a proposal already on its way
 * from a leader that is up after all.
 */
export function departedRounds(
  baseTimeoutMs: number,
  departed: ((validator: string) => boolean) | undefined,
): { has(validator: string): boolean; roundTimeoutMs: number } | undefined {
  if (departed === undefined) return undefined;
  return { has: departed, roundTimeoutMs: shortRoundTimeoutMs(baseTimeoutMs) };
}
