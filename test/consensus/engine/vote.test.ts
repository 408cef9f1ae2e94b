// The leader's proposal and the voter's rules, one test per rule, with hand-made messages.
import { describe, expect, test } from "vitest";
import { ConsensusErrorCode, voteSigningBytes } from "../../../consensus/index.ts";
import { toHex, utf8, verifyNative } from "../../../crypto/index.ts";
import {
  actionsOfKind,
  CHAIN,
  fixture,
  GENESIS,
  genesis,
  indexOfKind,
  leaderIndex,
  makeBlock,
  makeEngine,
  msg,
  proposalBytes,
  qcFor,
  sentMessages,
  sentOfKind,
  tcFor,
} from "./helpers.ts";

const fx = fixture(4);
const L1 = leaderIndex(fx, 1n);
const L2 = leaderIndex(fx, 2n);
/** A validator that leads neither round 1 nor round 2. */
const V = [0, 1, 2, 3].find((i) => i !== L1 && i !== L2) as number;
const key = (i: number) => fx.keys[i] as (typeof fx.keys)[number];
const b1 = makeBlock(fx, { round: 1n, parent: null, qc: genesis(fx) });

describe("the leader", () => {
  test("asks the host for a payload, then proposes it on the highest QC and votes for it", () => {
    const e = makeEngine(fx, key(L1));
    const started = e.start();
    expect(actionsOfKind(started, "request-payload")).toEqual([
      { kind: "request-payload", round: 1n, parentHash: GENESIS, height: 1n },
    ]);
    expect(sentMessages(started)).toEqual([]);

    const out = e.handle({ kind: "payload", round: 1n, payload: utf8("block one") });
    const [proposal, ...more] = sentOfKind(out, "proposal");
    expect(more).toEqual([]);
    expect(proposal?.to).toBeNull();
    const b = proposal?.message.block;
    expect(b?.round).toBe(1n);
    expect(b?.height).toBe(1n);
    expect(b?.parent).toEqual(GENESIS);
    expect(b?.payload).toEqual(utf8("block one"));
    expect(b?.qc.round).toBe(0n);
    expect(proposal?.message.tc).toBeNull();
    expect(indexOfKind(out, "persist")).toBeGreaterThanOrEqual(0);
    expect(indexOfKind(out, "persist")).toBeLessThan(indexOfKind(out, "broadcast"));
    // Its own vote goes to the next leader (kept locally when that is itself).
    const votes = sentOfKind(out, "vote");
    if (L2 === L1) expect(votes).toEqual([]);
    else expect(votes.map((v) => v.to)).toEqual([fx.ids[L2]]);
  });

  test("ignores a payload for a round it is not proposing in", () => {
    const e = makeEngine(fx, key(L1));
    e.start();
    expect(e.handle({ kind: "payload", round: 7n, payload: utf8("x") })).toEqual([]);
    expect(e.stats().dropped[ConsensusErrorCode.stalePayload]).toBe(1);
  });
});

describe("a voter", () => {
  test("has the host validate the payload, then votes to the next leader", () => {
    const e = makeEngine(fx, key(V));
    e.start();
    const received = e.handle(msg(fx, L1, proposalBytes(fx, b1)));
    expect(actionsOfKind(received, "validate-payload")).toEqual([
      {
        kind: "validate-payload",
        blockHash: b1.hash,
        parentHash: GENESIS,
        height: 1n,
        round: 1n,
        proposer: fx.ids[L1],
        payload: b1.block.payload,
      },
    ]);
    expect(sentMessages(received)).toEqual([]);

    const out = e.handle({ kind: "payload-verdict", blockHash: b1.hash, valid: true });
    expect(out.map((a) => a.kind)).toEqual(["persist", "send"]);
    const [vote] = sentOfKind(out, "vote");
    expect(vote?.to).toBe(fx.ids[L2]);
    const v = vote?.message;
    expect(v?.round).toBe(1n);
    expect(v?.blockHash).toEqual(b1.hash);
    expect(toHex(v?.voter as Uint8Array)).toBe(fx.ids[V]);
    const signed = voteSigningBytes(CHAIN, { epoch: 0n, round: 1n, height: 1n, blockHash: b1.hash });
    expect(verifyNative(key(V).publicKey, signed, v?.signature as Uint8Array)).toBe(true);
  });

  test("does not vote before a valid verdict, nor after an invalid one", () => {
    const e = makeEngine(fx, key(V));
    e.start();
    e.handle(msg(fx, L1, proposalBytes(fx, b1)));
    expect(e.handle({ kind: "payload-verdict", blockHash: new Uint8Array(32), valid: true })).toEqual([]);
    expect(e.handle({ kind: "payload-verdict", blockHash: b1.hash, valid: false })).toEqual([]);
    expect(e.handle({ kind: "payload-verdict", blockHash: b1.hash, valid: true })).toEqual([]);
    expect(e.stats().dropped[ConsensusErrorCode.unknownVerdict]).toBe(2);
    expect(e.stats().dropped[ConsensusErrorCode.invalidPayload]).toBe(1);
    expect(e.stats().sentByKind.vote).toBe(0);
  });

  test("persists its safety state before the vote leaves", () => {
    const e = makeEngine(fx, key(V));
    e.start();
    e.handle(msg(fx, L1, proposalBytes(fx, b1)));
    const out = e.handle({ kind: "payload-verdict", blockHash: b1.hash, valid: true });
    expect(indexOfKind(out, "persist")).toBe(0);
    expect(indexOfKind(out, "send")).toBe(1);
  });

  test("never votes twice in a round: an equivocating proposal gets nothing, the same one the same vote", () => {
    const e = makeEngine(fx, key(V));
    e.start();
    e.handle(msg(fx, L1, proposalBytes(fx, b1)));
    const first = sentOfKind(e.handle({ kind: "payload-verdict", blockHash: b1.hash, valid: true }), "vote");

    const other = makeBlock(fx, { round: 1n, parent: null, qc: genesis(fx), payload: utf8("another block") });
    const out = e.handle(msg(fx, L1, proposalBytes(fx, other)));
    expect(actionsOfKind(out, "validate-payload")).toEqual([]);
    expect(sentMessages(out)).toEqual([]);
    expect(e.stats().dropped[ConsensusErrorCode.voteRefused]).toBe(1);

    const again = sentOfKind(e.handle(msg(fx, L1, proposalBytes(fx, b1))), "vote");
    expect(again).toEqual(first);
  });

  test("votes only for a block that extends the QC of the previous round, or the freshest QC of a TC", () => {
    // Round 1 is certified, round 2 times out with that QC in the TC; the leader of round 3
    // then proposes on the genesis QC, ignoring the TC's higher QC: no vote.
    const q1 = qcFor(fx, b1);
    const tc2 = tcFor(fx, 2n, [
      { signer: 0, highQc: q1 },
      { signer: 1, highQc: genesis(fx) },
      { signer: 2, highQc: genesis(fx) },
    ]);
    const stale = makeBlock(fx, { round: 3n, parent: null, qc: genesis(fx) });
    const e = makeEngine(fx, key(V));
    e.start();
    const out = e.handle(msg(fx, leaderIndex(fx, 3n), proposalBytes(fx, stale, tc2)));
    expect(e.status().round).toBe(3n);
    expect(actionsOfKind(out, "validate-payload")).toEqual([]);
    expect(sentOfKind(out, "vote")).toEqual([]);
    expect(e.stats().dropped[ConsensusErrorCode.voteRefused]).toBe(1);

    // The same round with the TC's highest QC is fine.
    const fresh = makeEngine(fx, key(V));
    fresh.start();
    fresh.handle(msg(fx, L1, proposalBytes(fx, b1)));
    const b3 = makeBlock(fx, { round: 3n, parent: b1, qc: q1 });
    const asked = fresh.handle(msg(fx, leaderIndex(fx, 3n), proposalBytes(fx, b3, tc2)));
    expect(actionsOfKind(asked, "validate-payload").map((a) => a.blockHash)).toEqual([b3.hash]);
    const voted = fresh.handle({ kind: "payload-verdict", blockHash: b3.hash, valid: true });
    expect(sentOfKind(voted, "vote").map((v) => v.message.round)).toEqual([3n]);
  });

  test("ignores a proposal from anyone but the round's leader", () => {
    const e = makeEngine(fx, key(V));
    e.start();
    const notLeader = [0, 1, 2, 3].find((i) => i !== L1) as number;
    const forged = makeBlock(fx, { round: 1n, parent: null, qc: genesis(fx), proposer: notLeader });
    expect(e.handle(msg(fx, notLeader, proposalBytes(fx, forged, null, notLeader)))).toEqual([]);
    expect(e.stats().dropped[ConsensusErrorCode.notLeader]).toBe(1);
  });

  test("after a certified round, takes proposals only from the validator drawn from the parent, and sends it the votes", () => {
    // Round 2 is certified without validator H, the hash schedule's leader of round 3, so the
    // leader of round 3 is drawn among the others (consensus/validators.ts).
    const H = leaderIndex(fx, 3n);
    const q1 = qcFor(
      fx,
      b1,
      [0, 1, 2, 3].filter((i) => i !== H),
    );
    const b2 = makeBlock(fx, { round: 2n, parent: b1, qc: q1 });
    const D = leaderIndex(fx, 3n, b2);
    expect(D).not.toBe(H);
    const e = makeEngine(fx, key(H));
    e.start();
    e.handle(msg(fx, L1, proposalBytes(fx, b1)));
    e.handle({ kind: "payload-verdict", blockHash: b1.hash, valid: true });
    e.handle(msg(fx, leaderIndex(fx, 2n, b1), proposalBytes(fx, b2)));
    const voted = e.handle({ kind: "payload-verdict", blockHash: b2.hash, valid: true });
    expect(sentOfKind(voted, "vote").map((v) => [v.to, v.message.round])).toEqual([[fx.ids[D], 2n]]);
    // Round 3 on b2: anyone else is refused, the drawn validator is heard.
    const q2 = qcFor(fx, b2);
    const F = [0, 1, 2, 3].find((i) => i !== D && i !== H) as number;
    const forged = makeBlock(fx, { round: 3n, parent: b2, qc: q2, proposer: F });
    expect(e.handle(msg(fx, F, proposalBytes(fx, forged)))).toEqual([]);
    expect(e.stats().dropped[ConsensusErrorCode.notLeader]).toBe(1);
    const b3 = makeBlock(fx, { round: 3n, parent: b2, qc: q2 });
    expect(fx.ids.indexOf(toHex(b3.block.proposer))).toBe(D);
    const asked = e.handle(msg(fx, D, proposalBytes(fx, b3)));
    expect(actionsOfKind(asked, "validate-payload").map((a) => a.blockHash)).toEqual([b3.hash]);
  });

  test("breakRules.skipVoteSafetyCheck votes for two proposals of one round (tests only)", () => {
    const e = makeEngine(fx, key(V), { skipVoteSafetyCheck: true });
    e.start();
    const other = makeBlock(fx, { round: 1n, parent: null, qc: genesis(fx), payload: utf8("another block") });
    for (const b of [b1, other]) {
      e.handle(msg(fx, L1, proposalBytes(fx, b)));
      const out = e.handle({ kind: "payload-verdict", blockHash: b.hash, valid: true });
      expect(sentOfKind(out, "vote").map((v) => v.message.blockHash)).toEqual([b.hash]);
    }
  });
});
