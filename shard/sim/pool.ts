// Runs sharded scenarios on worker threads, each thread taking the next seed when it finishes
// one; results come back in seed order and are the same as in one thread (a run depends on
// its scenario only).
import { Worker } from "node:worker_threads";
import type { ShardRunResult, ShardScenario } from "./run.ts";

export type ShardPoolRequest = { index: number; scenario: Partial<ShardScenario> & { seed: number } } | null;
export type ShardPoolReply = { index: number; result: ShardRunResult };

const WORKER_URL = new URL("./pool-worker.ts", import.meta.url);

export async function runShardScenariosInPool(
  scenarios: readonly (Partial<ShardScenario> & { seed: number })[],
  opts: { workers: number; onRun?: (r: ShardRunResult) => void },
): Promise<ShardRunResult[]> {
  const results: ShardRunResult[] = new Array(scenarios.length);
  let next = 0;
  const threads = Math.max(1, Math.min(opts.workers, scenarios.length));
  await Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(WORKER_URL);
          const feed = (): void => {
            const index = next++;
            const scenario = scenarios[index];
            worker.postMessage((scenario === undefined ? null : { index, scenario }) satisfies ShardPoolRequest);
          };
          worker.on("message", (reply: ShardPoolReply) => {
            results[reply.index] = reply.result;
            opts.onRun?.(reply.result);
            feed();
          });
          worker.on("error", reject);
          worker.on("exit", (code) =>
            code === 0 ? resolve() : reject(new Error(`simulation worker exited with code ${code}`)),
          );
          feed();
        }),
    ),
  );
  return results;
}
