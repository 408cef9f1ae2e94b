// Throws random and mutated bytes at every decoder. The only acceptable outcomes are a value
// or an EncodingError: anything else (a RangeError from a huge allocation, a stack overflow,
// a TypeError deep in the decoder) would let one bad message take a node down.
import { describe, expect, it } from "vitest";
import { Prng } from "../../consensus/sim/prng.ts";
import { EncodingError } from "../../crypto/encoding/index.ts";
import { fuzzTargets } from "./decoders.ts";
import { mutate } from "./mutate.ts";

const CASES = Number(process.env.UBN_FUZZ_CASES ?? 100_000);
const SEED = Number(process.env.UBN_FUZZ_SEED ?? 20261122);

describe.each(fuzzTargets)("fuzz $name", (target) => {
  it(`survives ${CASES} random and mutated inputs (seed ${SEED})`, () => {
    const rng = new Prng(SEED);
    let accepted = 0;
    let rejected = 0;
    for (let i = 0; i < CASES; i++) {
      // Half purely random bytes, half edits of valid encodings (which get past the first byte).
      const input = i % 2 === 0 ? rng.bytes(rng.int(64)) : mutate(rng, rng.pick(target.samples), target.samples);
      try {
        target.decode(input);
        accepted++;
      } catch (e) {
        if (!(e instanceof EncodingError)) {
          throw new Error(
            `case ${i}: ${target.name} threw ${(e as Error)?.name}: ${(e as Error)?.message} on ${Buffer.from(input).toString("hex")}; replay with UBN_FUZZ_SEED=${SEED}`,
          );
        }
        rejected++;
      }
    }
    expect(accepted + rejected).toBe(CASES);
    // Both outcomes must occur, or the generator is not reaching the decoder's interesting paths.
    expect(accepted).toBeGreaterThan(0);
    expect(rejected).toBeGreaterThan(0);
  });

  it("accepts each of its own samples", () => {
    for (const s of target.samples) expect(() => target.decode(s)).not.toThrow();
  });
});
