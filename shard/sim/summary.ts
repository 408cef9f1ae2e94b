// What a batch of sharded runs adds up to, for people and for --json.
import type { ShardRunResult } from "./run.ts";

export interface ShardBatchSummary {
  runs: number;
  safety_violations: number;
  progress_failures: number;
  errors: number;
  transactions: number;
  cross_shard_transfers: number;
  receipts_delivered: number;
  supply_checks: number;
  epochs: number;
  /** Medians over runs of each run's own percentile (virtual ms, submission to final credit). */
  median_cross_shard_p50_ms: number | null;
  median_intra_shard_p50_ms: number | null;
  failures: { seed: number; kind: string; message: string; faults: string; replay: string }[];
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

export function replayShardCommand(r: ShardRunResult): string {
  const s = r.scenario;
  return `npx ubn sim shards --seeds ${s.seed} --validators ${s.validators} --shards ${s.shards} --faults ${s.faults}`;
}

export function summarizeShardRuns(results: readonly ShardRunResult[]): ShardBatchSummary {
  const sum = (f: (r: ShardRunResult) => number) => results.reduce((t, r) => t + f(r), 0);
  const failures: ShardBatchSummary["failures"] = [];
  for (const r of results) {
    const fail = (kind: string, message: string) =>
      failures.push({ seed: r.seed, kind, message, faults: r.faults, replay: replayShardCommand(r) });
    if (r.safetyViolations.length > 0) fail("safety", r.safetyViolations[0] as string);
    else if (r.errors.length > 0) fail("error", (r.errors[0] as string).split("\n")[0] as string);
    else if (r.progressFailure !== null) fail("progress", r.progressFailure);
  }
  return {
    runs: results.length,
    safety_violations: results.filter((r) => r.safetyViolations.length > 0).length,
    progress_failures: results.filter((r) => r.progressFailure !== null).length,
    errors: results.filter((r) => r.errors.length > 0).length,
    transactions: sum((r) => r.transactions),
    cross_shard_transfers: sum((r) => r.crossShard),
    receipts_delivered: sum((r) => r.receiptsDelivered),
    supply_checks: sum((r) => r.supplyChecks),
    epochs: sum((r) => r.epochs),
    median_cross_shard_p50_ms: median(results.flatMap((r) => (r.crossP50Ms === null ? [] : [r.crossP50Ms]))),
    median_intra_shard_p50_ms: median(results.flatMap((r) => (r.intraP50Ms === null ? [] : [r.intraP50Ms]))),
    failures,
  };
}
