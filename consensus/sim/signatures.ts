// Keys, signing and verification for simulated validators.
//
// Signing goes through node:crypto with the key parsed once into a KeyObject: Ed25519 signing is
// deterministic (RFC 8032), so these are the same signatures crypto/'s noble-based `sign` makes,
// about ten times faster. The keys of a run are derived from its seed, so each seed draws its own
// validator ids and with them its own leader schedule (the engine picks leaders from the ids).
//
// Verification goes through crypto/'s verifyNative behind a cache shared by all simulated nodes
// of one run. It stands in for the seen-cache a real node keeps (a signature it has checked once
// is not checked again), widened to the whole simulated network so that a vote checked by one
// node costs the others a lookup. The answer is a pure function of (public key, message,
// signature), so sharing it changes no outcome, only the simulator's speed.
//
// By default the cache also learns every signature the simulator itself makes, as valid for the
// signer's public key and the exact message signed: Ed25519 verification accepts every honestly
// made signature, so checking those again with OpenSSL could only ever say yes. An engine that
// verifies against any other key or bytes misses the cache and pays a real verification, so a
// mix-up in what is signed and what is checked still shows. `nativeVerifyAll` turns this off
// (every distinct signature through verifyNative once); tests check that both give the same runs.
//
// The counts: `requested` is what the engines asked to verify (one per node per signature, the
// figure a real node pays at most), `native` is how many went through verifyNative.
import { createPrivateKey, createPublicKey, sign as cryptoSign, type KeyObject } from "node:crypto";
import { equalBytes, toHex, verifyNative } from "../../crypto/index.ts";
import type { BatchVerify, Signer } from "../interface.ts";

// PKCS#8 header for a raw Ed25519 seed (RFC 8410).
const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

export interface SimKey {
  /** Lower-case hex of the public key: the validator id. */
  id: string;
  publicKey: Uint8Array;
  privateKey: KeyObject;
}

/** The key of validator `index` in the run of `seed`: a pure function of both. */
export function simKey(seed: number, index: number): SimKey {
  const secret = Buffer.alloc(32);
  secret.write("ubn-sim validator", 0);
  secret.writeUIntBE(seed, 18, 6);
  secret.writeUInt32BE(index, 28);
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, secret]), format: "der", type: "pkcs8" });
  const spki = createPublicKey(privateKey).export({ format: "der", type: "spki" });
  const publicKey = new Uint8Array(spki.subarray(spki.length - 32));
  return { id: toHex(publicKey), publicKey, privateKey };
}

export interface SignatureStats {
  signed: number;
  /** Signatures the engines asked to verify, each node counted separately. */
  requested: number;
  /** Signatures checked with verifyNative (cache misses). */
  native: number;
}

interface Verdict {
  publicKey: Uint8Array;
  message: Uint8Array;
  valid: boolean;
}

/** The signers and the BatchVerify of one run, sharing one verdict cache and its counters. */
export class SharedVerifier {
  readonly stats: SignatureStats = { signed: 0, requested: 0, native: 0 };
  private readonly learnOwnSignatures: boolean;
  // Keyed by the signature; entries hold the key and message they are the verdict for, so a
  // signature replayed on another message or under another key is checked afresh.
  private readonly seen = new Map<string, Verdict[]>();

  constructor(opts: { nativeVerifyAll?: boolean } = {}) {
    this.learnOwnSignatures = !opts.nativeVerifyAll;
  }

  signer(key: SimKey): Signer {
    return (message) => {
      this.stats.signed++;
      const signature = new Uint8Array(cryptoSign(null, message, key.privateKey));
      if (this.learnOwnSignatures) this.remember(signature, key.publicKey, message, true);
      return signature;
    };
  }

  readonly verify: BatchVerify = (items) => {
    this.stats.requested += items.length;
    return items.map((it) => this.check(it.publicKey, it.message, it.signature));
  };

  private check(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    const verdicts = this.seen.get(signatureKey(signature));
    if (verdicts) {
      for (const v of verdicts) {
        if (equalBytes(v.publicKey, publicKey) && equalBytes(v.message, message)) return v.valid;
      }
    }
    this.stats.native++;
    const valid = verifyNative(publicKey, message, signature);
    this.remember(signature, publicKey, message, valid);
    return valid;
  }

  private remember(signature: Uint8Array, publicKey: Uint8Array, message: Uint8Array, valid: boolean): void {
    const key = signatureKey(signature);
    const verdict = { publicKey: publicKey.slice(), message: message.slice(), valid };
    const verdicts = this.seen.get(key);
    if (verdicts) verdicts.push(verdict);
    else this.seen.set(key, [verdict]);
  }
}

function signatureKey(signature: Uint8Array): string {
  return Buffer.from(signature.buffer, signature.byteOffset, signature.byteLength).toString("latin1");
}
