// Runs in a worker thread: verifies packed batches and answers with one byte per item
// (1 = valid): all at once by the addon where it loaded, else one by one.
import { parentPort } from "node:worker_threads";
import { unpackBatch } from "./batch-wire.ts";
import { addon } from "./verify-addon.ts";
import { nativeBatches, verifyNative } from "./verify-native.ts";

interface Job {
  id: number;
  count: number;
  packed: Uint8Array;
}

function verifyJob(job: Job): Uint8Array<ArrayBuffer> {
  if (nativeBatches && addon !== null) return addon.verifyPacked(job.packed, job.count);
  const results = new Uint8Array(job.count);
  let i = 0;
  for (const it of unpackBatch(job.packed)) results[i++] = verifyNative(it.publicKey, it.message, it.signature) ? 1 : 0;
  return results;
}

parentPort?.on("message", (job: Job) => {
  const results = verifyJob(job);
  parentPort?.postMessage({ id: job.id, results }, [results.buffer]);
});
