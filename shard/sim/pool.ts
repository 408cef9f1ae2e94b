// Runs sharded scenarios on worker threads (consensus/sim/pool.ts runOnWorkers): each thread
// takes the next seed when it finishes one; results come back in seed order and are the same as
// in one thread (a run depends on its scenario only).
import { runOnWorkers } from "../../consensus/sim/pool.ts";
import type { ShardRunResult, ShardScenario } from "./run.ts";

export type ShardScenarioInput = Partial<ShardScenario> & { seed: number };
export type ShardPoolRequest = { index: number; input: ShardScenarioInput } | null;
export type ShardPoolReply = { index: number; result: ShardRunResult };

const WORKER_URL = new URL("./pool-worker.ts", import.meta.url);

export function runShardScenariosInPool(
  scenarios: readonly ShardScenarioInput[],
  opts: { workers: number; onRun?: (r: ShardRunResult) => void },
): Promise<ShardRunResult[]> {
  return runOnWorkers<ShardScenarioInput, ShardRunResult>(WORKER_URL, scenarios, {
    workers: opts.workers,
    ...(opts.onRun ? { onResult: opts.onRun } : {}),
  });
}
