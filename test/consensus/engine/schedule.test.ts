// The leader schedule: a pure function of (epoch, round) and the stakes; after a certified
// round, of the block the round builds on.
import { describe, expect, test } from "vitest";
import { type Block, epochInfo, leaderAfter, leaderOf } from "../../../consensus/index.ts";
import { toHex } from "../../../crypto/index.ts";
import { type Fixture, fixture, genesis, makeBlock, qcFor } from "./helpers.ts";

describe("leader schedule", () => {
  test("is deterministic and proportional to stake over many rounds", () => {
    const fx = fixture(4, { stakes: [1n, 2n, 3n, 4n] });
    const rounds = 20_000;
    const counts = new Map<string, number>();
    const sequence: string[] = [];
    for (let r = 1; r <= rounds; r++) {
      const id = leaderOf(fx.info, BigInt(r));
      sequence.push(id);
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    // The same inputs, computed again from a fresh copy of the set: the same schedule.
    const again = epochInfo(structuredClone(fx.set), 1n);
    for (let r = 1; r <= 200; r++) expect(leaderOf(again, BigInt(r))).toBe(sequence[r - 1]);
    fx.set.validators.forEach((v) => {
      const share = (counts.get(v.id) ?? 0) / rounds;
      expect(Math.abs(share - Number(v.stake) / 10)).toBeLessThan(0.02);
    });
  });

  test("differs between epochs with the same validators", () => {
    const a = fixture(4, { epoch: 0n });
    const b = fixture(4, { epoch: 1n });
    const differ = Array.from(
      { length: 64 },
      (_, r) => leaderOf(a.info, BigInt(r + 1)) !== leaderOf(b.info, BigInt(r + 1)),
    );
    expect(differ.some(Boolean)).toBe(true);
  });

  test("gives every round a leader even with a single validator", () => {
    const fx = fixture(1);
    for (let r = 1n; r < 50n; r++) expect(leaderOf(fx.info, r)).toBe(fx.ids[0]);
  });
});

describe("the leader after a certified round", () => {
  /** A block of round `round` by validator `proposer` whose QC (of its parent) `signers` signed. */
  function parentBlock(fx: Fixture, round: bigint, proposer: number, signers: number[]): Block {
    const grand = makeBlock(fx, { round: round - 1n, parent: null, qc: genesis(fx), proposer: signers[0] as number });
    return makeBlock(fx, { round, parent: grand, qc: qcFor(fx, grand, signers), proposer }).block;
  }

  test("is drawn by stake from the signers of the QC in the parent", () => {
    const fx = fixture(4, { stakes: [1n, 2n, 3n, 4n] });
    const counts = new Map<string, number>();
    const rounds = 6000;
    for (let r = 2; r <= rounds + 1; r++) {
      // Validator 3 did not sign.
      const id = leaderAfter(fx.info, parentBlock(fx, BigInt(r - 1), 0, [0, 1, 2]), BigInt(r));
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([fx.ids[0], fx.ids[1], fx.ids[2]].sort());
    // Stakes 1, 2 and 3 among the signers: shares of 1/6, 2/6 and 3/6.
    expect(Math.abs((counts.get(fx.ids[0] as string) ?? 0) / rounds - 1 / 6)).toBeLessThan(0.03);
    expect(Math.abs((counts.get(fx.ids[2] as string) ?? 0) / rounds - 1 / 2)).toBeLessThan(0.03);
  });

  test("is the same for everyone who holds the parent, and depends on the round", () => {
    const fx = fixture(7);
    const parent = parentBlock(fx, 9n, 2, [0, 1, 2, 3, 4, 5]);
    const copy = structuredClone(parent);
    const again = epochInfo(structuredClone(fx.set), 1n);
    expect(leaderAfter(again, copy, 10n)).toBe(leaderAfter(fx.info, parent, 10n));
    const byRound = new Set(
      Array.from({ length: 40 }, (_, i) =>
        leaderAfter(fx.info, parentBlock(fx, BigInt(100 + i), 2, [0, 1, 2, 3, 4, 5]), BigInt(101 + i)),
      ),
    );
    expect(byRound.size).toBeGreaterThan(1);
    expect(byRound.has(fx.ids[6] as string)).toBe(false);
  });

  test("falls back to the hash schedule after a failed round, across epochs, or with no one eligible", () => {
    const fx = fixture(4);
    const parent = parentBlock(fx, 5n, 0, [0, 1, 2]);
    // Round 7 does not follow round 5: a TC ended round 6.
    expect(leaderAfter(fx.info, parent, 7n)).toBe(leaderOf(fx.info, 7n));
    // A parent that itself followed a TC carries an older QC, whose signers may be gone since.
    const grand = makeBlock(fx, { round: 3n, parent: null, qc: genesis(fx) });
    const afterTc = makeBlock(fx, { round: 5n, parent: grand, qc: qcFor(fx, grand, [0, 1, 2]), proposer: 0 }).block;
    expect(leaderAfter(fx.info, afterTc, 6n)).toBe(leaderOf(fx.info, 6n));
    expect(leaderAfter(fx.info, null, 6n)).toBe(leaderOf(fx.info, 6n));
    const next = fixture(4, { epoch: 1n });
    expect(leaderAfter(next.info, parent, 6n)).toBe(leaderOf(next.info, 6n));
    // The genesis QC has no signers.
    const first = makeBlock(fx, { round: 1n, parent: null, qc: genesis(fx) }).block;
    expect(leaderAfter(fx.info, first, 2n)).toBe(leaderOf(fx.info, 2n));
    // A single validator signs and proposes everything.
    const solo = fixture(1);
    expect(leaderAfter(solo.info, parentBlock(solo, 3n, 0, [0]), 4n)).toBe(
      toHex(solo.keys[0]?.publicKey as Uint8Array),
    );
  });
});
