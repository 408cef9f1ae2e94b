// One seeded run: builds the validators, the network and the fault plan from the seed, drives
// every instance's engine on the virtual clock until the run has shown what it can show, then
// checks the invariants (invariants.ts). Same scenario, same result, event for event.
import { sha256, toHex, utf8 } from "../../crypto/index.ts";
import type { CreateEngine, Input, ValidatorSet } from "../interface.ts";
import { EventQueue } from "./clock.ts";
import { describeFaults, planFaults } from "./faults.ts";
import {
  type CommitLog,
  type CommitRecord,
  checkAgreement,
  checkChainValidity,
  checkLiveness,
  honestHeightAt,
  livenessWindowMs,
} from "./invariants.ts";
import { Network } from "./network.ts";
import { type NodeWorld, SimNode } from "./node-host.ts";
import { Prng } from "./prng.ts";
import { FNV_OFFSET, FNV_PRIME, fnvBytes, fnvString, type ScenarioResult, sumEngineStats } from "./result.ts";
import { makeScenario, maxDelayMs, type ScenarioInput } from "./scenario.ts";
import { SharedVerifier, type SimKey, simKey } from "./signatures.ts";

export const SIM_CHAIN_ID = "ubn-sim";
export const SIM_GENESIS_HASH = sha256(utf8("ubn-sim genesis"));

/** A run that has not finished after this many events is stopped and reported as an error. */
const MAX_EVENTS = 20_000_000;

export interface RunOptions {
  /** Keep a line per event in `trace` (slow; for debugging and determinism tests). */
  trace?: boolean;
  /** Stop at the first agreement violation instead of running to the end (default true). */
  stopOnViolation?: boolean;
  /**
   * Check every distinct signature with verifyNative, including the ones the simulator made
   * itself (see signatures.ts); off by default: same results, about a third slower.
   */
  nativeVerifyAll?: boolean;
  /** Called with each trace line before its event is handled (streams what `trace` collects). */
  onEvent?: (timeMs: number, line: string) => void;
  /** Names a message in trace lines (e.g. describe.ts); default: a digest of its bytes. */
  describeMessage?: (bytes: Uint8Array) => string;
}

type SimEvent =
  | { kind: "input"; node: SimNode; incarnation: number; input: Input; timer?: { id: string; generation: number } }
  | { kind: "deliver"; to: SimNode; from: SimNode; bytes: Uint8Array; digest: number }
  | { kind: "crash"; node: SimNode }
  | { kind: "restart"; node: SimNode };

function validatorSet(keys: readonly SimKey[]): ValidatorSet {
  const validators = keys
    .map((k) => ({ id: k.id, publicKey: k.publicKey, stake: 1n }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { epoch: 0n, validators };
}

export function runScenario(
  input: ScenarioInput,
  createEngine: CreateEngine,
  options: RunOptions = {},
): ScenarioResult {
  const s = makeScenario(input);
  const n = s.validators;
  const rng = new Prng(s.seed);
  const faultRng = rng.fork();
  const netRng = rng.fork();
  const delta = maxDelayMs(s);
  const viewMs = 2 * (s.latencyMs + s.jitterMs / 2);
  // Faults fall in the first 60% of the time the views would take without faults.
  const plan = planFaults(s.faults, faultRng, n, {
    viewMs,
    horizonMs: 0.6 * s.views * viewMs,
    baseTimeoutMs: s.baseTimeoutMs,
  });
  const window = livenessWindowMs(s.maxTimeoutMs, delta);
  const endCapMs = plan.gstMs + window + s.views * 2 * s.baseTimeoutMs;
  const stopOnViolation = options.stopOnViolation ?? true;

  const queue = new EventQueue<SimEvent>();
  const onEvent = options.onEvent;
  const collected: string[] | undefined = options.trace ? [] : undefined;
  const trace =
    collected || onEvent
      ? {
          push(line: string): void {
            collected?.push(line);
            onEvent?.(queue.now, line);
          },
        }
      : undefined;
  const instanceCount = n + plan.twins.length;
  const network = new Network(
    instanceCount,
    {
      latencyMs: s.latencyMs,
      linkSpread: s.linkSpread,
      jitterMs: s.jitterMs,
      lossRate: plan.lossRate,
      lossUntilMs: plan.lossUntilMs,
    },
    netRng,
  );
  for (const p of plan.partitions) network.addPartition(p);

  const verifier = new SharedVerifier({ nativeVerifyAll: options.nativeVerifyAll ?? false });
  const keys = Array.from({ length: n }, (_, i) => simKey(s.seed, i));
  const validators = validatorSet(keys);
  const violations: string[] = [];
  const errors: string[] = [];
  const latencies: number[] = [];
  const proposedAt = new Map<string, number>();
  const honestAt = new Map<number, string>();
  let forked = false;
  let maxHonestRound = 0;
  let committedSinceCheck = false;
  let dropped = 0;
  let delivered = 0;

  const nodes: SimNode[] = [];
  const byId = new Map<string, SimNode[]>();
  const world: NodeWorld = {
    now: () => queue.now,
    schedule(node, delayMs, input, timer) {
      queue.after(delayMs, { kind: "input", node, incarnation: node.incarnation, input, timer });
    },
    send(from, to, bytes) {
      const targets = byId.get(to);
      if (!targets) {
        violations.push(`instance ${from.instance} sent to unknown validator ${to.slice(0, 12)}`);
        return;
      }
      const digest = fnvBytes(FNV_OFFSET, bytes);
      for (const t of targets) if (t !== from) transmit(from, t, bytes, digest);
    },
    broadcast(from, bytes) {
      const digest = fnvBytes(FNV_OFFSET, bytes);
      for (const t of nodes) if (t !== from) transmit(from, t, bytes, digest);
    },
    proposing(node, round) {
      proposedAt.set(`${node.instance}:${round}`, queue.now);
    },
    committed(node, record) {
      committedSinceCheck = true;
      trace?.push(
        `${queue.now} i${node.instance} commit h${record.height} r${record.round} ${record.hash.slice(0, 12)}`,
      );
      if (!node.honest) return;
      if (record.round > maxHonestRound) maxHonestRound = record.round;
      const seen = honestAt.get(record.height);
      if (seen === undefined) honestAt.set(record.height, record.hash);
      else if (seen !== record.hash) forked = true;
      if (record.proposer === node.id) {
        const t = proposedAt.get(`${node.instance}:${record.round}`);
        if (t !== undefined) latencies.push(queue.now - t);
      }
    },
    violation(message) {
      violations.push(message);
    },
  };

  function transmit(from: SimNode, to: SimNode, bytes: Uint8Array, digest: number): void {
    const route = network.route(from.instance, to.instance, queue.now);
    if ("dropped" in route) dropped++;
    else queue.after(route.delayMs, { kind: "deliver", to, from, bytes, digest });
  }

  const twinned = new Set(plan.twins);
  const addInstance = (validator: number): void => {
    const key = keys[validator] as SimKey;
    const node = new SimNode(
      {
        instance: nodes.length,
        validator,
        honest: !twinned.has(validator),
        engineOptions: {
          chainId: SIM_CHAIN_ID,
          genesisHash: SIM_GENESIS_HASH,
          self: key.id,
          baseTimeoutMs: s.baseTimeoutMs,
          maxTimeoutMs: s.maxTimeoutMs,
        },
        modules: {
          validators,
          signer: verifier.signer(key),
          verify: verifier.verify,
          ...(s.breakRules ? { breakRules: { ...s.breakRules } } : {}),
        },
      },
      world,
      createEngine,
    );
    nodes.push(node);
    const list = byId.get(key.id) ?? [];
    list.push(node);
    byId.set(key.id, list);
  };
  for (let v = 0; v < n; v++) addInstance(v);
  for (const v of plan.twins) addInstance(v);

  for (const c of plan.crashes) {
    const node = nodes[c.validator] as SimNode;
    queue.at(c.atMs, { kind: "crash", node });
    if (c.restartAtMs !== null) queue.at(c.restartAtMs, { kind: "restart", node });
  }

  let digest = FNV_OFFSET;
  let events = 0;
  let hGst: number | undefined;
  let pastGst = false;
  let endMs = 0;

  const guarded = (node: SimNode, what: () => void): void => {
    try {
      what();
    } catch (e) {
      errors.push(`instance ${node.instance} at ${queue.now} ms: engine threw: ${(e as Error).stack ?? e}`);
    }
  };

  // Done when the views are reached and liveness has been shown after GST.
  const finished = (): boolean => {
    if (queue.now <= plan.gstMs || maxHonestRound < s.views) return false;
    hGst ??= honestHeightAt(logsOf(nodes), plan.gstMs);
    const base = hGst;
    return nodes.every((nd) => !nd.honest || !nd.up || nd.lastAppliedHeight > base);
  };

  for (const node of nodes) guarded(node, () => node.start());
  for (;;) {
    if (errors.length > 0 || (forked && stopOnViolation)) break;
    const next = queue.pop();
    if (next === undefined) break;
    if (next.time > endCapMs) {
      endMs = endCapMs;
      break;
    }
    endMs = next.time;
    events++;
    if (events > MAX_EVENTS) {
      errors.push(`run stopped after ${MAX_EVENTS} events at ${queue.now} ms`);
      break;
    }
    const e = next.event;
    digest = fnvString(Math.imul(digest ^ next.time, FNV_PRIME), e.kind);
    switch (e.kind) {
      case "input":
        // Inputs of an earlier life, and timers replaced or cancelled since, never happen.
        if (e.incarnation !== e.node.incarnation || (e.timer && !e.node.timerIsCurrent(e.timer))) continue;
        digest = fnvString(Math.imul(digest ^ e.node.instance, FNV_PRIME), e.timer?.id ?? e.input.kind);
        trace?.push(`${next.time} i${e.node.instance} ${e.input.kind}${e.timer ? ` ${e.timer.id}` : ""}`);
        guarded(e.node, () => e.node.handle(e.input, e.timer));
        break;
      case "deliver":
        if (!e.to.up) {
          dropped++;
          continue;
        }
        delivered++;
        digest = Math.imul(digest ^ (e.from.instance * 4099 + e.to.instance) ^ e.digest, FNV_PRIME);
        trace?.push(
          `${next.time} i${e.from.instance}->i${e.to.instance} ` +
            (options.describeMessage?.(e.bytes) ?? (e.digest >>> 0).toString(16).padStart(8, "0")),
        );
        guarded(e.to, () => e.to.handle({ kind: "message", from: e.from.id, bytes: e.bytes }));
        break;
      case "crash":
        digest = Math.imul(digest ^ e.node.instance, FNV_PRIME);
        trace?.push(`${next.time} i${e.node.instance} crash`);
        e.node.crash();
        break;
      case "restart":
        digest = Math.imul(digest ^ e.node.instance, FNV_PRIME);
        trace?.push(`${next.time} i${e.node.instance} restart`);
        guarded(e.node, () => e.node.start());
        break;
    }
    // After GST only commits change the answer (crashes and restarts all happen before GST).
    if (committedSinceCheck || (!pastGst && queue.now > plan.gstMs)) {
      committedSinceCheck = false;
      pastGst = queue.now > plan.gstMs;
      if (finished()) break;
    }
  }

  const logs = logsOf(nodes);
  const genesis = toHex(SIM_GENESIS_HASH);
  const safetyViolations = [
    ...violations,
    ...checkAgreement(logs),
    ...logs.flatMap((l) => checkChainValidity(l, genesis)),
  ];
  const livenessFailure =
    errors.length > 0 || safetyViolations.length > 0
      ? null
      : checkLiveness({ logs, upAtEnd: nodes.map((nd) => nd.up), gstMs: plan.gstMs, windowMs: window });
  const result: ScenarioResult = {
    seed: s.seed,
    scenario: s,
    faults: describeFaults(plan),
    plan,
    commits: honestHeightAt(logs, Number.POSITIVE_INFINITY),
    safetyViolations,
    livenessFailure,
    errors,
    messages: network.stats.sent,
    messagesDelivered: delivered,
    messagesDropped: dropped,
    signatures: verifier.stats.signed,
    signatureVerifications: verifier.stats.requested,
    nativeSignatureVerifications: verifier.stats.native,
    commitLatencies: latencies,
    views: maxHonestRound,
    virtualMs: endMs,
    gstMs: plan.gstMs,
    livenessWindowMs: window,
    events,
    traceDigest: (digest >>> 0).toString(16).padStart(8, "0"),
    logs,
    engineStats: sumEngineStats(nodes.map((nd) => nd.engineStats())),
  };
  if (collected) result.trace = collected;
  return result;
}

function logsOf(nodes: readonly SimNode[]): CommitLog[] {
  return nodes.map((nd) => ({ instance: nd.instance, id: nd.id, honest: nd.honest, commits: nd.commits }));
}

export type { CommitRecord, ScenarioResult };
