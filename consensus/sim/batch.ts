// Many seeds of one scenario, summarised: how many runs broke safety or liveness, what was
// committed, how long commits took, and for every failing seed the command that replays it.
import type { CreateEngine } from "../interface.ts";
import { runScenario, type ScenarioResult } from "./run.ts";
import { replayCommand, type ScenarioInput } from "./scenario.ts";

export interface SeedRange {
  from: number;
  /** Inclusive. */
  to: number;
}

/** "A..B" (inclusive) or a single "A". Throws RangeError with the text when malformed. */
export function parseSeeds(text: string): SeedRange {
  const m = /^\s*(\d+)\s*(?:\.\.\s*(\d+)\s*)?$/.exec(text);
  const from = m ? Number(m[1]) : Number.NaN;
  const to = m?.[2] !== undefined ? Number(m[2]) : from;
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || to < from) {
    throw new RangeError(`seeds must be "A..B" with 0 <= A <= B, or one seed "A"; got "${text}"`);
  }
  return { from, to };
}

/** What a batch keeps of one run (the logs and traces stay behind). */
export interface RunDigest {
  seed: number;
  faults: string;
  commits: number;
  views: number;
  virtualMs: number;
  messages: number;
  signatureVerifications: number;
  commitLatencies: number[];
  safetyViolations: string[];
  livenessFailure: string | null;
  errors: string[];
}

export function digestRun(r: ScenarioResult): RunDigest {
  return {
    seed: r.seed,
    faults: r.faults,
    commits: r.commits,
    views: r.views,
    virtualMs: r.virtualMs,
    messages: r.messages,
    signatureVerifications: r.signatureVerifications,
    commitLatencies: r.commitLatencies,
    safetyViolations: r.safetyViolations,
    livenessFailure: r.livenessFailure,
    errors: r.errors,
  };
}

export interface Failure {
  seed: number;
  kind: "safety" | "liveness" | "error";
  message: string;
  faults: string;
  replay: string;
}

export interface BatchSummary {
  runs: number;
  safety_violations: number;
  liveness_failures: number;
  errors: number;
  commits: number;
  median_commit_latency_ms: number | null;
  p90_commit_latency_ms: number | null;
  messages: number;
  signature_verifications: number;
  virtual_ms: number;
  failures: Failure[];
}

export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}

export function failuresOf(d: RunDigest, scenario: Omit<ScenarioInput, "seed">): Failure[] {
  const common = { seed: d.seed, faults: d.faults, replay: replayCommand({ ...scenario, seed: d.seed }) };
  const out: Failure[] = [];
  if (d.errors.length > 0) out.push({ ...common, kind: "error", message: d.errors.join("; ") });
  if (d.safetyViolations.length > 0) out.push({ ...common, kind: "safety", message: d.safetyViolations.join("; ") });
  if (d.livenessFailure !== null) out.push({ ...common, kind: "liveness", message: d.livenessFailure });
  return out;
}

export function summarize(digests: readonly RunDigest[], scenario: Omit<ScenarioInput, "seed">): BatchSummary {
  const latencies = digests.flatMap((d) => d.commitLatencies);
  const sorted = [...digests].sort((a, b) => a.seed - b.seed);
  const round1 = (x: number | null): number | null => (x === null ? null : Math.round(x * 10) / 10);
  return {
    runs: digests.length,
    safety_violations: digests.filter((d) => d.safetyViolations.length > 0).length,
    liveness_failures: digests.filter((d) => d.livenessFailure !== null).length,
    errors: digests.filter((d) => d.errors.length > 0).length,
    commits: digests.reduce((a, d) => a + d.commits, 0),
    median_commit_latency_ms: round1(percentile(latencies, 0.5)),
    p90_commit_latency_ms: round1(percentile(latencies, 0.9)),
    messages: digests.reduce((a, d) => a + d.messages, 0),
    signature_verifications: digests.reduce((a, d) => a + d.signatureVerifications, 0),
    virtual_ms: digests.reduce((a, d) => a + d.virtualMs, 0),
    failures: sorted.flatMap((d) => failuresOf(d, scenario)),
  };
}

export interface SeedsOptions {
  scenario: Omit<ScenarioInput, "seed">;
  seeds: SeedRange;
  createEngine: CreateEngine;
  onRun?: (d: RunDigest) => void;
}

/** Runs the seeds one after another in this thread. */
export function runSeeds(opts: SeedsOptions): RunDigest[] {
  const out: RunDigest[] = [];
  for (let seed = opts.seeds.from; seed <= opts.seeds.to; seed++) {
    const d = digestRun(runScenario({ ...opts.scenario, seed }, opts.createEngine));
    out.push(d);
    opts.onRun?.(d);
  }
  return out;
}
