// The leader schedule: a pure function of (epoch, round) and the stakes.
import { describe, expect, test } from "vitest";
import { epochInfo, leaderOf } from "../../../consensus/index.ts";
import { fixture } from "./helpers.ts";

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
