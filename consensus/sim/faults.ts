// Fault plans: which validators crash and when they come back, which partitions open and heal,
// which validators run twice, and how lossy the network is before it stabilises. A plan is drawn
// from its own PRNG stream before the run starts, so it depends only on the seed and the
// scenario, and it is printed with the result of a failing run.
//
// Instances: validator i runs as instance i; the second copy of a twinned validator runs as
// instance n + k (k-th twin). Faulty identities (twinned validators plus validators that crash
// and never restart) never exceed f = floor((n - 1) / 3).
import type { Partition } from "./network.ts";
import type { Prng } from "./prng.ts";

export const FAULT_KINDS = ["none", "crash", "partition", "twins", "mixed"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export function isFaultKind(s: string): s is FaultKind {
  return (FAULT_KINDS as readonly string[]).includes(s);
}

export interface CrashFault {
  validator: number;
  atMs: number;
  /** null: stays down for the rest of the run. */
  restartAtMs: number | null;
}

export interface FaultPlan {
  kind: FaultKind;
  /** Validators that run as two instances with one key. */
  twins: number[];
  crashes: CrashFault[];
  partitions: Partition[];
  lossRate: number;
  lossUntilMs: number;
  /** From here on the network is stable (see invariants.ts). */
  gstMs: number;
}

export interface FaultTiming {
  /** Expected duration of a fault-free view, ms. */
  viewMs: number;
  /** Faults start within [0, horizonMs). */
  horizonMs: number;
  baseTimeoutMs: number;
}

export function maxFaulty(validators: number): number {
  return Math.floor((validators - 1) / 3);
}

const round = Math.round;

function planCrashes(rng: Prng, n: number, exclude: number[], maxPermanent: number, t: FaultTiming): CrashFault[] {
  const candidates = rng.shuffle(Array.from({ length: n }, (_, i) => i).filter((i) => !exclude.includes(i)));
  // With f = 0 a crash is still allowed, but the validator must come back.
  const count = rng.range(1, Math.max(1, maxFaulty(n)));
  let permanent = 0;
  return candidates.slice(0, count).map((validator) => {
    const atMs = round(t.horizonMs * (0.05 + 0.65 * rng.float()));
    const stays = permanent < maxPermanent && rng.chance(0.3);
    if (stays) permanent++;
    const downMs = round(2 * t.viewMs + rng.float() * (0.6 * t.horizonMs + 4 * t.baseTimeoutMs));
    return { validator, atMs, restartAtMs: stays ? null : atMs + downMs };
  });
}

function randomSplit(rng: Prng, instances: number[], groups: number): number[][] {
  for (;;) {
    const out: number[][] = Array.from({ length: groups }, () => []);
    for (const i of instances) (out[rng.int(groups)] as number[]).push(i);
    if (out.every((g) => g.length > 0)) return out;
  }
}

function planPartitions(rng: Prng, instances: number, t: FaultTiming): Partition[] {
  if (instances < 2) return []; // nothing to split
  const all = Array.from({ length: instances }, (_, i) => i);
  const episodes = rng.range(1, 2);
  const out: Partition[] = [];
  let start = round(t.horizonMs * (0.05 + 0.45 * rng.float()));
  for (let e = 0; e < episodes; e++) {
    const length = round(3 * t.viewMs + rng.float() * (0.5 * t.horizonMs + 2 * t.baseTimeoutMs));
    const groups = instances >= 3 && rng.chance(0.25) ? 3 : 2;
    out.push({ groups: randomSplit(rng, all, groups), fromMs: start, untilMs: start + length });
    start += length + round(rng.float() * 4 * t.viewMs);
  }
  return out;
}

/**
 * Twins in the style of Bano et al. (Twins: BFT systems made robust). Half the plans keep the
 * network whole: both copies of a twinned validator talk to everyone, so whenever it leads, two
 * different proposals reach every node, and its votes and timeouts come twice. The other half
 * add a run of consecutive partition phases, each placing the two copies on different sides
 * more often than not, with the honest validators scattered between the sides, so that each
 * copy can lead, propose and vote with a different part of the network; the phases end with a
 * heal, and both copies keep running afterwards.
 */
function planTwinPartitions(rng: Prng, n: number, twins: number[], t: FaultTiming): Partition[] {
  if (rng.chance(0.5)) return [];
  const phases = rng.range(2, 4);
  const out: Partition[] = [];
  let start = round(t.horizonMs * 0.2 * rng.float());
  for (let p = 0; p < phases; p++) {
    const length = round(2 * t.viewMs + rng.float() * 8 * t.viewMs);
    const groups: number[][] = [[], []];
    const side = (i: number): number[] => groups[i] as number[];
    twins.forEach((v, k) => {
      const first = rng.int(2);
      side(first).push(v);
      side(p === 0 || rng.chance(0.75) ? 1 - first : first).push(n + k);
    });
    for (let v = 0; v < n; v++) if (!twins.includes(v)) side(rng.int(2)).push(v);
    // All on one side: a phase in which the network happens to be whole.
    if (groups.every((g) => g.length > 0)) out.push({ groups, fromMs: start, untilMs: start + length });
    start += length;
  }
  return out;
}

function pickTwins(rng: Prng, n: number): number[] {
  const f = maxFaulty(n);
  if (f < 1) throw new RangeError(`twins need at least 4 validators (f >= 1), got ${n}`);
  return rng.shuffle(Array.from({ length: n }, (_, i) => i)).slice(0, rng.range(1, Math.min(f, 2)));
}

export function planFaults(kind: FaultKind, rng: Prng, validators: number, t: FaultTiming): FaultPlan {
  const n = validators;
  const f = maxFaulty(n);
  const plan: FaultPlan = { kind, twins: [], crashes: [], partitions: [], lossRate: 0, lossUntilMs: 0, gstMs: 0 };
  switch (kind) {
    case "none":
      break;
    case "crash":
      plan.crashes = planCrashes(rng, n, [], f, t);
      break;
    case "partition":
      plan.partitions = planPartitions(rng, n, t);
      break;
    case "twins":
      plan.twins = pickTwins(rng, n);
      plan.partitions = planTwinPartitions(rng, n, plan.twins, t);
      break;
    case "mixed": {
      const options = f >= 1 ? (["crash", "partition", "twins"] as const) : (["crash", "partition"] as const);
      let chosen = options.filter(() => rng.chance(0.5));
      if (chosen.length === 0) chosen = [rng.pick(options)];
      if (chosen.includes("twins")) {
        plan.twins = pickTwins(rng, n);
        plan.partitions.push(...planTwinPartitions(rng, n, plan.twins, t));
      }
      if (chosen.includes("crash")) plan.crashes = planCrashes(rng, n, plan.twins, f - plan.twins.length, t);
      if (chosen.includes("partition")) plan.partitions.push(...planPartitions(rng, n + plan.twins.length, t));
      plan.lossRate = 0.01 + 0.09 * rng.float();
      plan.lossUntilMs = round(t.horizonMs * (0.3 + 0.7 * rng.float()));
      break;
    }
  }
  plan.gstMs = Math.max(
    0,
    plan.lossRate > 0 ? plan.lossUntilMs : 0,
    ...plan.partitions.map((p) => p.untilMs),
    ...plan.crashes.map((c) => c.restartAtMs ?? c.atMs),
  );
  return plan;
}

/** One line for people, e.g. "crash v2@310ms->1200ms; partition [0,3|1,2] 400..900ms; loss 4% until 700ms". */
export function describeFaults(plan: FaultPlan): string {
  const parts: string[] = [];
  if (plan.twins.length > 0) parts.push(`twins ${plan.twins.map((v) => `v${v}`).join(",")}`);
  for (const c of plan.crashes) {
    parts.push(`crash v${c.validator}@${c.atMs}ms${c.restartAtMs === null ? " (stays down)" : `->${c.restartAtMs}ms`}`);
  }
  for (const p of plan.partitions) {
    parts.push(`partition [${p.groups.map((g) => g.join(",")).join("|")}] ${p.fromMs}..${p.untilMs}ms`);
  }
  if (plan.lossRate > 0) parts.push(`loss ${(plan.lossRate * 100).toFixed(1)}% until ${plan.lossUntilMs}ms`);
  return parts.length === 0 ? "no faults" : parts.join("; ");
}
