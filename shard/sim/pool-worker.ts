// One thread of the sharded simulation pool: runs each scenario it is handed and answers with
// its result; a null request ends the thread.
import { parentPort } from "node:worker_threads";
import type { ShardPoolReply, ShardPoolRequest } from "./pool.ts";
import { runShardScenario } from "./run.ts";

const port = parentPort;
if (port === null) throw new Error("pool-worker.ts runs as a worker thread");
port.on("message", async (request: ShardPoolRequest) => {
  if (request === null) {
    port.close();
    return;
  }
  const result = await runShardScenario(request.input);
  port.postMessage({ index: request.index, result } satisfies ShardPoolReply);
});
