// The text parsers of untrusted input get the same treatment as the byte decoders: random and
// mutated text may produce a value or that parser's own error class, nothing else.
import { describe, expect, it } from "vitest";
import { Prng } from "../../consensus/sim/prng.ts";
import { AddressError, addressOf, generateKeyPair, parseAddress } from "../../crypto/index.ts";
import { GenesisError, parseGenesis } from "../../genesis/index.ts";
import { text as genesisText, validJson } from "../genesis/fixture.ts";
import { mutate } from "./mutate.ts";

const SEED = Number(process.env.UBN_FUZZ_SEED ?? 20261122);
const decoder = new TextDecoder();
const encoder = new TextEncoder();

interface TextTarget {
  name: string;
  parse(text: string): unknown;
  errorClass: new (...args: never[]) => Error;
  samples: string[];
  cases: number;
}

const targets: TextTarget[] = [
  {
    name: "parseAddress",
    parse: parseAddress,
    errorClass: AddressError,
    samples: [addressOf(generateKeyPair().publicKey), addressOf(generateKeyPair().publicKey).toUpperCase()],
    cases: 100_000,
  },
  {
    // Fewer cases: a mutated genesis that still parses is fully validated (key checks included).
    name: "parseGenesis",
    parse: (t) => parseGenesis(t),
    errorClass: GenesisError,
    samples: [genesisText(validJson())],
    cases: Number(process.env.UBN_FUZZ_GENESIS_CASES ?? 10_000),
  },
];

describe.each(targets)("fuzz $name", (target) => {
  it(`survives random and mutated text (seed ${SEED})`, () => {
    const rng = new Prng(SEED);
    const samples = target.samples.map((s) => encoder.encode(s));
    let rejected = 0;
    for (let i = 0; i < target.cases; i++) {
      const bytes = i % 2 === 0 ? rng.bytes(rng.int(96)) : mutate(rng, rng.pick(samples), samples);
      const input = decoder.decode(bytes);
      try {
        target.parse(input);
      } catch (e) {
        if (!(e instanceof target.errorClass)) {
          throw new Error(
            `case ${i}: ${target.name} threw ${(e as Error)?.name}: ${(e as Error)?.message} on ${JSON.stringify(input)}; replay with UBN_FUZZ_SEED=${SEED}`,
          );
        }
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(0);
  });
});
