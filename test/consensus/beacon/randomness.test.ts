import { describe, expect, it } from "vitest";
import {
  checkReveal,
  committeeSeed,
  genesisMix,
  mixReveal,
  revealMessage,
} from "../../../consensus/beacon/randomness.ts";
import { ConsensusErrorCode } from "../../../consensus/errors.ts";
import { equalBytes, sha256, sign, utf8 } from "../../../crypto/index.ts";
import { keyFor } from "../engine/helpers.ts";

const CHAIN = "ubn-beacon-test";
const key = keyFor(1);

describe("beacon randomness", () => {
  it("accepts the proposer's signature over the epoch and nothing else", () => {
    const reveal = sign(revealMessage(CHAIN, 3n), key.secretKey);
    expect(checkReveal(key.publicKey, CHAIN, 3n, reveal)).toBe(true);
    expect(checkReveal(key.publicKey, CHAIN, 4n, reveal)).toBe(false);
    expect(checkReveal(key.publicKey, "other-chain", 3n, reveal)).toBe(false);
    expect(checkReveal(keyFor(2).publicKey, CHAIN, 3n, reveal)).toBe(false);
    const flipped = reveal.slice();
    flipped[5] = (flipped[5] as number) ^ 1;
    expect(checkReveal(key.publicKey, CHAIN, 3n, flipped)).toBe(false);
    expect(checkReveal(key.publicKey, CHAIN, 3n, reveal.slice(0, 63))).toBe(false);
    expect(checkReveal(key.publicKey.slice(1), CHAIN, 3n, reveal)).toBe(false);
  });

  it("gives one reveal per epoch: signing twice yields the same bytes", () => {
    const a = sign(revealMessage(CHAIN, 9n), key.secretKey);
    const b = sign(revealMessage(CHAIN, 9n), key.secretKey);
    expect(equalBytes(a, b)).toBe(true);
  });

  it("folds reveals in order into a mix bound to the genesis", () => {
    const g1 = genesisMix(sha256(utf8("genesis 1")));
    const g2 = genesisMix(sha256(utf8("genesis 2")));
    expect(equalBytes(g1, g2)).toBe(false);
    const r1 = sign(revealMessage(CHAIN, 0n), key.secretKey);
    const r2 = sign(revealMessage(CHAIN, 0n), keyFor(2).secretKey);
    const ab = mixReveal(mixReveal(g1, r1), r2);
    const ba = mixReveal(mixReveal(g1, r2), r1);
    expect(ab.length).toBe(32);
    expect(equalBytes(ab, ba)).toBe(false);
    expect(equalBytes(ab, mixReveal(mixReveal(g1, r1), r2))).toBe(true);
  });

  it("derives a different seed per epoch and refuses malformed inputs with a typed error", () => {
    const mix = genesisMix(sha256(utf8("g")));
    expect(equalBytes(committeeSeed(mix, 1n), committeeSeed(mix, 2n))).toBe(false);
    expect(() => mixReveal(mix.slice(1), new Uint8Array(64))).toThrow(
      expect.objectContaining({ code: ConsensusErrorCode.invalidBlock }),
    );
    expect(() => mixReveal(mix, new Uint8Array(63))).toThrow(/reveal is 64 bytes/);
    expect(() => committeeSeed(new Uint8Array(31), 1n)).toThrow(/mix is 32 bytes/);
  });
});
