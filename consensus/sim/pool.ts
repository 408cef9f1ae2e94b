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
export type PoolRequest = { index: number; input: ScenarioInput } | null;
/** Worker -> main thread. */
export type PoolReply = { index: number; result: RunDigest };

const WORKER_URL = new URL("./pool-worker.ts", import.meta.url);

/**
 * Hands `inputs` to `workers` threads of `workerUrl`, each taking the next input when it answers
 * the last, and returns the answers in input order. The worker receives `{ index, input }` and
 * answers `{ index, result }`; null tells it to finish. Shared by the consensus and the sharded
 * simulator (shard/sim/pool.ts).
 */
export async function runOnWorkers<I, R>(
  workerUrl: URL,
  inputs: readonly I[],
  opts: { workers: number; onResult?: (r: R) => void },
): Promise<R[]> {
  const results: R[] = new Array(inputs.length);
  let next = 0;
  const threads = Math.max(1, Math.min(opts.workers, inputs.length));
  await Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(workerUrl);
          const feed = (): void => {
            const index = next++;
            const input = inputs[index];
            worker.postMessage(input === undefined ? null : { index, input });
          };
          worker.on("message", (reply: { index: number; result: R }) => {
            results[reply.index] = reply.result;
            opts.onResult?.(reply.result);
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

export function runScenariosInPool(scenarios: readonly ScenarioInput[], opts: PoolOptions): Promise<RunDigest[]> {
  return runOnWorkers<ScenarioInput, RunDigest>(WORKER_URL, scenarios, {
    workers: opts.workers,
    ...(opts.onRun ? { onResult: opts.onRun } : {}),
  });
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
