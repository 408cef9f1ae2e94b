// ubn bench consensus: the production engine in the deterministic simulator, without faults,
// for several committee sizes. For each size: commit latency (virtual ms, and in network delays),
// views and blocks per second of virtual time, how fast the simulation itself ran (views per
// wall-clock second), and messages and signature verifications per committed block.
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { createEngine as realCreateEngine } from "../consensus/index.ts";
import type { CreateEngine } from "../consensus/interface.ts";
import { percentile, runScenario } from "../consensus/sim/index.ts";
import { renderConsensusChart } from "./consensus-chart.ts";

export interface ConsensusBenchOptions {
  validators: number[];
  latencyMs: number;
  /** Views per committee size; undefined: DEFAULT_VIEWS, fewer above 128 validators (viewsFor). */
  views?: number;
  /** Per-message jitter; default a tenth of the latency, so a delay is close to latencyMs. */
  jitterMs?: number;
  seed: number;
  /** Where the SVG goes; null: no chart. */
  out: string | null;
  onPoint?: (p: ConsensusBenchPoint) => void;
}

export const DEFAULT_VIEWS = 60;

export const defaultConsensusBenchOptions: ConsensusBenchOptions = {
  validators: [4, 16, 64, 128],
  latencyMs: 50,
  seed: 1,
  out: "consensus-bench.svg",
};

/** Above this size the default number of views shrinks: a view costs about n^2 verifications. */
export const FULL_VIEWS_UP_TO = 128;

/**
 * Views simulated for a committee of n when --views is not given: DEFAULT_VIEWS up to
 * FULL_VIEWS_UP_TO validators (128 validators take about 6 s on one core), then fewer in
 * proportion to n^2, never below 10.
 */
export function viewsFor(n: number): number {
  if (n <= FULL_VIEWS_UP_TO) return DEFAULT_VIEWS;
  return Math.max(10, Math.round(DEFAULT_VIEWS * (FULL_VIEWS_UP_TO / n) ** 2));
}

export interface ConsensusBenchPoint {
  validators: number;
  /** Views asked for (the run stops at the first commit of a block of this round). */
  views_target: number;
  /** True when fewer than the default views were run because the committee is large. */
  views_reduced: boolean;
  /** Highest round committed. */
  views: number;
  blocks: number;
  virtual_ms: number;
  commit_latency_ms: number;
  commit_latency_p90_ms: number;
  /** commit_latency_ms / latency_ms: how many one-way network delays a commit takes. */
  commit_latency_delays: number;
  views_per_virtual_s: number;
  blocks_per_virtual_s: number;
  /** Wall-clock seconds the simulation of this committee took, on this machine. */
  wall_s: number;
  /** Simulation speed: views simulated per wall-clock second (all n engines on one thread). */
  sim_views_per_wall_s: number;
  messages_per_block: number;
  /** What the engines asked to verify, summed over all nodes. */
  signature_verifications_per_block: number;
  /** The same, per node. */
  signature_verifications_per_block_per_node: number;
  signatures_per_block: number;
}

export interface ConsensusBenchResult {
  latency_ms: number;
  jitter_ms: number;
  seed: number;
  points: ConsensusBenchPoint[];
  chart: string | null;
  note: string;
}

const r2 = (x: number): number => Math.round(x * 100) / 100;

export function runConsensusBench(
  opts: Partial<ConsensusBenchOptions> = {},
  createEngine: CreateEngine = realCreateEngine,
): ConsensusBenchResult {
  const o: ConsensusBenchOptions = { ...defaultConsensusBenchOptions, ...opts };
  if (o.validators.length === 0) throw new RangeError("give at least one committee size");
  const jitterMs = o.jitterMs ?? Math.round(o.latencyMs / 10);
  const points: ConsensusBenchPoint[] = [];
  for (const n of o.validators) {
    const views = o.views ?? viewsFor(n);
    const started = performance.now();
    const r = runScenario(
      { seed: o.seed, validators: n, faults: "none", views, latencyMs: o.latencyMs, jitterMs, linkSpread: 0 },
      createEngine,
    );
    const wallS = (performance.now() - started) / 1000;
    const problems = [...r.safetyViolations, ...r.errors, ...(r.livenessFailure ? [r.livenessFailure] : [])];
    if (problems.length > 0) throw new Error(`the fault-free run with ${n} validators failed: ${problems.join("; ")}`);
    const blocks = Math.max(1, r.commits);
    const median = percentile(r.commitLatencies, 0.5) ?? Number.NaN;
    const point: ConsensusBenchPoint = {
      validators: n,
      views_target: views,
      views_reduced: o.views === undefined && views < DEFAULT_VIEWS,
      views: r.views,
      blocks: r.commits,
      virtual_ms: r.virtualMs,
      commit_latency_ms: r2(median),
      commit_latency_p90_ms: r2(percentile(r.commitLatencies, 0.9) ?? Number.NaN),
      commit_latency_delays: r2(median / o.latencyMs),
      views_per_virtual_s: r2(r.views / (r.virtualMs / 1000)),
      blocks_per_virtual_s: r2(r.commits / (r.virtualMs / 1000)),
      wall_s: r2(wallS),
      sim_views_per_wall_s: r2(r.views / wallS),
      messages_per_block: r2(r.messages / blocks),
      signature_verifications_per_block: r2(r.signatureVerifications / blocks),
      signature_verifications_per_block_per_node: r2(r.signatureVerifications / blocks / n),
      signatures_per_block: r2(r.signatures / blocks),
    };
    points.push(point);
    o.onPoint?.(point);
  }
  let chart: string | null = null;
  if (o.out !== null) {
    chart = resolve(o.out);
    writeFileSync(chart, renderConsensusChart(points, o.latencyMs));
  }
  const reduced = points
    .filter((p) => p.views_reduced)
    .map((p) => `${p.validators} validators: ${p.views_target} views`);
  const note =
    `Virtual-time figures come from the simulated network (one-way delay ${o.latencyMs} ms + jitter 0..${jitterMs} ms, ` +
    `no faults, 1 ms to build a payload and no other processing time); wall-clock figures measure the simulator ` +
    `on this machine.` +
    (reduced.length > 0 ? ` Fewer views for large committees to bound the run time (${reduced.join(", ")}).` : "");
  return { latency_ms: o.latencyMs, jitter_ms: jitterMs, seed: o.seed, points, chart, note };
}

export function formatConsensusBench(r: ConsensusBenchResult): string {
  const head = [
    "validators",
    "views",
    "latency ms",
    "delays",
    "views/s (virt)",
    "blocks/s (virt)",
    "msgs/block",
    "verifs/block",
    "sim views/s (wall)",
  ];
  const rows = r.points.map((p) => [
    `${p.validators}`,
    `${p.views}${p.views_reduced ? "*" : ""}`,
    `${p.commit_latency_ms}`,
    `${p.commit_latency_delays}`,
    `${p.views_per_virtual_s}`,
    `${p.blocks_per_virtual_s}`,
    `${Math.round(p.messages_per_block)}`,
    `${Math.round(p.signature_verifications_per_block)}`,
    `${p.sim_views_per_wall_s}`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padStart(widths[i] as number)).join("  ");
  const lines = [
    `ubn bench consensus: one-way latency ${r.latency_ms} ms (jitter 0..${r.jitter_ms} ms), no faults, seed ${r.seed}`,
    "",
    line(head),
    ...rows.map(line),
    "",
    "latency: median virtual ms from proposal to commit at the proposer; delays = latency / one-way latency.",
    "verifs/block: signature verifications the engines asked for, all nodes together.",
  ];
  if (r.points.some((p) => p.views_reduced)) lines.push("* fewer views for a large committee, to bound the run time.");
  lines.push(r.note);
  if (r.chart) lines.push("", `chart: ${r.chart}`);
  return lines.join("\n");
}
