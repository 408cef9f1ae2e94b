// The devnet benchmark's ceiling: what signature checking alone allows on this machine. Every
// validator must verify every transaction once, so with C cores and V validators the network
// cannot finalize more than C x (single-core native verifies per second) / V transactions per
// second. Measured in the same run, before the network starts, with the verifier the validators
// use (verifyNative: libsodium, or OpenSSL where it cannot load), so that a faster verifier
// raises the ceiling with the throughput it buys rather than inflating the efficiency.
//
// The same ceiling with node:crypto's OpenSSL verifier (the "native" verifier of the project's
// stack until libsodium replaced it on the hot path) is measured beside it and reported apart,
// so that a reader can read the run against either yardstick; `ceiling_tps` and `efficiency`
// stay those of the verifier the validators use.
import { availableParallelism } from "node:os";
import { type NativeVerifierName, nativeVerifier, verifyNative, verifyOpenssl } from "../crypto/index.ts";
import { makeSignedPool, measure } from "./util.ts";

export interface Ceiling {
  cores: number;
  /** Single-thread `verifyNative` per second: 4,096 signatures from 64 signers, keys cached. */
  nativePerS: number;
  /** The library behind verifyNative in this process (and in the validators it starts). */
  verifier: NativeVerifierName;
  tps: number;
  /** Single-thread verifyOpenssl per second, measured the same way. */
  opensslPerS: number;
  /** The ceiling with that rate. */
  opensslTps: number;
}

export async function measureCeiling(validators: number): Promise<Ceiling> {
  const pool = makeSignedPool(4096, 64);
  const cores = availableParallelism();
  const nativePerS = await verifiesPerSecond("native verify", pool, verifyNative);
  // With OpenSSL as the native verifier the two are one function: measured once.
  const opensslPerS =
    nativeVerifier === "openssl" ? nativePerS : await verifiesPerSecond("openssl verify", pool, verifyOpenssl);
  return {
    cores,
    nativePerS,
    verifier: nativeVerifier,
    tps: (cores * nativePerS) / validators,
    opensslPerS,
    opensslTps: (cores * opensslPerS) / validators,
  };
}

async function verifiesPerSecond(
  name: string,
  pool: ReturnType<typeof makeSignedPool>,
  verify: (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => boolean,
): Promise<number> {
  let i = 0;
  const m = await measure(
    name,
    () => {
      const it = pool[i++ % pool.length] as (typeof pool)[number];
      verify(it.publicKey, it.message, it.signature);
    },
    { seconds: 3 },
  );
  return m.hz;
}
