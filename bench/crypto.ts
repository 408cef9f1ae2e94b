// Throughput of the signature paths a node uses, measured in one run with benchmark.js:
//   - verifyNoble: the UBN rule in pure JS (the reference verifier);
//   - noble's own ed25519.verify, for comparison only (cofactored, not our rule);
//   - verifyNative: the production verifier (libsodium, or OpenSSL where it cannot load), and
//     each native library on its own: verifyOpenssl (parsed keys cached as in production) and
//     verifySodium;
//   - BatchVerifier: whole batches over worker threads on all cores;
//   - noble signing and SHA-256, for scale.
// Signatures come from a pool made beforehand by `signers` distinct keys taking turns, so no
// measurement includes signing, and the key cache sees a realistic set of senders.

import { availableParallelism, cpus } from "node:os";
import { ed25519 } from "@noble/curves/ed25519.js";
import {
  BatchVerifier,
  keyPairFromSeed,
  nativeVerifier,
  type SignedItem,
  sha256,
  sign,
  verifyHere,
  verifyNative,
  verifyNoble,
  verifyOpenssl,
  verifySodium,
} from "../crypto/index.ts";
import { makeSignedPool, measure } from "./util.ts";

export interface CryptoBenchOptions {
  /** Seconds spent on each measurement (benchmark.js maxTime). */
  seconds: number;
  /** Distinct keys in the signature pool. */
  signers: number;
  /** Signatures verified by one batch-verifier operation. */
  batchSize: number;
  /** Batch-verifier worker threads. */
  workers: number;
  /** Called after each figure is measured, e.g. to show progress. */
  onMeasured?: (figure: string, value: number, rmePercent: number) => void;
}

export const defaultCryptoBenchOptions: CryptoBenchOptions = {
  seconds: 3,
  signers: 1024,
  batchSize: 8192,
  workers: availableParallelism(),
};

export interface CryptoBenchResult {
  /** verifyNoble: the UBN rule with noble point arithmetic. */
  noble_verify_per_s: number;
  /** noble's own ed25519.verify (cofactored, ZIP 215): not our rule, shown for reference. */
  noble_lib_verify_per_s: number;
  /** verifyNative on one thread: the library named by `native_verifier`. */
  native_verify_per_s: number;
  native_verifier: string;
  /** verifyOpenssl (node:crypto) on one thread, keys cached. */
  openssl_verify_per_s: number;
  /** verifySodium on one thread; null where libsodium's binding did not load. */
  sodium_verify_per_s: number | null;
  /**
   * verifyHere on one thread over batches of 64 (the size of a mempool's batch under load): one
   * combined equation per batch where the addon loaded, else verifyNative one by one.
   */
  here_batch64_verify_per_s: number;
  /** BatchVerifier.verify over `batch_workers` threads: batches per second times batch size. */
  batch_verify_per_s: number;
  /** noble ed25519.sign. */
  sign_per_s: number;
  /** SHA-256 (crypto/hash.ts) over 1 MiB inputs. */
  sha256_mb_per_s: number;
  batch_size: number;
  batch_workers: number;
  signers: number;
  cores: number;
  cpu: string;
  node: string;
  openssl: string;
  seconds_per_measurement: number;
  /** Relative margin of error of each figure, in percent. */
  rme_percent: Record<string, number>;
}

export async function runCryptoBench(opts: Partial<CryptoBenchOptions> = {}): Promise<CryptoBenchResult> {
  const o: CryptoBenchOptions = { ...defaultCryptoBenchOptions, ...opts };
  for (const key of ["seconds", "signers", "batchSize", "workers"] as const) {
    if (!(o[key] > 0) || !Number.isFinite(o[key]))
      throw new RangeError(`${key} must be a positive number, got ${o[key]}`);
  }
  const pool = makeSignedPool(Math.max(o.batchSize, o.signers), o.signers);
  const batch = pool.slice(0, o.batchSize);
  const rme: Record<string, number> = {};
  // `unitsPerOp` turns operations per second into the figure reported (signatures, megabytes).
  const run = async (name: string, operation: () => unknown, unitsPerOp = 1, defer = false): Promise<number> => {
    const m = await measure(name, operation, { seconds: o.seconds, defer });
    rme[name] = round(m.rme, 2);
    o.onMeasured?.(name, m.hz * unitsPerOp, m.rme);
    return m.hz * unitsPerOp;
  };

  // Each single-signature benchmark walks the pool, so consecutive calls use different keys.
  let i = 0;
  const next = (): SignedItem => pool[i++ % pool.length] as SignedItem;
  for (const it of pool) if (!verifyNative(it.publicKey, it.message, it.signature)) throw new Error("bad pool");

  const noble = await run("noble_verify", () => {
    const it = next();
    return verifyNoble(it.publicKey, it.message, it.signature);
  });
  const nobleLib = await run("noble_lib_verify", () => {
    const it = next();
    return ed25519.verify(it.signature, it.message, it.publicKey);
  });
  const native = await run("native_verify", () => {
    const it = next();
    return verifyNative(it.publicKey, it.message, it.signature);
  });
  const openssl = await run("openssl_verify", () => {
    const it = next();
    return verifyOpenssl(it.publicKey, it.message, it.signature);
  });
  const sodium =
    verifySodium === null
      ? null
      : await run("sodium_verify", () => {
          const it = next();
          return verifySodium?.(it.publicKey, it.message, it.signature);
        });

  let at = 0;
  const hereBatch = await run(
    "here_batch64_verify",
    () => {
      at = (at + 64) % (pool.length - 64);
      return verifyHere(pool.slice(at, at + 64));
    },
    64,
  );

  const verifier = new BatchVerifier({ workers: o.workers });
  let batchPerS: number;
  try {
    const check = await verifier.verify(batch);
    if (!check.every(Boolean)) throw new Error("the batch verifier rejected a valid signature");
    batchPerS = await run("batch_verify", () => verifier.verify(batch), o.batchSize, true);
  } finally {
    await verifier.close();
  }

  const signer = keyPairFromSeed(new Uint8Array(32).fill(1));
  const signHz = await run("sign", () => sign(next().message, signer.secretKey));
  const mebibyte = new Uint8Array(1 << 20).fill(0x5a);
  const shaMBPerS = await run("sha256_1mib", () => sha256(mebibyte), mebibyte.length / 1e6);

  return {
    noble_verify_per_s: Math.round(noble),
    noble_lib_verify_per_s: Math.round(nobleLib),
    native_verify_per_s: Math.round(native),
    native_verifier: nativeVerifier,
    openssl_verify_per_s: Math.round(openssl),
    sodium_verify_per_s: sodium === null ? null : Math.round(sodium),
    here_batch64_verify_per_s: Math.round(hereBatch),
    batch_verify_per_s: Math.round(batchPerS),
    sign_per_s: Math.round(signHz),
    sha256_mb_per_s: round(shaMBPerS, 1),
    batch_size: o.batchSize,
    batch_workers: o.workers,
    signers: o.signers,
    cores: availableParallelism(),
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    node: process.version,
    openssl: process.versions.openssl ?? "none",
    seconds_per_measurement: o.seconds,
    rme_percent: rme,
  };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** The result as an aligned table for people. */
export function formatCryptoBench(r: CryptoBenchResult): string {
  const rows: [string, string, string][] = [
    ["verifyNoble (UBN rule, JS)", `${r.noble_verify_per_s}/s`, "noble_verify"],
    ["noble ed25519.verify (not our rule)", `${r.noble_lib_verify_per_s}/s`, "noble_lib_verify"],
    [`verifyNative (${r.native_verifier}), 1 thread`, `${r.native_verify_per_s}/s`, "native_verify"],
    ["verifyOpenssl (node:crypto), 1 thread", `${r.openssl_verify_per_s}/s`, "openssl_verify"],
    ["verifySodium (libsodium), 1 thread", `${r.sodium_verify_per_s ?? "not loaded"}/s`, "sodium_verify"],
    ["verifyHere, batches of 64, 1 thread", `${r.here_batch64_verify_per_s}/s`, "here_batch64_verify"],
    [`BatchVerifier, ${r.batch_workers} workers`, `${r.batch_verify_per_s}/s`, "batch_verify"],
    ["noble ed25519.sign", `${r.sign_per_s}/s`, "sign"],
    ["SHA-256, 1 MiB inputs", `${r.sha256_mb_per_s} MB/s`, "sha256_1mib"],
  ];
  const lines = rows.map(
    ([label, value, key]) => `  ${label.padEnd(38)}${value.padStart(14)}  ±${(r.rme_percent[key] ?? 0).toFixed(1)}%`,
  );
  return [
    `Signature throughput (${r.signers} signers, batches of ${r.batch_size}, ${r.seconds_per_measurement} s per figure)`,
    ...lines,
    `  ${r.cores} cores, ${r.cpu}, Node ${r.node}, OpenSSL ${r.openssl}`,
  ].join("\n");
}
