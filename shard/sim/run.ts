// One seeded run of a sharded network: a beacon chain and S shard chains, each with the
// production consensus engine, on one virtual clock and one simulated network (the fault plans
// of consensus/sim: crashes with restarts, partitions, message loss, twins). Shard blocks are
// built and validated by shard/block-exec.ts on the real VM; the beacon applies its real rules
// (reveals, committees reshuffled every epoch, crosslinks with commit proofs); receipts move
// between shards by Merkle proof against crosslinked headers; clients send intra- and
// cross-shard transfers throughout.
//
// Checked on every run:
//   - safety: per chain, no two honest validators commit different blocks at a height, and each
//     validator's commits form a chain (consensus/sim/invariants.ts);
//   - supply, after every block any chain finalizes: the value held on all shards plus the
//     receipts in flight equals genesis plus minted minus burned over all shards;
//   - delivery: every receipt a destination finalizes is the next one its source finalized for
//     it, with the same content (exactly once, in order);
//   - progress (unless a validator stays down): every transaction submitted is final and every
//     cross-shard credit delivered by the end.
import { committeeSetOf } from "../../consensus/beacon/beacon-state.ts";
import { createEngine } from "../../consensus/engine.ts";
import type { CommittedBlock, Input, ValidatorSet } from "../../consensus/interface.ts";
import { EventQueue } from "../../consensus/sim/clock.ts";
import { describeFaults, type FaultKind, planFaults } from "../../consensus/sim/faults.ts";
import type { CommitRecord } from "../../consensus/sim/invariants.ts";
import { Network } from "../../consensus/sim/network.ts";
import { Prng } from "../../consensus/sim/prng.ts";
import { SharedVerifier, simKey } from "../../consensus/sim/signatures.ts";
import { toHex } from "../../crypto/index.ts";
import { shardPayloadDigest } from "../body.ts";
import { SupplyAudit } from "./audit.ts";
import { ChainHost, type ChainWorld } from "./chain-host.ts";
import { BEACON_CHAIN_ID, SIM_NETWORK_ID, shardChainId, simGenesis } from "./genesis.ts";
import { inboundFor } from "./inbound.ts";
import { SimLoad } from "./load.ts";
import { hostsOf, SYNC_CHECK_MS, syncChecker } from "./sync-check.ts";
import { BEACON_INDEX, SimValidator } from "./validator.ts";
import { chainViolations } from "./verdicts.ts";

export interface ShardScenario {
  seed: number;
  validators: number;
  shards: number;
  faults: FaultKind;
  /** Beacon blocks per epoch (committees are reshuffled at every epoch). */
  epochLength: number;
  /** Clients submit a transfer every this many ms until loadMs. */
  txEveryMs: number;
  loadMs: number;
  /** Share of transfers that go to another shard. */
  crossShare: number;
  latencyMs: number;
  /**
   * Halts one shard on purpose: at `atMs`, crash the fewest members of its epoch-0 committee
   * that take its quorum away (floor(m / 3) + 1 of m), and restart them `forMs` later.
   */
  haltShard?: { shard: number; atMs: number; forMs: number };
}

export const SHARD_SCENARIO_DEFAULTS: Omit<ShardScenario, "seed"> = {
  validators: 8,
  shards: 4,
  faults: "mixed",
  epochLength: 4,
  txEveryMs: 25,
  loadMs: 3000,
  crossShare: 0.4,
  latencyMs: 20,
};

export interface ShardRunResult {
  seed: number;
  scenario: ShardScenario;
  faults: string;
  safetyViolations: string[];
  /** Why the run did not settle, or null. Not judged when a validator stays down. */
  progressFailure: string | null;
  errors: string[];
  /** Final height per chain: beacon first, then each shard. */
  heights: number[];
  /** When each block became final (virtual ms), per chain: beacon first, then each shard. */
  finalAt: number[][];
  /** Validators crashed by `haltShard`. */
  halted: number[];
  /** Epochs the beacon entered. */
  epochs: number;
  transactions: number;
  crossShard: number;
  receiptsDelivered: number;
  supplyChecks: number;
  intraP50Ms: number | null;
  crossP50Ms: number | null;
  crossP99Ms: number | null;
  virtualMs: number;
  events: number;
}

const ACCOUNTS_PER_SHARD = 4;
/** Twinned (equivocating) validators at most: the faulty members a committee of 4 tolerates. */
const MAX_TWINS = 1;
const MAX_EVENTS = 5_000_000;
/** How long after GST and the end of the load the run may take to settle. */
const SETTLE_MS = 30_000;

type SimEvent =
  | { kind: "input"; host: ChainHost; life: number; input: Input; timer?: { id: string; generation: number } }
  | { kind: "call"; host: ChainHost; life: number; work: () => Promise<void> }
  | { kind: "deliver"; to: SimValidator; host: ChainHost; chain: number; from: string; bytes: Uint8Array }
  | { kind: "crash"; validator: number }
  | { kind: "restart"; validator: number }
  | { kind: "submit" }
  | { kind: "sync-check" };

export async function runShardScenario(input: Partial<ShardScenario> & { seed: number }): Promise<ShardRunResult> {
  const s: ShardScenario = { ...SHARD_SCENARIO_DEFAULTS, ...input };
  const n = s.validators;
  const rng = new Prng(s.seed);
  const faultRng = rng.fork();
  const netRng = rng.fork();
  const loadRng = rng.fork();
  const jitterMs = Math.round(s.latencyMs / 2);
  const delta = Math.round(s.latencyMs * 1.2) + jitterMs;
  const baseTimeoutMs = Math.ceil((4 * delta) / 10) * 10 + 40;
  const plan = planFaults(s.faults, faultRng, n, {
    viewMs: 2 * delta,
    horizonMs: s.loadMs,
    baseTimeoutMs,
  });
  // A committee of 4 tolerates one faulty member. Committees are reshuffled every epoch, so two
  // twinned validators would sooner or later share one and break that committee's assumption
  // (its members could then commit two blocks at a height): a sharded run keeps one twin.
  if (plan.twins.length > MAX_TWINS) {
    plan.twins = plan.twins.slice(0, MAX_TWINS);
    plan.partitions = plan.partitions
      .map((p) => ({
        ...p,
        groups: p.groups.map((g) => g.filter((i) => i < n + MAX_TWINS)).filter((g) => g.length > 0),
      }))
      .filter((p) => p.groups.length > 1);
  }
  const instances = n + plan.twins.length;
  const network = new Network(
    instances,
    { latencyMs: s.latencyMs, linkSpread: 0.2, jitterMs, lossRate: plan.lossRate, lossUntilMs: plan.lossUntilMs },
    netRng,
  );
  for (const p of plan.partitions) network.addPartition(p);

  const queue = new EventQueue<SimEvent>();
  const violations: string[] = [];
  const errors: string[] = [];
  const verifier = new SharedVerifier();
  const keys = Array.from({ length: n }, (_, i) => simKey(s.seed, i));
  const load = new SimLoad(SIM_NETWORK_ID, s.shards, ACCOUNTS_PER_SHARD, s.seed);
  const g = await simGenesis(s, keys, load, verifier.verify);
  const { ledger, beaconState, beaconGenesis, genesisExecs, shardGenesisBlock } = g;
  const beaconSet: ValidatorSet = { epoch: 0n, validators: g.registry };

  // --- Canonical chains (first honest commit per height) and the checks on them ----------------
  const canonical: string[][] = [[], ...Array.from({ length: s.shards }, () => [])];
  const audit = new SupplyAudit(genesisExecs);

  const finalAt: number[][] = canonical.map(() => []);
  const onCanonical = (chain: number, record: CommitRecord): void => {
    const list = canonical[chain + 1] as string[];
    if (record.height !== list.length + 1) return; // an honest validator repeating a known height
    list.push(record.hash);
    finalAt[chain + 1]?.push(queue.now);
    if (chain === BEACON_INDEX) return;
    const exec = ledger.shards[chain]?.ofBlock(record.hash);
    if (exec === undefined) {
      violations.push(`shard ${chain} finalized block ${record.hash.slice(0, 12)} that no validator executed`);
      return;
    }
    audit.finalized(chain, {
      height: exec.header.height,
      outbox: exec.outbox,
      inbound: exec.body.inbound.flatMap((b) => b.receipts.map((r) => r.receipt)),
      held: exec.held,
      issued: exec.issued,
    });
    load.committedBlock(exec, queue.now);
  };

  // --- Validators, their hosts, and the world they act on -------------------------------------
  const world: ChainWorld = {
    now: () => queue.now,
    schedule(host, delayMs, input, timer) {
      queue.after(delayMs, { kind: "input", host, life: host.incarnation, input, timer });
    },
    later(host, delayMs, work) {
      queue.after(delayMs, { kind: "call", host, life: host.incarnation, work });
    },
    send(from, to, bytes) {
      for (const v of validators) if (v.id === to && v.index !== from.validator) transmit(from, v, bytes);
    },
    broadcast(from, bytes) {
      for (const v of validators) if (v.index !== from.validator) transmit(from, v, bytes);
    },
    violation(message) {
      violations.push(message);
    },
  };
  const transmit = (from: ChainHost, to: SimValidator, bytes: Uint8Array): void => {
    const route = network.route(from.validator, to.index, queue.now);
    if ("dropped" in route) return;
    const host = from.chain === BEACON_INDEX ? to.hosts?.beacon : to.hosts?.shards[from.chain];
    if (host === undefined) return;
    queue.after(route.delayMs, { kind: "deliver", to, host, chain: from.chain, from: from.id, bytes });
  };

  const twinned = new Set(plan.twins);
  const validators: SimValidator[] = [];
  const honest: boolean[] = [];
  const services = {
    ledger,
    now: () => queue.now,
    candidates: async (shard: number, parentHeaderHex: string) => {
      const parent = ledger.shards[shard]?.get(parentHeaderHex);
      return parent === undefined ? [] : load.candidates(shard, parent);
    },
    inbound: (shard: number, parentHeaderHex: string, beaconHex: string, beaconHeight: bigint) =>
      inboundFor(ledger, shard, parentHeaderHex, beaconHex, beaconHeight),
    committed: async (v: SimValidator, chain: number, _block: CommittedBlock, record: CommitRecord) => {
      if (honest[v.index]) onCanonical(chain, record);
    },
  };
  const addInstance = (validator: number): void => {
    const key = keys[validator] as (typeof keys)[number];
    const index = validators.length;
    const signer = verifier.signer(key);
    const v = new SimValidator(index, key.id, signer, s.shards, toHex(beaconGenesis), services);
    // Back-off capped at 3x, as the node does (node/node.ts): with crashed leaders, a higher cap
    // leaves long stretches of timed-out rounds.
    const timing = { baseTimeoutMs, maxTimeoutMs: 3 * baseTimeoutMs };
    const beacon = new ChainHost(
      { chain: BEACON_INDEX, validator: index, id: key.id },
      { chainId: BEACON_CHAIN_ID, genesisHash: beaconGenesis, self: key.id, ...timing },
      { validators: beaconSet, signer, verify: verifier.verify },
      createEngine,
      world,
      {
        build: async (parentHex, height) => v.buildBeacon(parentHex, height),
        judge: async (a) =>
          ledger.judgeBeacon(toHex(a.blockHash), toHex(a.parentHash), a.height, a.proposer, a.payload).valid,
        committed: (block, record) => v.beaconCommitted(block, record),
      },
    );
    const shards = Array.from({ length: s.shards }, (_, k) => {
      const committee = committeeSetOf(beaconState, k, 0n) as ValidatorSet;
      return new ChainHost(
        { chain: k, validator: index, id: key.id },
        {
          chainId: shardChainId(k),
          genesisHash: shardGenesisBlock(k),
          self: key.id,
          ...timing,
          payloadDigest: shardPayloadDigest,
        },
        { validators: committee, signer, verify: verifier.verify },
        createEngine,
        world,
        {
          build: (parentHex) => v.buildShard(k, parentHex),
          judge: (a) => v.judgeShard(k, toHex(a.blockHash), toHex(a.parentHash), a.proposer, a.payload),
          committed: (block, record) => v.shardCommitted(k, block, record),
        },
      );
    });
    v.hosts = { beacon, shards };
    validators.push(v);
    honest.push(!twinned.has(validator));
  };
  for (let i = 0; i < n; i++) addInstance(i);
  for (const t of plan.twins) addInstance(t);

  const halted: number[] = [];
  if (s.haltShard !== undefined) {
    const { shard, atMs, forMs } = s.haltShard;
    const members = (committeeSetOf(beaconState, shard, 0n) as ValidatorSet).validators;
    const down = members.slice(0, Math.floor(members.length / 3) + 1);
    for (const m of down) halted.push(keys.findIndex((k) => k.id === m.id));
    for (const v of halted) plan.crashes.push({ validator: v, atMs, restartAtMs: atMs + forMs });
    plan.gstMs = Math.max(plan.gstMs, atMs + forMs);
  }
  for (const c of plan.crashes) {
    queue.at(c.atMs, { kind: "crash", validator: c.validator });
    if (c.restartAtMs !== null) queue.at(c.restartAtMs, { kind: "restart", validator: c.validator });
  }
  for (let t = 0; t < s.loadMs; t += s.txEveryMs) queue.at(t, { kind: "submit" });
  queue.at(SYNC_CHECK_MS, { kind: "sync-check" });
  const syncCheck = syncChecker(
    validators,
    network,
    () => queue.now,
    (host, from) => world.later(host, 2 * s.latencyMs, async () => void (await host.catchUp(from, verifier.verify))),
  );

  const guarded = async (what: string, work: () => Promise<void>): Promise<void> => {
    try {
      await work();
    } catch (e) {
      errors.push(`${what} at ${queue.now} ms: ${(e as Error).stack ?? e}`);
    }
  };

  for (const v of validators) for (const h of hostsOf(v)) await guarded(`start v${v.index}`, () => h.start());

  const permanentCrash = plan.crashes.some((c) => c.restartAtMs === null);
  const quietFrom = Math.max(plan.gstMs, s.loadMs);
  const endCap = quietFrom + SETTLE_MS;
  let events = 0;
  let endMs = 0;
  for (;;) {
    if (errors.length > 0 || violations.length > 0 || audit.violations.length > 0) break;
    const next = queue.pop();
    if (next === undefined) break;
    if (next.time > endCap) {
      endMs = endCap;
      break;
    }
    endMs = next.time;
    if (++events > MAX_EVENTS) {
      errors.push(`stopped after ${MAX_EVENTS} events at ${queue.now} ms`);
      break;
    }
    const e = next.event;
    switch (e.kind) {
      case "input":
        if (e.life !== e.host.incarnation || (e.timer && !e.host.timerIsCurrent(e.timer))) break;
        await guarded(`chain ${e.host.chain} v${e.host.validator}`, () => e.host.handle(e.input, e.timer));
        break;
      case "call":
        if (e.life !== e.host.incarnation) break;
        await guarded(`chain ${e.host.chain} v${e.host.validator}`, e.work);
        break;
      case "deliver":
        if (!e.host.up) break;
        await guarded(`chain ${e.chain} v${e.to.index}`, () =>
          e.host.handle({ kind: "message", from: e.from, bytes: e.bytes }),
        );
        break;
      case "crash":
        for (const h of hostsOf(validators[e.validator] as SimValidator)) h.crash();
        break;
      case "restart":
        for (const h of hostsOf(validators[e.validator] as SimValidator)) {
          await guarded(`restart v${e.validator}`, () => h.restart());
        }
        break;
      case "submit":
        load.submit(loadRng, s.crossShare, queue.now);
        break;
      case "sync-check":
        syncCheck();
        queue.after(SYNC_CHECK_MS, { kind: "sync-check" });
        break;
    }
    if (queue.now > quietFrom && load.unsettled === 0 && audit.inFlight === 0n) break;
  }

  // --- Verdicts ----------------------------------------------------------------------------------
  violations.push(...audit.violations);
  violations.push(...chainViolations(validators, honest, s.shards, beaconGenesis, shardGenesisBlock));
  let progressFailure: string | null = null;
  if (!permanentCrash && errors.length === 0 && violations.length === 0) {
    const inFlight = audit.inFlight;
    if (load.unsettled > 0 || inFlight > 0n) {
      progressFailure =
        `${load.unsettled} transfer(s) unsettled, ${inFlight} ISC of receipts undelivered at ${endMs} ms ` +
        `(GST ${plan.gstMs} ms); heights ${canonical.map((c) => c.length).join("/")}`;
    }
  }
  const beaconHeight = canonical[0]?.length ?? 0;
  return {
    seed: s.seed,
    scenario: s,
    faults: describeFaults(plan),
    safetyViolations: violations,
    progressFailure,
    errors,
    heights: canonical.map((c) => c.length),
    finalAt,
    halted,
    epochs: Math.floor(Math.max(0, beaconHeight - 1) / s.epochLength),
    transactions: load.committed,
    crossShard: load.crossSubmitted,
    receiptsDelivered: audit.delivered,
    supplyChecks: audit.checks,
    intraP50Ms: percentile(load.intraLatencies, 0.5),
    crossP50Ms: percentile(load.crossLatencies, 0.5),
    crossP99Ms: percentile(load.crossLatencies, 0.99),
    virtualMs: endMs,
    events,
  };
}

function percentile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}
