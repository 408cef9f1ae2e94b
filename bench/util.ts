// Helpers shared by the benchmarks: one benchmark.js measurement as a promise, and a pool of
// pre-made signatures so that signing never counts against what a benchmark measures.

import { createPrivateKey, createPublicKey, sign as cryptoSign } from "node:crypto";
import Benchmark from "benchmark";
import type { SignedItem } from "../crypto/index.ts";

export interface Measurement {
  /** Operations per second. */
  hz: number;
  /** Relative margin of error of hz, in percent. */
  rme: number;
  samples: number;
}

export interface MeasureOptions {
  /** Seconds to keep measuring (benchmark.js maxTime); at least 5 samples are taken regardless. */
  seconds: number;
  /** For a deferred benchmark, `fn` returns a promise and one operation ends when it settles. */
  defer?: boolean;
}

/**
 * Runs one benchmark.js benchmark on the event loop (so deferred work can complete).
 *
 * No setup or teardown is passed on purpose: with either, benchmark.js pastes the source text of
 * the functions into generated code, where the closure variables they use do not exist.
 */
export function measure(name: string, operation: () => unknown, opts: MeasureOptions): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    let failure: Error | undefined;
    const common = {
      maxTime: opts.seconds,
      onComplete(event: Benchmark.Event) {
        const bench = event.target as unknown as Benchmark;
        if (failure) reject(failure);
        else if (bench.error) reject(new Error(`benchmark "${name}" failed: ${String(bench.error)}`));
        else if (!Number.isFinite(bench.hz) || bench.hz <= 0) reject(new Error(`benchmark "${name}" measured nothing`));
        else resolve({ hz: bench.hz, rme: bench.stats.rme, samples: bench.stats.sample.length });
      },
    };
    const bench = opts.defer
      ? new Benchmark(name, {
          ...common,
          defer: true,
          fn: (deferred: Benchmark.Deferred) => {
            (operation() as Promise<unknown>).then(
              () => deferred.resolve(),
              (e: unknown) => {
                failure = e instanceof Error ? e : new Error(String(e));
                bench.abort();
              },
            );
          },
        })
      : new Benchmark(name, {
          ...common,
          fn: () => {
            operation();
          },
        });
    bench.on("abort", () => {
      const cause = bench.error ? `failed: ${String(bench.error)}` : "was aborted";
      reject(failure ?? new Error(`benchmark "${name}" ${cause}`));
    });
    bench.run({ async: true });
  });
}

// PKCS#8 header for a raw Ed25519 seed (RFC 8410); signing through node:crypto makes a pool of
// thousands of signatures in a fraction of a second, where noble would take several seconds.
const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

/**
 * `count` signed messages of `messageBytes` bytes from `signers` distinct deterministic keys,
 * the signers taking turns (item i is signed by signer i mod signers).
 */
export function makeSignedPool(count: number, signers: number, messageBytes = 128): SignedItem[] {
  const keys = Array.from({ length: signers }, (_, s) => {
    const seed = Buffer.alloc(32);
    seed.writeUInt32LE(s, 0);
    seed.write("ubn-bench", 4);
    const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" });
    const spki = createPublicKey(privateKey).export({ format: "der", type: "spki" });
    return { privateKey, publicKey: new Uint8Array(spki.subarray(spki.length - 32)) };
  });
  const pool: SignedItem[] = [];
  for (let i = 0; i < count; i++) {
    const key = keys[i % signers] as (typeof keys)[number];
    const message = new Uint8Array(messageBytes);
    new DataView(message.buffer).setUint32(0, i);
    message.fill(i & 0xff, 4);
    pool.push({
      publicKey: key.publicKey,
      message,
      signature: new Uint8Array(cryptoSign(null, message, key.privateKey)),
    });
  }
  return pool;
}

/** The middle of `xs` once sorted (the upper of the two middles for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}
