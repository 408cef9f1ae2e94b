// Runs in a worker thread: verifies packed batches with the native verifier and answers with
// one byte per item (1 = valid).
import { parentPort } from "node:worker_threads";
import { unpackBatch } from "./batch-wire.ts";
import { verifyNative } from "./verify-native.ts";

interface Job {
  id: number;
  count: number;
  packed: Uint8Array;
}

parentPort?.on("message", (job: Job) => {
  const results = new Uint8Array(job.count);
  let i = 0;
  for (const it of unpackBatch(job.packed)) {
    results[i++] = verifyNative(it.publicKey, it.message, it.signature) ? 1 : 0;
  }
  parentPort?.postMessage({ id: job.id, results }, [results.buffer]);
});
