// The safety rules on their own: the vote rule, the epoch rules, and the persisted state.
import { describe, expect, test } from "vitest";
import {
  decodeSafetyState,
  encodeSafetyState,
  initialSafetyState,
  SafetyRules,
  type VoteCandidate,
} from "../../../consensus/safety.ts";
import { sign } from "../../../crypto/index.ts";
import { CHAIN, fixture, GENESIS, genesis, makeBlock, qcFor, tcFor } from "./helpers.ts";

const fx = fixture(4);
const me = fx.keys[0] as (typeof fx.keys)[number];
const rules = () =>
  new SafetyRules(
    initialSafetyState(CHAIN, fx.ids[0] as string, 0n, GENESIS),
    null,
    (m) => sign(m, me.secretKey),
    me.publicKey,
    false,
  );
const candidate = (c: Partial<VoteCandidate> & { round: bigint }): VoteCandidate => ({
  epoch: 0n,
  height: 1n,
  blockHash: new Uint8Array(32).fill(Number(c.round % 256n)),
  qcEpoch: 0n,
  qcRound: c.round - 1n,
  ...c,
});

describe("safety rules", () => {
  test("vote: the round must rise and the block must follow the previous round's QC or a TC", () => {
    const s = rules();
    expect(s.voteRefusal(candidate({ round: 1n }), null)).toBeNull();
    s.signVote(candidate({ round: 1n }), null);
    expect(s.voteRefusal(candidate({ round: 1n }), null)).toMatch(/last voted round/);
    expect(s.voteRefusal(candidate({ round: 3n, qcRound: 1n }), null)).toMatch(/neither/);
  });

  test("a TC justifies only a block of its own epoch, with a QC at least its highest", () => {
    const b1 = makeBlock(fx, { round: 1n, parent: null, qc: genesis(fx) });
    const tc2 = tcFor(
      fx,
      2n,
      [0, 1, 2].map((signer) => ({ signer, highQc: qcFor(fx, b1) })),
    );
    const s = rules();
    expect(s.voteRefusal(candidate({ round: 3n, qcRound: 1n }), tc2)).toBeNull();
    expect(s.voteRefusal(candidate({ round: 3n, qcRound: 0n }), tc2)).toMatch(/neither/);
    expect(s.voteRefusal(candidate({ round: 3n, qcRound: 1n, epoch: 1n, qcEpoch: 0n }), tc2)).toMatch(/neither/);
  });

  test("after voting on a QC of epoch k, no first block of epoch k gets a vote", () => {
    const s = rules();
    // A first block of epoch 1 (justified by an epoch-0 QC): fine, and again in a later round.
    s.signVote(candidate({ round: 5n, epoch: 1n, qcEpoch: 0n, qcRound: 4n }), null);
    expect(s.voteRefusal(candidate({ round: 7n, epoch: 1n, qcEpoch: 0n, qcRound: 6n }), null)).toBeNull();
    // Once it has voted on top of an epoch-1 QC, another first block of epoch 1 would fork.
    s.signVote(candidate({ round: 6n, epoch: 1n, qcEpoch: 1n, qcRound: 5n }), null);
    expect(s.voteRefusal(candidate({ round: 8n, epoch: 1n, qcEpoch: 0n, qcRound: 7n }), null)).toMatch(/first block/);
    expect(s.state.highestExtendedEpoch).toBe(1n);
  });

  test("QCs order by (epoch, round), and none is adopted from an epoch not yet entered", () => {
    const s = rules();
    const b5 = makeBlock(fx, { round: 5n, parent: null, qc: genesis(fx) });
    const q5 = qcFor(fx, b5);
    const fx1 = fixture(4, { epoch: 1n });
    const b3 = makeBlock(fx1, { round: 3n, parent: null, qc: genesis(fx) });
    const q3e1 = qcFor(fx1, b3);
    expect(s.observeQc(q5, 0n)).toBe(true);
    expect(s.observeQc(q3e1, 0n)).toBe(false);
    expect(s.observeQc(q3e1, 1n)).toBe(true);
    expect(s.observeQc(q5, 1n)).toBe(false);
    expect(s.state.highQc).toBe(q3e1);
  });

  test("timeout: not behind the last vote; afterwards no vote in that round", () => {
    const s = rules();
    s.signVote(candidate({ round: 1n }), null);
    const b1 = makeBlock(fx, { round: 1n, parent: null, qc: genesis(fx) });
    s.observeQc(qcFor(fx, b1), 0n);
    const t = s.signTimeout(0n, 2n);
    expect(t.highQc.round).toBe(1n);
    expect(s.voteRefusal(candidate({ round: 2n }), null)).toMatch(/last voted round/);
    expect(() => s.signTimeout(0n, 1n)).toThrow(/behind/);
    // Timing out the same round again (re-broadcast) is allowed.
    expect(() => s.signTimeout(0n, 2n)).not.toThrow();
  });

  test("the persisted state round-trips and hands out bytes only when it changed", () => {
    const s = rules();
    const first = s.takePersist();
    expect(first).not.toBeNull();
    expect(s.takePersist()).toBeNull();
    s.signVote(candidate({ round: 1n }), null);
    const bytes = s.takePersist() as Uint8Array;
    expect(encodeSafetyState(decodeSafetyState(bytes))).toEqual(bytes);
    expect(decodeSafetyState(bytes).lastVotedRound).toBe(1n);
  });
});
