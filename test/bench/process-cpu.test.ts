// CPU per thread from /proc, as the devnet benchmark reads it for every validator: this
// process's own threads are real threads with real names, so the test reads them. Vitest runs
// each file in a forked process (its default pool), so this code runs on that process's main thread.
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { processCpuMs, threadCpuMs, threadMsPerTx, threadShares } from "../../bench/process-cpu.ts";

const onLinux = process.platform === "linux";

function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // burn CPU on this thread
  }
}

describe.runIf(onLinux)("process CPU from /proc", () => {
  it("reads this process's total and every thread, the main one named as such", () => {
    expect(processCpuMs(process.pid)).toBeGreaterThan(0);
    const threads = threadCpuMs(process.pid);
    expect(threads).not.toBeNull();
    const keys = [...(threads as Map<string, number>).keys()];
    expect(keys).toContain(`${process.pid}/${process.pid} main`);
    expect(keys.every((k) => /^\d+\/\d+ (main|signature_workers|v8|libuv|other)$/.test(k))).toBe(true);
  });

  it("a process that does not exist reads as null", () => {
    expect(processCpuMs(2 ** 22 + 7)).toBeNull();
    expect(threadCpuMs(2 ** 22 + 7)).toBeNull();
    expect(threadCpuMs(undefined)).toBeNull();
  });

  it("splits the CPU used between two readings by kind of thread", async () => {
    const worker = new Worker("const end = Date.now() + 400; while (Date.now() < end) {}", { eval: true });
    const before = threadCpuMs(process.pid) as Map<string, number>;
    spin(400);
    await new Promise((resolve) => worker.once("exit", resolve));
    // The worker's thread has ended: only the main thread's spin is between the readings,
    // with whatever V8 and libuv did meanwhile.
    const after = threadCpuMs(process.pid) as Map<string, number>;
    const shares = threadShares(before, after);
    expect(shares).not.toBeNull();
    expect(shares?.main).toBeGreaterThan(0.5);
    const sum = Object.values(shares ?? {}).reduce((a, b) => a + b, 0);
    expect(sum).toBeGreaterThan(0.97);
    expect(sum).toBeLessThan(1.03);
  });

  it("counts a running worker thread as a signature thread", async () => {
    const worker = new Worker(
      "const { parentPort } = require('node:worker_threads'); parentPort.on('message', (ms) => { const end = Date.now() + ms; while (Date.now() < end) {} parentPort.postMessage('done'); });",
      { eval: true },
    );
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const before = threadCpuMs(process.pid) as Map<string, number>;
      worker.postMessage(400);
      await new Promise((resolve) => worker.once("message", resolve));
      const after = threadCpuMs(process.pid) as Map<string, number>;
      expect(threadShares(before, after)?.signature_workers).toBeGreaterThan(0.5);
    } finally {
      await worker.terminate();
    }
  });

  it("divides the CPU used between two readings by the transactions finalized meanwhile", () => {
    const before = new Map([
      ["1/1 main", 100],
      ["1/2 signature_workers", 50],
      ["1/3 libuv", 10],
    ]);
    const after = new Map([
      ["1/1 main", 300],
      ["1/2 signature_workers", 150],
      ["1/3 libuv", 10],
      // A thread that started between the readings counts from zero.
      ["1/4 v8", 40],
    ]);
    expect(threadMsPerTx(before, after, 200)).toEqual({
      total: 1.7,
      byKind: { main: 1, signature_workers: 0.5, v8: 0.2, libuv: 0, other: 0 },
    });
    expect(threadMsPerTx(before, after, 0)).toBeNull();
    expect(threadMsPerTx(before, before, 200)).toBeNull();
  });

  it("no CPU used between two readings gives no shares", () => {
    const same = new Map([["1/1 main", 10]]);
    expect(threadShares(same, same)).toBeNull();
  });
});
