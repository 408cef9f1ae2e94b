// Hand-made validators and messages for the engine's rule-by-rule tests: deterministic keys, a
// verifier over verifyNative, builders that sign blocks, votes, QCs, timeouts and TCs the way
// honest (or not) validators would, and readers for the actions an engine returns.
import {
  type Action,
  type Block,
  blockHash,
  type CommittedBlock,
  createEngine,
  decodeMessage,
  type EngineModules,
  type EpochInfo,
  encodeMessage,
  epochInfo,
  genesisQc,
  type Input,
  type JolteonEngine,
  leaderAfter,
  leaderOf,
  type Message,
  proposalSigningBytes,
  type QuorumCert,
  type Timeout,
  type TimeoutCert,
  timeoutSigningBytes,
  type ValidatorSet,
  type Vote,
  type VoteData,
  voteSigningBytes,
} from "../../../consensus/index.ts";
import { type KeyPair, keyPairFromSeed, sha256, sign, toHex, utf8, verifyNative } from "../../../crypto/index.ts";

export const CHAIN = "ubn-consensus-test";
export const GENESIS = sha256(utf8("ubn consensus test genesis"));

export interface Fixture {
  /** Sorted by id, like the validator set. */
  keys: KeyPair[];
  ids: string[];
  set: ValidatorSet;
  info: EpochInfo;
}

export function keyFor(n: number): KeyPair {
  const seed = new Uint8Array(32);
  new DataView(seed.buffer).setUint32(0, n + 1000);
  return keyPairFromSeed(seed);
}

/** Validators made from key numbers `keyNumbers` (default 0..n-1), with the given stakes. */
export function fixture(n: number, opts: { stakes?: bigint[]; epoch?: bigint; keyNumbers?: number[] } = {}): Fixture {
  const numbers = opts.keyNumbers ?? Array.from({ length: n }, (_, i) => i);
  const keys = numbers.map(keyFor).sort((a, b) => (toHex(a.publicKey) < toHex(b.publicKey) ? -1 : 1));
  const ids = keys.map((k) => toHex(k.publicKey));
  const set: ValidatorSet = {
    epoch: opts.epoch ?? 0n,
    validators: keys.map((k, i) => ({ id: ids[i] as string, publicKey: k.publicKey, stake: opts.stakes?.[i] ?? 1n })),
  };
  return { keys, ids, set, info: epochInfo(set, 1n) };
}

export const batchVerify: EngineModules["verify"] = (items) =>
  items.map((x) => verifyNative(x.publicKey, x.message, x.signature));

export interface EngineOpts {
  persisted?: Uint8Array;
  skipVoteSafetyCheck?: boolean;
  baseTimeoutMs?: number;
  maxTimeoutMs?: number;
  /** Counts signatures made, to prove a restarted engine re-sends instead of re-signing. */
  signCount?: { n: number };
  resumeFrom?: { epoch: bigint; round: bigint; height: bigint; hash: Uint8Array };
}

/** The engine of validator `i` of `fx` (or of any key, for observers). */
export function makeEngine(fx: Fixture, key: KeyPair, opts: EngineOpts = {}): JolteonEngine {
  return createEngine(
    {
      chainId: CHAIN,
      genesisHash: GENESIS,
      self: toHex(key.publicKey),
      baseTimeoutMs: opts.baseTimeoutMs ?? 1000,
      maxTimeoutMs: opts.maxTimeoutMs ?? 60_000,
    },
    {
      validators: fx.set,
      signer: (m) => {
        if (opts.signCount) opts.signCount.n++;
        return sign(m, key.secretKey);
      },
      verify: batchVerify,
      ...(opts.persisted ? { persisted: opts.persisted } : {}),
      ...(opts.resumeFrom ? { resumeFrom: opts.resumeFrom } : {}),
      ...(opts.skipVoteSafetyCheck ? { breakRules: { skipVoteSafetyCheck: true } } : {}),
    },
  );
}

/**
 * The leader of `round` by the hash schedule or, for a block on `parent` of the round before,
 * drawn from `parent` (consensus/validators.ts).
 */
export function leaderIndex(fx: Fixture, round: bigint, parent: Built | null = null): number {
  const drawn = parent !== null && parent.block.round + 1n === round;
  return fx.ids.indexOf(drawn ? leaderAfter(fx.info, parent.block, round) : leaderOf(fx.info, round));
}

// --- Building signed messages -----------------------------------------------------------

export interface Built {
  block: Block;
  hash: Uint8Array;
}

export function makeBlock(
  fx: Fixture,
  b: { round: bigint; parent: Built | null; qc: QuorumCert; payload?: Uint8Array; proposer?: number; epoch?: bigint },
): Built {
  const proposer = b.proposer ?? leaderIndex(fx, b.round, b.qc.round + 1n === b.round ? b.parent : null);
  const block: Block = {
    epoch: b.epoch ?? fx.set.epoch,
    round: b.round,
    height: b.parent === null ? 1n : b.parent.block.height + 1n,
    parent: b.parent === null ? GENESIS : b.parent.hash,
    proposer: (fx.keys[proposer] as KeyPair).publicKey,
    payload: b.payload ?? utf8(`payload of round ${b.round}`),
    qc: b.qc,
  };
  return { block, hash: blockHash(CHAIN, block) };
}

export function proposalBytes(fx: Fixture, built: Built, tc: TimeoutCert | null = null, signer?: number): Uint8Array {
  const b = built.block;
  const who = signer ?? fx.ids.indexOf(toHex(b.proposer));
  const signature = sign(
    proposalSigningBytes(CHAIN, b.epoch, b.round, built.hash),
    (fx.keys[who] as KeyPair).secretKey,
  );
  return encodeMessage({ kind: "proposal", block: b, tc, signature });
}

export function voteData(built: Built): VoteData {
  const b = built.block;
  return { epoch: b.epoch, round: b.round, height: b.height, blockHash: built.hash };
}

export function makeVote(fx: Fixture, i: number, data: VoteData, key?: KeyPair): Vote {
  const k = key ?? (fx.keys[i] as KeyPair);
  return { ...data, voter: k.publicKey, signature: sign(voteSigningBytes(CHAIN, data), k.secretKey) };
}

export function voteBytes(v: Vote): Uint8Array {
  return encodeMessage({ kind: "vote", ...v });
}

/** A QC over `built` signed by validators `signers` (default: the first 3). */
export function qcFor(fx: Fixture, built: Built, signers: number[] = [0, 1, 2]): QuorumCert {
  const data = voteData(built);
  const sorted = [...signers].sort((a, b) => a - b);
  return {
    ...data,
    signers: sorted.map((i) => (fx.keys[i] as KeyPair).publicKey),
    signatures: sorted.map((i) => makeVote(fx, i, data).signature),
  };
}

export function makeTimeout(fx: Fixture, i: number, round: bigint, highQc: QuorumCert, epoch?: bigint): Timeout {
  const k = fx.keys[i] as KeyPair;
  const e = epoch ?? fx.set.epoch;
  return {
    epoch: e,
    round,
    highQc,
    lastTc: null,
    author: k.publicKey,
    signature: sign(timeoutSigningBytes(CHAIN, e, round, highQc), k.secretKey),
  };
}

export function timeoutBytes(t: Timeout): Uint8Array {
  return encodeMessage({ kind: "timeout", ...t });
}

/** A TC of `round` from `signers`, each with its own high QC. */
export function tcFor(fx: Fixture, round: bigint, entries: { signer: number; highQc: QuorumCert }[]): TimeoutCert {
  const sorted = [...entries].sort((a, b) => a.signer - b.signer);
  let highQc = (sorted[0] as { highQc: QuorumCert }).highQc;
  for (const e of sorted) {
    const q = e.highQc;
    if (q.epoch > highQc.epoch || (q.epoch === highQc.epoch && q.round > highQc.round)) highQc = q;
  }
  const timeouts = sorted.map((e) => makeTimeout(fx, e.signer, round, e.highQc));
  return {
    epoch: fx.set.epoch,
    round,
    highQc,
    signers: timeouts.map((t) => t.author),
    highQcEpochs: timeouts.map((t) => t.highQc.epoch),
    highQcRounds: timeouts.map((t) => t.highQc.round),
    signatures: timeouts.map((t) => t.signature),
  };
}

export const genesis = (fx: Fixture) => genesisQc(fx.set.epoch, GENESIS);

export function msg(fx: Fixture, from: number, bytes: Uint8Array): Input {
  return { kind: "message", from: fx.ids[from] as string, bytes };
}

// --- Reading actions --------------------------------------------------------------------

export type Sent = { to: string | null; message: Message };

export function sentMessages(actions: readonly Action[]): Sent[] {
  const out: Sent[] = [];
  for (const a of actions) {
    if (a.kind === "send") out.push({ to: a.to, message: decodeMessage(a.bytes) });
    if (a.kind === "broadcast") out.push({ to: null, message: decodeMessage(a.bytes) });
  }
  return out;
}

export function sentOfKind<K extends Message["kind"]>(
  actions: readonly Action[],
  kind: K,
): { to: string | null; message: Extract<Message, { kind: K }> }[] {
  return sentMessages(actions).filter((s) => s.message.kind === kind) as {
    to: string | null;
    message: Extract<Message, { kind: K }>;
  }[];
}

export function actionsOfKind<K extends Action["kind"]>(
  actions: readonly Action[],
  kind: K,
): Extract<Action, { kind: K }>[] {
  return actions.filter((a) => a.kind === kind) as Extract<Action, { kind: K }>[];
}

export function commitsOf(actions: readonly Action[]): CommittedBlock[] {
  return actionsOfKind(actions, "commit").map((a) => a.block);
}

/** Index of the first action of `kind` (-1 if none). */
export function indexOfKind(actions: readonly Action[], kind: Action["kind"]): number {
  return actions.findIndex((a) => a.kind === kind);
}

// --- A perfect synchronous network, no simulator ----------------------------------------

export interface PumpNode {
  key: KeyPair;
  id: string;
  engine: JolteonEngine;
  commits: CommittedBlock[];
  persisted: Uint8Array | undefined;
  timers: Map<string, number>;
  down: boolean;
}

/** Faults for a less than perfect network: which queued input goes next, which are lost or doubled. */
export interface PumpFaults {
  /** Index of the next queued input to deliver (default: the oldest). */
  pick?: (queued: number) => number;
  /** Lose this network message? */
  lose?: () => boolean;
  /** Deliver this network message twice? */
  duplicate?: () => boolean;
  /** Fire timers now even though messages are queued? */
  fireTimersEarly?: () => boolean;
}

/** Delivers every message in FIFO order, answers payload requests and verdicts at once. */
export class Pump {
  readonly nodes: PumpNode[];
  private readonly queue: { to: number; input: Input }[] = [];
  private readonly byId: Map<string, number>;
  private readonly make: (key: KeyPair, persisted: Uint8Array | undefined) => JolteonEngine;

  private readonly faults: PumpFaults;

  constructor(
    keys: KeyPair[],
    make: (key: KeyPair, persisted: Uint8Array | undefined) => JolteonEngine,
    faults: PumpFaults = {},
  ) {
    this.make = make;
    this.faults = faults;
    this.nodes = keys.map((key) => ({
      key,
      id: toHex(key.publicKey),
      engine: make(key, undefined),
      commits: [],
      persisted: undefined,
      timers: new Map(),
      down: false,
    }));
    this.byId = new Map(this.nodes.map((n, i) => [n.id, i]));
  }

  start(): void {
    this.nodes.forEach((n, i) => {
      this.apply(i, n.engine.start());
    });
  }

  deliver(i: number, input: Input): void {
    const n = this.nodes[i] as PumpNode;
    if (n.down) return;
    this.apply(i, n.engine.handle(input));
  }

  crash(i: number): void {
    const n = this.nodes[i] as PumpNode;
    n.down = true;
    n.timers.clear();
  }

  /** A fresh engine from the node's last persisted state; it keeps its applied commits. */
  restart(i: number): void {
    const n = this.nodes[i] as PumpNode;
    n.down = false;
    n.engine = this.make(n.key, n.persisted);
    this.apply(i, n.engine.start());
  }

  private apply(i: number, actions: Action[]): void {
    const n = this.nodes[i] as PumpNode;
    for (const a of actions) {
      switch (a.kind) {
        case "persist":
          n.persisted = a.state;
          break;
        case "send": {
          const to = this.byId.get(a.to);
          if (to !== undefined) this.queue.push({ to, input: { kind: "message", from: n.id, bytes: a.bytes } });
          break;
        }
        case "broadcast":
          this.nodes.forEach((_, j) => {
            if (j !== i) this.queue.push({ to: j, input: { kind: "message", from: n.id, bytes: a.bytes } });
          });
          break;
        case "commit": {
          // The host's dedupe: skip what was applied before a restart.
          const last = n.commits[n.commits.length - 1];
          if (last === undefined || a.block.height > last.height) {
            if (a.block.height !== BigInt(n.commits.length) + 1n) throw new Error(`node ${i} skipped a height`);
            n.commits.push(a.block);
          }
          break;
        }
        case "set-timer":
          n.timers.set(a.id, a.delayMs);
          break;
        case "cancel-timer":
          n.timers.delete(a.id);
          break;
        case "request-payload":
          this.queue.push({
            to: i,
            input: { kind: "payload", round: a.round, payload: utf8(`tx@${a.height}/${a.round}`) },
          });
          break;
        case "validate-payload":
          this.queue.push({ to: i, input: { kind: "payload-verdict", blockHash: a.blockHash, valid: true } });
          break;
      }
    }
  }

  /** Runs until `done` or `maxSteps` deliveries; fires timers only when the network is quiet. */
  run(done: () => boolean, maxSteps = 100_000): number {
    let steps = 0;
    while (!done() && steps < maxSteps) {
      const early = this.queue.length > 0 && this.faults.fireTimersEarly?.() === true;
      if (this.queue.length > 0 && !early) {
        const at = this.faults.pick?.(this.queue.length) ?? 0;
        const [next] = this.queue.splice(at, 1) as [{ to: number; input: Input }];
        steps++;
        const network = next.input.kind === "message";
        if (network && this.faults.lose?.() === true) continue;
        this.deliver(next.to, next.input);
        if (network && this.faults.duplicate?.() === true) this.deliver(next.to, next.input);
        continue;
      }
      // Quiet: fire every pending timer (a perfect network with all clocks in step).
      let fired = false;
      this.nodes.forEach((n, i) => {
        for (const id of [...n.timers.keys()]) {
          n.timers.delete(id);
          fired = true;
          this.deliver(i, { kind: "timer", id });
        }
      });
      if (!fired) break;
    }
    return steps;
  }
}

/** All nodes' commit sequences agree where they overlap. */
export function assertSameChain(nodes: readonly { commits: readonly CommittedBlock[] }[]): void {
  const byHeight = new Map<bigint, string>();
  for (const n of nodes) {
    for (const c of n.commits) {
      const h = toHex(c.hash);
      const seen = byHeight.get(c.height);
      if (seen !== undefined && seen !== h) throw new Error(`two different blocks committed at height ${c.height}`);
      byHeight.set(c.height, h);
    }
  }
}

/** The code of the error `f` throws (a ConsensusError's, say), or undefined if it returns. */
export function thrownCode(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}
