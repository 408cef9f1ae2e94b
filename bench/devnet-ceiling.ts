// The devnet benchmark's ceiling: what signature checking alone allows on this machine. Every
// validator must verify every transaction once, so with C cores and V validators the network
// cannot finalize more than C x (single-core verifies per second) / V transactions per second.
// Measured in the same run, before the network starts, twice:
//
// - The yardstick (`ceiling_tps`, `efficiency`): issue 5 defines the ceiling with "single-core
//   native ed25519 verifies per second", and the project's stack names Node's native
//   `node:crypto` ed25519 (OpenSSL) as that verifier. A fixed yardstick, so that a faster node,
//   by any means, shows as a higher efficiency.
// - The validators' own verifier (`verifier_ceiling_tps`, `verifier_efficiency`): verifyNative,
//   libsodium where its binding loads (twice OpenSSL's rate here), else OpenSSL. This is the
//   bound the network really has, and the search places its steps under it; against it the
//   efficiency says how close the node comes to doing nothing but its checks.
import { availableParallelism } from "node:os";
import { type NativeVerifierName, nativeVerifier, verifyNative, verifyOpenssl } from "../crypto/index.ts";
import { makeSignedPool, measure } from "./util.ts";

export interface Ceiling {
  cores: number;
  /** Single-thread node:crypto (OpenSSL) verifies per second: 4,096 signatures from 64 signers, keys cached. */
  yardstickPerS: number;
  /** cores x yardstickPerS / validators. */
  yardstickTps: number;
  /** The library behind verifyNative in this process (and in the validators it starts). */
  verifier: NativeVerifierName;
  /** Single-thread verifyNative per second, measured the same way. */
  verifierPerS: number;
  /** cores x verifierPerS / validators: the most the network can finalize. */
  verifierTps: number;
}

export async function measureCeiling(validators: number): Promise<Ceiling> {
  const pool = makeSignedPool(4096, 64);
  const cores = availableParallelism();
  const yardstickPerS = await verifiesPerSecond("node:crypto verify", pool, verifyOpenssl);
  // With OpenSSL as the validators' verifier the two are one function: measured once.
  const verifierPerS =
    nativeVerifier === "openssl" ? yardstickPerS : await verifiesPerSecond("native verify", pool, verifyNative);
  return {
    cores,
    yardstickPerS,
    yardstickTps: (cores * yardstickPerS) / validators,
    verifier: nativeVerifier,
    verifierPerS,
    verifierTps: (cores * verifierPerS) / validators,
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
