// A seeded, unbiased permutation: the committee draw must be the same on every machine and
// must give every validator the same chance of every seat.
//
// Fisher-Yates from the last index down; index i swaps with a position drawn uniformly in
// [0, i]. Draws come from a SHA-256 stream (block j = sha256(seed || u64be(j)), read as
// big-endian 64-bit words) with rejection sampling: a word at or above the largest multiple of
// the bound below 2^64 is thrown away, so `word mod bound` has no modulo bias. No floating
// point and no platform-dependent arithmetic: bigint throughout.
import { concatBytes, sha256 } from "../../crypto/index.ts";
import { u64BigEndian } from "./randomness.ts";

const TWO_64 = 1n << 64n;

/** A stream of uniform 64-bit words derived from `seed`. */
class HashStream {
  private readonly seed: Uint8Array;
  private block: Uint8Array = new Uint8Array(0);
  private offset = 0;
  private counter = 0n;

  constructor(seed: Uint8Array) {
    this.seed = seed;
  }

  nextWord(): bigint {
    if (this.offset + 8 > this.block.length) {
      this.block = sha256(concatBytes(this.seed, u64BigEndian(this.counter)));
      this.counter += 1n;
      this.offset = 0;
    }
    const word = new DataView(this.block.buffer, this.block.byteOffset + this.offset, 8).getBigUint64(0);
    this.offset += 8;
    return word;
  }

  /** Uniform in [0, bound). */
  below(bound: bigint): bigint {
    const limit = TWO_64 - (TWO_64 % bound);
    for (;;) {
      const word = this.nextWord();
      if (word < limit) return word % bound;
    }
  }
}

/** A new array holding `items` in the order the seed picks; `items` is not touched. */
export function shuffle<T>(items: readonly T[], seed: Uint8Array): T[] {
  const out = [...items];
  const stream = new HashStream(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Number(stream.below(BigInt(i + 1)));
    const held = out[i] as T;
    out[i] = out[j] as T;
    out[j] = held;
  }
  return out;
}
