// Every verifier we ship must give the rule's answer (crypto/ed25519/rule.ts) for every input:
// a chain cannot have two answers for one signature. verifyNoble (noble point arithmetic) and
// the addon (C, one at a time and in batches) implement the rule, cofactored, and must agree
// exactly; verifyNative must give the same answer whichever library it sits on. OpenSSL and
// libsodium check the cofactorless equation, so they may refuse what the rule accepts (crafted
// signatures with torsion components) but must never accept what it refuses. Each case below
// states the verdict the rule demands. Forged inputs are checked against the bare cofactorless
// equation first, so a rejection is known to come from the rule, not from a broken forgery.

import { createPublicKey, verify as cryptoVerify } from "node:crypto";
import { ed25519 } from "@noble/curves/ed25519.js";
import { sha512 } from "@noble/hashes/sha2.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { concatBytes, equalBytes, toHex, utf8 } from "../../crypto/bytes.ts";
import {
  keyPairFromSeed,
  GROUP_ORDER as L,
  nativeBatches,
  nativeVerifier,
  sign,
  verifyAddon,
  verifyHere,
  verifyNative,
  verifyNoble,
  verifyOpenssl,
  verifySodium,
} from "../../crypto/ed25519/index.ts";
import { hasCanonicalY, isSmallOrderEncoding, scalarFromBytesLE } from "../../crypto/ed25519/rule.ts";

const { Point } = ed25519;
type EdPoint = ReturnType<typeof Point.fromBytes>;
const FIELD_PRIME = Point.Fp.ORDER;

/** What OpenSSL and libsodium say (the cofactorless equation), failing the test if they differ. */
function cofactorless(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const openssl = verifyOpenssl(publicKey, message, signature);
  const sodium = verifySodium?.(publicKey, message, signature);
  expect(sodium, `verifySodium disagrees with verifyOpenssl (${openssl}) on A=${toHex(publicKey)}`).toBe(openssl);
  return openssl;
}

/**
 * The rule's verdict, failing the test if the addon (alone and inside a batch of honest
 * signatures) or verifyNative differs from verifyNoble, or if the cofactorless verifiers accept
 * what the rule refuses.
 */
function verdict(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const rule = verifyNoble(publicKey, message, signature);
  const where = `A=${toHex(publicKey)}, sig=${toHex(signature)}`;
  expect(
    verifyAddon?.(publicKey, message, signature),
    `the addon disagrees with verifyNoble (${rule}) on ${where}`,
  ).toBe(verifyAddon === null ? undefined : rule);
  expect(verifyNative(publicKey, message, signature), `verifyNative on ${where}`).toBe(rule);
  const batch = verifyHere([honestItem, { publicKey, message, signature }, honestItem]);
  expect(batch, `a batch around ${where}`).toEqual([true, rule, true]);
  if (cofactorless(publicKey, message, signature))
    expect(rule, `OpenSSL accepts what the rule refuses: ${where}`).toBe(true);
  return rule;
}

function le32(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++, n >>= 8n) out[i] = Number(n & 0xffn);
  return out;
}

function withSignBit(bytes: Uint8Array): Uint8Array {
  const out = Uint8Array.from(bytes);
  out[31] = (out[31] as number) | 0x80;
  return out;
}

/** k = SHA-512(R || A || M) mod L, over the raw bytes as the verifiers hash them. */
function challenge(R: Uint8Array, A: Uint8Array, message: Uint8Array): bigint {
  return scalarFromBytesLE(sha512(concatBytes(R, A, message))) % L;
}

function signature(R: Uint8Array, S: bigint): Uint8Array {
  return concatBytes(R, le32(S));
}

/** The bare equation [S]B - [k]A == R (bytes), with no checks on S, A or R beyond decoding A. */
function cofactorlessHolds(publicKey: Uint8Array, message: Uint8Array, sig: Uint8Array): boolean {
  const A = Point.fromBytes(publicKey, true);
  const R = sig.subarray(0, 32);
  const S = scalarFromBytesLE(sig.subarray(32, 64)) % L;
  const k = challenge(R, publicKey, message);
  const sB = S === 0n ? Point.ZERO : Point.BASE.multiplyUnsafe(S);
  const kA = k === 0n ? Point.ZERO : A.multiplyUnsafe(k);
  return equalBytes(sB.subtract(kA).toBytes(), R);
}

/**
 * Signs like RFC 8032 but from raw parts: secret scalar `a` for the key point `A` (which may
 * carry torsion), nonce `r`, and a torsion point added to R. S = r + k*a mod L.
 */
function signRaw(a: bigint, A: Uint8Array, message: Uint8Array, r: bigint, rTorsion: EdPoint = Point.ZERO) {
  const R = Point.BASE.multiply(r).add(rTorsion).toBytes();
  const k = challenge(R, A, message);
  return { sig: signature(R, (r + k * a) % L), k };
}

/** A point of order 8, found deterministically: [L]P keeps only the torsion part of P. */
function findOrder8Point(): EdPoint {
  for (let y = 2n; ; y++) {
    let P: EdPoint;
    try {
      P = Point.fromBytes(le32(y));
    } catch {
      continue; // not the y of a curve point
    }
    // multiplyUnsafe refuses the scalar L itself, so [L]P = [L - 1]P + P.
    const T = P.multiplyUnsafe(L - 1n).add(P);
    if (!T.double().double().is0()) return T;
  }
}

const T8 = findOrder8Point();
/** SMALL[i] = [i]T8: all eight points of small order. */
const SMALL: EdPoint[] = Array.from({ length: 8 }, (_, i) => (i === 0 ? Point.ZERO : T8.multiplyUnsafe(BigInt(i))));

// An honest key with a known scalar, and the same key plus a point of order 8 (mixed order).
const a = 0x1234_5678_9abc_def0_1234_5678_9abc_def0n;
const honestA = Point.BASE.multiply(a);
const honestBytes = honestA.toBytes();
const mixedBytes = honestA.add(T8).toBytes();

const seeded = keyPairFromSeed(new Uint8Array(32).fill(7));
const msg = utf8("agreement");
const validSig = sign(msg, seeded.secretKey);
const honestItem = { publicKey: seeded.publicKey, message: msg, signature: validSig };

/** A message (from a counter) for which `test(k)` holds; the loop ends because k is uniform. */
function findMessage(test: (message: Uint8Array) => boolean): Uint8Array {
  for (let i = 0; ; i++) {
    const m = utf8(`search ${i}`);
    if (test(m)) return m;
  }
}

describe("small-order points", () => {
  it("the eight are distinct, of small order, and exactly what isSmallOrderEncoding recognises", () => {
    const encodings = new Set(SMALL.map((p) => toHex(p.toBytes())));
    expect(encodings.size).toBe(8);
    for (const p of SMALL) {
      expect(p.isSmallOrder()).toBe(true);
      expect(isSmallOrderEncoding(p.toBytes()), toHex(p.toBytes())).toBe(true);
    }
    // Orders 1, 8, 4, 8, 2, 8, 4, 8 for [0]T .. [7]T.
    expect(SMALL[4]?.toBytes()).toEqual(le32(FIELD_PRIME - 1n));
    expect(isSmallOrderEncoding(honestBytes)).toBe(false);
    expect(isSmallOrderEncoding(mixedBytes)).toBe(false);
    expect(isSmallOrderEncoding(seeded.publicKey)).toBe(false);
    // A y outside the eight's: one more than each, and a y from an order-8 point with a byte changed.
    for (const p of SMALL) {
      const near = p.toBytes();
      near[5] = (near[5] as number) ^ 0x10;
      expect(isSmallOrderEncoding(near)).toBe(false);
    }
  });

  it("hasCanonicalY draws the line at p, whatever the sign bit", () => {
    for (const [y, canonical] of [
      [0n, true],
      [FIELD_PRIME - 1n, true],
      [FIELD_PRIME, false],
      [FIELD_PRIME + 1n, false],
      [2n ** 255n - 1n, false],
      [2n ** 254n, true],
    ] as const) {
      expect(hasCanonicalY(le32(y)), `y = ${y}`).toBe(canonical);
      expect(hasCanonicalY(withSignBit(le32(y))), `y = ${y} with sign bit`).toBe(canonical);
    }
  });
});

describe("the native verifiers", () => {
  it("the addon and libsodium's binding load here, and verifyNative is the addon", () => {
    // Without this, a build that lost the addon or a missing prebuild would leave the
    // agreement below comparing fewer verifiers than it says.
    expect(verifyAddon).not.toBeNull();
    expect(verifySodium).not.toBeNull();
    // UBN_ED25519=libsodium or =openssl is the operator's switch away from the addon.
    const env = process.env.UBN_ED25519;
    const chosen = env === "openssl" || env === "libsodium" ? env : "ubn-addon";
    expect(nativeVerifier).toBe(chosen);
    expect(nativeBatches).toBe(chosen === "ubn-addon");
    if (chosen === "ubn-addon") expect(verifyNative).toBe(verifyAddon);
  });
});

describe("every verifier gives the rule's verdict", () => {
  it("accept a valid signature, with empty, short and large messages", () => {
    expect(verdict(seeded.publicKey, msg, validSig)).toBe(true);
    for (const message of [new Uint8Array(0), utf8("x"), new Uint8Array(1 << 20).fill(0xab)]) {
      const sig = sign(message, seeded.secretKey);
      expect(verdict(seeded.publicKey, message, sig), `message of ${message.length} bytes`).toBe(true);
      const altered = Uint8Array.from(message.length === 0 ? [0] : message);
      if (message.length > 0) altered[altered.length - 1] = (altered[altered.length - 1] as number) ^ 1;
      expect(verdict(seeded.publicKey, altered, sig), `altered message of ${message.length} bytes`).toBe(false);
    }
  });

  it("reject S >= L: S + L, S = L, and S with its top bits set", () => {
    const S = scalarFromBytesLE(validSig.subarray(32));
    const R = validSig.subarray(0, 32);
    // S + L passes the bare equation (it is S mod L): only the S < L check refuses it.
    const sPlusL = signature(R, S + L);
    expect(cofactorlessHolds(seeded.publicKey, msg, sPlusL)).toBe(true);
    expect(verdict(seeded.publicKey, msg, sPlusL)).toBe(false);
    expect(verdict(seeded.publicKey, msg, signature(R, L))).toBe(false);
    for (const top of [0x20, 0x40, 0x80, 0xe0]) {
      const sig = Uint8Array.from(validSig);
      sig[63] = (sig[63] as number) | top;
      expect(verdict(seeded.publicKey, msg, sig), `S | ${top.toString(16)} << 248`).toBe(false);
    }
    // For contrast: S = L - 1 is canonical, and simply wrong here.
    expect(verdict(seeded.publicKey, msg, signature(R, L - 1n))).toBe(false);
  });

  it("reject every small-order public key, with signatures that pass the bare equation", () => {
    for (const [i, T] of SMALL.entries()) {
      const A = T.toBytes();
      // R = [S]B and a message whose k kills T: [S]B - [k]T = R.
      const S = 1000n + BigInt(i);
      const R = Point.BASE.multiply(S).toBytes();
      const m = findMessage((m) => T.multiplyUnsafe(challenge(R, A, m)).is0());
      const sig = signature(R, S);
      expect(cofactorlessHolds(A, m, sig), `[${i}]T forgery`).toBe(true);
      expect(verdict(A, m, sig), `A = [${i}]T = ${toHex(A)}`).toBe(false);
      // The "negative zero" and other sign-bit twins of the same y are refused as well.
      expect(verdict(withSignBit(A), m, sig), `A = [${i}]T with sign bit`).toBe(false);
    }
  });

  it("reject non-canonical public keys: y + p for every small y on the curve, both signs", () => {
    let onCurve = 0;
    for (let y = 0n; y + FIELD_PRIME < 2n ** 255n; y++) {
      let point: EdPoint;
      try {
        point = Point.fromBytes(le32(y));
      } catch {
        continue;
      }
      onCurve++;
      for (const A of [le32(y + FIELD_PRIME), withSignBit(le32(y + FIELD_PRIME))]) {
        expect(hasCanonicalY(A)).toBe(false);
        // A signature that the bare equation accepts where one can be made (small order: y = 0, 1),
        // an honest signature by another key otherwise.
        let m = msg;
        let sig = validSig;
        if (point.isSmallOrder()) {
          const R = Point.BASE.multiply(77n).toBytes();
          m = findMessage((m) => point.multiplyUnsafe(challenge(R, A, m)).is0());
          sig = signature(R, 77n);
          expect(cofactorlessHolds(A, m, sig), `y = p + ${y} forgery`).toBe(true);
        }
        expect(verdict(A, m, sig), `A = ${toHex(A)}`).toBe(false);
      }
    }
    expect(onCurve).toBeGreaterThanOrEqual(2); // y = 0 and y = 1 at least
  });

  it("reject small-order R, even when the bare equation holds", () => {
    // Honest key: R = identity with S = k * a gives [S]B - [k]A = identity = R.
    const identity = Point.ZERO.toBytes();
    const m1 = utf8("small R");
    const k = challenge(identity, honestBytes, m1);
    const sig1 = signature(identity, (k * a) % L);
    expect(cofactorlessHolds(honestBytes, m1, sig1)).toBe(true);
    expect(verdict(honestBytes, m1, sig1)).toBe(false);
    // Mixed-order key A = aB + T8: with S = k * a, [S]B - [k]A = [-k]T8, any of the eight.
    for (const [i, T] of SMALL.entries()) {
      const R = T.toBytes();
      const m = findMessage((m) => (-challenge(R, mixedBytes, m) & 7n) === BigInt(i));
      const sig = signature(R, (challenge(R, mixedBytes, m) * a) % L);
      expect(cofactorlessHolds(mixedBytes, m, sig), `R = [${i}]T8`).toBe(true);
      expect(verdict(mixedBytes, m, sig), `R = [${i}]T8`).toBe(false);
    }
  });

  it("reject non-canonical R: y + p and 'negative zero' encodings of the identity", () => {
    const nonCanonicalIdentities = [le32(FIELD_PRIME + 1n), withSignBit(le32(1n))];
    for (const R of nonCanonicalIdentities) {
      const m = utf8("non-canonical R");
      const sig = signature(R, (challenge(R, honestBytes, m) * a) % L);
      expect(verdict(honestBytes, m, sig), `R = ${toHex(R)}`).toBe(false);
      // Noble's own verify (cofactored, ZIP 215 decoding by default) accepts these.
      expect(ed25519.verify(sig, m, honestBytes)).toBe(true);
    }
  });

  it("on a mixed-order key signed honestly, accept; OpenSSL only when [k]T8 vanishes", () => {
    let cofactorlessAccepted = 0;
    for (let i = 0; i < 48; i++) {
      const m = utf8(`mixed ${i}`);
      const { sig, k } = signRaw(a, mixedBytes, m, 5000n + BigInt(i));
      // [S]B - [k]A - R = [-k]T8, which [8] kills whatever k is; it is zero only when 8 divides k.
      expect(verdict(mixedBytes, m, sig), `k mod 8 = ${k % 8n}`).toBe(true);
      const expected = k % 8n === 0n;
      expect(cofactorless(mixedBytes, m, sig), `cofactorless, k mod 8 = ${k % 8n}`).toBe(expected);
      if (expected) cofactorlessAccepted++;
    }
    expect(cofactorlessAccepted).toBeGreaterThan(0);
    expect(cofactorlessAccepted).toBeLessThan(48);
  });

  it("R with a torsion component: accepted; OpenSSL only where the torsion cancels", () => {
    for (let i = 1; i < 8; i++) {
      const m = utf8(`torsion R ${i}`);
      const { sig } = signRaw(a, honestBytes, m, 9000n + BigInt(i), SMALL[i]);
      expect(verdict(honestBytes, m, sig), `R = rB + [${i}]T8, prime-order A`).toBe(true);
      expect(cofactorless(honestBytes, m, sig), `cofactorless, R = rB + [${i}]T8`).toBe(false);
    }
    // On A = aB + T8: [S]B - [k]A = rB - [k]T8, equal to R = rB + [j]T8 when -k = j (mod 8).
    let cofactorlessAccepted = 0;
    for (let i = 0; i < 48; i++) {
      const j = (i % 7) + 1;
      const m = utf8(`torsion R mixed ${i}`);
      const { sig, k } = signRaw(a, mixedBytes, m, 7000n + BigInt(i), SMALL[j]);
      expect(verdict(mixedBytes, m, sig), `R = rB + [${j}]T8 on a mixed key`).toBe(true);
      const expected = (-k & 7n) === BigInt(j);
      expect(cofactorless(mixedBytes, m, sig), `cofactorless, -k mod 8 = ${-k & 7n}`).toBe(expected);
      if (expected) cofactorlessAccepted++;
    }
    expect(cofactorlessAccepted).toBeGreaterThan(0);
  });

  it("reject wrong-length keys and signatures without throwing", () => {
    for (const length of [0, 1, 31, 33, 64]) {
      const key = new Uint8Array(length);
      key.set(seeded.publicKey.subarray(0, Math.min(length, 32)));
      expect(verdict(key, msg, validSig), `key of ${length} bytes`).toBe(false);
    }
    for (const length of [0, 32, 63, 65, 128]) {
      const sig = new Uint8Array(length);
      sig.set(validSig.subarray(0, Math.min(length, 64)));
      expect(verdict(seeded.publicKey, msg, sig), `signature of ${length} bytes`).toBe(false);
    }
  });

  it("reject keys that are not curve points and an all-zero signature", () => {
    const notOnCurve = le32(2n); // y = 2 gives no square root for x
    expect(() => Point.fromBytes(notOnCurve)).toThrow();
    expect(verdict(notOnCurve, msg, validSig)).toBe(false);
    expect(verdict(seeded.publicKey, msg, new Uint8Array(64))).toBe(false);
    expect(verdict(new Uint8Array(32).fill(0xff), msg, validSig)).toBe(false);
  });

  it("give identical results on random keys, messages and one-byte changes to signatures", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 200 }),
        fc.nat({ max: 63 }),
        fc.integer({ min: 1, max: 255 }),
        (seed, message, index, xor) => {
          const { secretKey, publicKey } = keyPairFromSeed(seed);
          const sig = sign(message, secretKey);
          if (!verdict(publicKey, message, sig)) return false;
          const mutated = Uint8Array.from(sig);
          mutated[index] = (mutated[index] as number) ^ xor;
          // verdict() asserts the agreement; a one-byte change can never leave a valid signature.
          return verdict(publicKey, message, mutated) === false;
        },
      ),
      { numRuns: 300, seed: 0x5eed },
    );
  });
});

describe("batches give each signature its own verdict", () => {
  /** Valid, invalid and crafted signatures, in an order fixed by the seed. */
  function mixedItems(count: number, seed: number) {
    const keys = Array.from({ length: 8 }, (_, i) => keyPairFromSeed(new Uint8Array(32).fill(seed + i)));
    return Array.from({ length: count }, (_, i) => {
      const message = utf8(`batch ${seed} ${i}`);
      const { publicKey, secretKey } = keys[i % keys.length] as (typeof keys)[number];
      const sig = sign(message, secretKey);
      switch ((i * 7 + seed) % 11) {
        case 3: // a wrong byte
          sig[(i * 13) % 64] = (sig[(i * 13) % 64] as number) ^ 0x40;
          return { publicKey, message, signature: sig };
        case 5: // valid under the rule, refused by the cofactorless equation when k mod 8 != 0
          return { publicKey: mixedBytes, message, signature: signRaw(a, mixedBytes, message, 300n + BigInt(i)).sig };
        case 7: // S + L
          return {
            publicKey,
            message,
            signature: signature(sig.subarray(0, 32), scalarFromBytesLE(sig.subarray(32)) + L),
          };
        case 9: // R with a torsion component: valid under the rule
          return {
            publicKey: honestBytes,
            message,
            signature: signRaw(a, honestBytes, message, 900n + BigInt(i), T8).sig,
          };
        default:
          return { publicKey, message, signature: sig };
      }
    });
  }

  it("in batches of 1 to 600 (past the addon's groups of 256), with invalid ones anywhere", () => {
    for (const [count, seed] of [
      [1, 1],
      [2, 2],
      [7, 3],
      [64, 4],
      [257, 5],
      [600, 6],
    ] as const) {
      const items = mixedItems(count, seed);
      const expected = items.map((it) => verifyNoble(it.publicKey, it.message, it.signature));
      expect(verifyHere(items), `${count} signatures`).toEqual(expected);
      expect(expected.filter(Boolean).length, "some valid").toBeGreaterThan(0);
      if (count > 8) expect(expected.filter((v) => !v).length, "some invalid").toBeGreaterThan(0);
    }
  });

  it("all valid or all invalid", () => {
    const valid = mixedItems(200, 7).filter((it) => verifyNoble(it.publicKey, it.message, it.signature));
    expect(verifyHere(valid).every(Boolean)).toBe(true);
    const invalid = valid.map((it) => ({ ...it, message: concatBytes(it.message, utf8("!")) }));
    expect(verifyHere(invalid).some(Boolean)).toBe(false);
  });
});

describe("why verifyNoble exists: noble's own ed25519.verify answers differently", () => {
  it("accepts a small-order R that the UBN rule rejects", () => {
    // The identity as R with S = k * a: the equation holds, cofactored or not.
    const identity = Point.ZERO.toBytes();
    const m = utf8("small R");
    const sig = signature(identity, (challenge(identity, honestBytes, m) * a) % L);
    expect(ed25519.verify(sig, m, honestBytes)).toBe(true);
    expect(ed25519.verify(sig, m, honestBytes, { zip215: false })).toBe(true);
    expect(verdict(honestBytes, m, sig)).toBe(false);
  });

  it("node:crypto itself refuses small-order R (the reason the rule does)", () => {
    // The identity-R signature from above, verified by node:crypto with none of our checks.
    const identity = Point.ZERO.toBytes();
    const m = utf8("small R");
    const sig = signature(identity, (challenge(identity, honestBytes, m) * a) % L);
    const spki = concatBytes(Uint8Array.from(Buffer.from("302a300506032b6570032100", "hex")), honestBytes);
    const key = createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
    expect(cofactorlessHolds(honestBytes, m, sig)).toBe(true);
    expect(cryptoVerify(null, m, key, sig)).toBe(false);
  });
});
