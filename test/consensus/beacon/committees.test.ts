import { describe, expect, it } from "vitest";
import { assignCommittees, committeeSet, shardsOf } from "../../../consensus/beacon/committees.ts";
import { ConsensusErrorCode } from "../../../consensus/errors.ts";
import type { Validator } from "../../../consensus/interface.ts";
import { sha256, toHex, utf8 } from "../../../crypto/index.ts";
import { keyFor } from "../engine/helpers.ts";

const seed = sha256(utf8("committee seed"));
const ids = (n: number) => Array.from({ length: n }, (_, i) => i.toString(16).padStart(4, "0"));

describe("committee assignment", () => {
  const cases: [number, number][] = [
    [1, 1],
    [1, 2],
    [4, 1],
    [4, 2],
    [6, 2],
    [8, 2],
    [9, 2],
    [16, 4],
    [17, 4],
    [100, 4],
  ];
  for (const [n, s] of cases) {
    it(`deals ${n} validators to ${s} shards`, () => {
      const all = ids(n);
      const committees = assignCommittees(all, s, seed);
      expect(committees).toHaveLength(s);
      const disjoint = n >= 4 * s;
      for (const c of committees) {
        expect([...c].sort()).toEqual(c);
        expect(new Set(c).size).toBe(c.length);
        if (disjoint) {
          expect(c.length === Math.floor(n / s) || c.length === Math.floor(n / s) + 1).toBe(true);
        } else {
          expect(c.length).toBe(Math.min(n, 4));
        }
      }
      const seats = committees.flat();
      if (disjoint) {
        expect(seats.length).toBe(n);
        expect(new Set(seats).size).toBe(n);
      }
      for (const id of all) expect(shardsOf(id, committees).length).toBeGreaterThanOrEqual(1);
      expect(assignCommittees(all, s, seed)).toEqual(committees);
    });
  }

  it("draws other committees from another seed", () => {
    const a = assignCommittees(ids(16), 4, seed);
    const b = assignCommittees(ids(16), 4, sha256(utf8("another seed")));
    expect(a).not.toEqual(b);
  });

  it("gives the first n mod S committees one member more", () => {
    expect(assignCommittees(ids(17), 4, seed).map((c) => c.length)).toEqual([5, 4, 4, 4]);
    expect(assignCommittees(ids(10), 2, seed, 5).map((c) => c.length)).toEqual([5, 5]);
  });

  it("refuses unsorted or duplicate ids, no validators and bad shard counts", () => {
    const code = { code: ConsensusErrorCode.invalidValidatorSet };
    expect(() => assignCommittees(["b", "a"], 1, seed)).toThrow(expect.objectContaining(code));
    expect(() => assignCommittees(["a", "a"], 1, seed)).toThrow(/sorted and unique/);
    expect(() => assignCommittees([], 1, seed)).toThrow(/no validators/);
    expect(() => assignCommittees(ids(4), 0, seed)).toThrow(/shard count/);
    expect(() => assignCommittees(ids(4), 1.5, seed)).toThrow(/shard count/);
    expect(() => assignCommittees(ids(4), 0x10000, seed)).toThrow(/shard count/);
  });

  it("builds a committee's validator set with beacon stakes", () => {
    const vs: Validator[] = [1, 2, 3, 4, 5].map((n, i) => {
      const k = keyFor(n);
      return { id: toHex(k.publicKey), publicKey: k.publicKey, stake: BigInt(10 + i) };
    });
    const registry = new Map(vs.map((v) => [v.id, v]));
    const committee = assignCommittees([...registry.keys()].sort(), 2, seed)[1] as string[];
    const set = committeeSet(committee, registry, 7n);
    expect(set.epoch).toBe(7n);
    expect(set.validators.map((v) => v.id)).toEqual(committee);
    expect(set.validators.map((v) => v.stake)).toEqual(committee.map((id) => registry.get(id)?.stake));
    expect(() => committeeSet(["ab"], registry, 7n)).toThrow(/not in the registry/);
  });
});
