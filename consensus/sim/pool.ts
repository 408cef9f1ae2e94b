// Runs many scenarios on worker threads, each thread with its own engine, handing the next
// scenario to whichever thread finishes first, and returns the digests in the order given. A
// run is single-threaded and CPU-bound, so c threads on c cores finish about c times sooner;
// every digest is the same as in one thread (a run depends on its scenario only).
import { Worker } from "node:worker_threads";
import type { RunDigest, SeedRange } from "./batch.ts";
import type { ScenarioInput } from "./scenario.ts";

export interface PoolOptions {
  workers: number;
  onRun?: (d: RunDigest) => void;
}

/** Main thread -> worker: run this scenario (index into the caller's list); null: finish. */
export type PoolRequest = { index: number; scenario: ScenarioInput } | null;
/** Worker -> main thread. */
export type PoolReply = { index: number; digest: RunDigest };

const WORKER_URL = new URL("./pool-worker.ts", import.meta.url);

export async function runScenariosInPool(scenarios: readonly ScenarioInput[], opts: PoolOptions): Promise<RunDigest[]> {
  const results: RunDigest[] = new Array(scenarios.length);
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
            worker.postMessage((scenario === undefined ? null : { index, scenario }) satisfies PoolRequest);
          };
          worker.on("message", (reply: PoolReply) => {
            results[reply.index] = reply.digest;
            opts.onRun?.(reply.digest);
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

/** One scenario over a range of seeds. */
export function runSeedsInPool(
  scenario: Omit<ScenarioInput, "seed">,
  seeds: SeedRange,
  opts: PoolOptions,
): Promise<RunDigest[]> {
  const list = Array.from({ length: seeds.to - seeds.from + 1 }, (_, i) => ({ ...scenario, seed: seeds.from + i }));
  return runScenariosInPool(list, opts);
}
