import { describe, expect, it } from "vitest";
import { shuffle } from "../../../consensus/beacon/shuffle.ts";
import { sha256, utf8 } from "../../../crypto/index.ts";

const seedOf = (n: number) => sha256(utf8(`seed ${n}`));
const ten = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

describe("seeded shuffle", () => {
  it("matches the pinned vector (a change of algorithm must be deliberate)", () => {
    expect(shuffle(ten, sha256(utf8("UBN shuffle vector")))).toEqual([0, 2, 8, 9, 7, 1, 4, 3, 5, 6]);
  });

  it("is a permutation, deterministic per seed, and leaves its input alone", () => {
    const input = Object.freeze([...ten]);
    for (let s = 0; s < 50; s++) {
      const out = shuffle(input, seedOf(s));
      expect([...out].sort((a, b) => a - b)).toEqual(ten);
      expect(shuffle(input, seedOf(s))).toEqual(out);
    }
    expect(shuffle(input, seedOf(1))).not.toEqual(shuffle(input, seedOf(2)));
    expect(shuffle([], seedOf(0))).toEqual([]);
    expect(shuffle(["only"], seedOf(0))).toEqual(["only"]);
  });

  it("puts every item in every position about equally often", () => {
    // 5 items over 5000 fixed seeds: 1000 expected per (item, position). A chi-square over the
    // 25 cells has 16 degrees of freedom; 60 is far in the tail (p < 1e-6) for a fair shuffle,
    // yet a bias of a few percent in any cell pushes it past that. Fixed seeds: never flaky.
    const n = 5;
    const runs = 5000;
    const counts = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    for (let s = 0; s < runs; s++) {
      shuffle([0, 1, 2, 3, 4], seedOf(s)).forEach((item, pos) => {
        (counts[item] as number[])[pos] = ((counts[item] as number[])[pos] as number) + 1;
      });
    }
    const expected = runs / n;
    let chi = 0;
    for (const row of counts) for (const c of row) chi += (c - expected) ** 2 / expected;
    expect(chi).toBeLessThan(60);
    // And a shuffle that never moves anything would fail this.
    expect(counts[0]?.[0]).toBeLessThan(expected * 1.2);
  });
});
