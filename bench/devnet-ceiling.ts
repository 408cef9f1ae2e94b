// The devnet benchmark's ceiling: what signature checking alone allows on this machine. Every
// validator must verify every transaction once, so with C cores and V validators the network
// cannot finalize more than C x (single-core native verifies per second) / V transactions per
// second. Measured in the same run, before the network starts, with the verifier the validators
// use (verifyNative: libsodium, or OpenSSL where it cannot load), so that a faster verifier
// raises the ceiling with the throughput it buys rather than inflating the efficiency.
import { availableParallelism } from "node:os";
import { type NativeVerifierName, nativeVerifier, verifyNative } from "../crypto/index.ts";
import { makeSignedPool, measure } from "./util.ts";

export interface Ceiling {
  cores: number;
  /** Single-thread `verifyNative` per second: 4,096 signatures from 64 signers, keys cached. */
  nativePerS: number;
  /** The library behind verifyNative in this process (and in the validators it starts). */
  verifier: NativeVerifierName;
  tps: number;
}

export async function measureCeiling(validators: number): Promise<Ceiling> {
  const pool = makeSignedPool(4096, 64);
  let i = 0;
  const m = await measure(
    "native verify",
    () => {
      const it = pool[i++ % pool.length] as (typeof pool)[number];
      verifyNative(it.publicKey, it.message, it.signature);
    },
    { seconds: 3 },
  );
  const cores = availableParallelism();
  return { cores, nativePerS: m.hz, verifier: nativeVerifier, tps: (cores * m.hz) / validators };
}
