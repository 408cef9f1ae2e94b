// What one devnet benchmark run reports (the JSON document of `ubn bench devnet --json`) and
// the table it prints for people. The run itself is bench/devnet.ts.
import type { ExecutionFloor } from "./devnet-floor.ts";
import type { StepResult } from "./devnet-steps.ts";
import type { ThreadKind } from "./process-cpu.ts";

export interface DevnetBenchResult {
  tps: number;
  p50_ms: number | null;
  p99_ms: number | null;
  /**
   * Issue 5's yardstick: cores x single-core native ed25519 verifies per second / validators,
   * with node:crypto's verifier (OpenSSL), the native one of the project's stack
   * (bench/devnet-ceiling.ts); efficiency = tps / ceiling_tps.
   */
  ceiling_tps: number;
  efficiency: number;
  /**
   * Whether a step above the reported one fell behind. False when the network kept up at
   * every step: tps and efficiency are then lower bounds, capped by the search's last rate.
   */
  edge_found: boolean;
  validators: number;
  cores: number;
  /** Single-core node:crypto verifies per second, the yardstick's measure. */
  native_verify_per_s: number;
  /**
   * The verifier the validators use: "ubn-addon" (which checks batches in one equation at more
   * than twice its single rate), or "libsodium" or "openssl" where the addon did not build or
   * UBN_ED25519 says so. Its single-core rate (one signature at a time), the ceiling it gives (the most the network can finalize,
   * under which the search places its steps) and tps against that ceiling: how close the node
   * comes to doing nothing but its checks. Reported beside the yardstick, not instead of it.
   */
  verifier: string;
  verifier_verify_per_s: number;
  verifier_ceiling_tps: number;
  verifier_efficiency: number;
  steps: StepResult[];
  submitted: number;
  /** Refusals, counting each time a transaction was refused. */
  rejected: number;
  rejected_by: Record<string, number>;
  /** Transactions sent again after a refusal for now (MEMPOOL_FULL; bench/devnet-retry.ts). */
  resent: number;
  committed: number;
  blocks: number;
  /**
   * CPU milliseconds all validator processes used from the first step to the end of the run,
   * per transaction finalized in that time (null without Linux /proc). At the ceiling it would
   * be validators / native_verify_per_s x 1000 (verification alone).
   */
  node_cpu_ms_per_tx: number | null;
  /**
   * How that CPU divides between the validators' kinds of thread, as shares of it: main
   * threads, signature threads (worker_threads), V8's own (garbage collection, compilation),
   * libuv's pool (LevelDB, files), other (null without Linux /proc).
   */
  node_cpu_by_thread: Record<ThreadKind, number> | null;
  /**
   * CPU milliseconds this process (the load client and the observer) used over the same span,
   * per transaction finalized: the share of the machine the harness itself takes.
   */
  client_cpu_ms_per_tx: number | null;
  /** The best efficiency a node that only verified, executed and committed could reach (devnet-floor.ts). */
  floor: ExecutionFloor;
  shards: number;
  /** In the reported step: finalized transactions per second on each shard. */
  per_shard_tps: number[];
  /**
   * In the reported step: cross-shard samples timed from submission to the credit being final
   * on the destination shard (null without cross-shard samples).
   */
  cross_shard_p50_ms: number | null;
  cross_shard_p99_ms: number | null;
  cross_shard_samples: number;
}

export function formatDevnetBench(r: DevnetBenchResult): string {
  const lines = [
    `devnet of ${r.validators} validators on ${r.cores} cores: ${r.tps} tps, p50 ${r.p50_ms} ms, p99 ${r.p99_ms} ms`,
    ...(r.shards > 1
      ? [
          `${r.shards} shards: ${r.per_shard_tps.join(" / ")} tps; cross-shard credit p50 ${r.cross_shard_p50_ms} ms, p99 ${r.cross_shard_p99_ms} ms (${r.cross_shard_samples} samples)`,
        ]
      : []),
    `ceiling ${r.ceiling_tps} tps (${r.cores} x ${r.native_verify_per_s} node:crypto verifies/s / ${r.validators}), efficiency ${r.efficiency}`,
    `with the validators' verifier (${r.verifier}, ${r.verifier_verify_per_s} verifies/s): ceiling ${r.verifier_ceiling_tps} tps, efficiency ${r.verifier_efficiency}`,
    ...(r.edge_found
      ? []
      : ["the network kept up at every step: tps and efficiency are lower bounds (a longer --duration goes further)"]),
    `execution alone: ${r.floor.execute_us_per_tx} + ${r.floor.commit_us_per_tx} us per transfer, so at most ${r.floor.verifier_efficiency_bound} of the validators' ceiling`,
    ...(r.node_cpu_ms_per_tx === null
      ? []
      : [`node CPU ${r.node_cpu_ms_per_tx} ms per transaction${describeThreads(r)}`]),
    "offered   finalized  p50     p99     node CPU ms/tx",
  ];
  for (const s of r.steps)
    lines.push(
      `${String(s.offered_tps).padEnd(10)}${String(s.tps).padEnd(11)}${String(s.p50_ms).padEnd(8)}${String(s.p99_ms).padEnd(8)}${s.node_cpu_ms_per_tx ?? "-"}`,
    );
  return lines.join("\n");
}

function describeThreads(r: DevnetBenchResult): string {
  const t = r.node_cpu_by_thread;
  if (t === null) return "";
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  return ` (main threads ${pct(t.main)}, signature threads ${pct(t.signature_workers)}, V8 ${pct(t.v8)}, libuv ${pct(t.libuv)}, other ${pct(t.other)})`;
}
