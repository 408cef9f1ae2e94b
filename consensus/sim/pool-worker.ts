// One thread of the pool: runs the scenarios it is handed with the production engine and
// answers with one digest each; a null request ends the thread.
import { parentPort } from "node:worker_threads";
import { createEngine } from "../index.ts";
import { digestRun } from "./batch.ts";
import type { PoolReply, PoolRequest } from "./pool.ts";
import { runScenario } from "./run.ts";

const port = parentPort;
if (port === null) throw new Error("pool-worker.ts runs as a worker thread");
port.on("message", (request: PoolRequest) => {
  if (request === null) {
    port.close();
    return;
  }
  const result = digestRun(runScenario(request.input, createEngine));
  port.postMessage({ index: request.index, result } satisfies PoolReply);
});
