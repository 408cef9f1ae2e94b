// Votes into QCs: more than 2/3 of the stake, each validator counted once, formed once.
import { describe, expect, test } from "vitest";
import { ConsensusErrorCode, decodeMessage, type JolteonEngine } from "../../../consensus/index.ts";
import { utf8 } from "../../../crypto/index.ts";
import {
  actionsOfKind,
  type Built,
  type Fixture,
  fixture,
  genesis,
  keyFor,
  leaderIndex,
  makeBlock,
  makeEngine,
  makeVote,
  msg,
  proposalBytes,
  sentOfKind,
  voteBytes,
  voteData,
} from "./helpers.ts";

/** The leader of round 2, having seen (or made) block 1 and counted its own vote for it. */
function leaderOfRound2(fx: Fixture): { e: JolteonEngine; me: number; b1: Built } {
  const me = leaderIndex(fx, 2n);
  const e = makeEngine(fx, fx.keys[me] as Fixture["keys"][number]);
  e.start();
  if (leaderIndex(fx, 1n) === me) {
    const out = e.handle({ kind: "payload", round: 1n, payload: utf8("one") });
    const [p] = sentOfKind(out, "proposal");
    const block = p?.message.block as Built["block"];
    return { e, me, b1: makeBlock(fx, { round: 1n, parent: null, qc: genesis(fx), payload: block.payload }) };
  }
  const b1 = makeBlock(fx, { round: 1n, parent: null, qc: genesis(fx) });
  e.handle(msg(fx, leaderIndex(fx, 1n), proposalBytes(fx, b1)));
  e.handle({ kind: "payload-verdict", blockHash: b1.hash, valid: true });
  return { e, me, b1 };
}

describe("quorum certificates", () => {
  test("form exactly once from more than 2/3 of the stake and move the round on", () => {
    const fx = fixture(4);
    const { e, me, b1 } = leaderOfRound2(fx);
    const [x, y, z] = [0, 1, 2, 3].filter((i) => i !== me) as [number, number, number];
    const data = voteData(b1);

    e.handle(msg(fx, x, voteBytes(makeVote(fx, x, data))));
    expect(e.status().round).toBe(1n);
    const out = e.handle(msg(fx, y, voteBytes(makeVote(fx, y, data))));
    expect(e.stats().qcsFormed).toBe(1);
    expect(e.status().round).toBe(2n);
    expect(e.status().highQcRound).toBe(1n);
    expect(actionsOfKind(out, "request-payload").map((a) => a.round)).toEqual([2n]);

    // A late vote makes no second QC.
    expect(e.handle(msg(fx, z, voteBytes(makeVote(fx, z, data))))).toEqual([]);
    expect(e.stats().qcsFormed).toBe(1);
  });

  test("count neither duplicates, nor non-members, nor bad signatures", () => {
    const fx = fixture(4);
    const { e, me, b1 } = leaderOfRound2(fx);
    const [x, y] = [0, 1, 2, 3].filter((i) => i !== me) as [number, number];
    const data = voteData(b1);
    const vx = voteBytes(makeVote(fx, x, data));
    e.handle(msg(fx, x, vx));
    e.handle(msg(fx, x, vx));
    const outsider = keyFor(99);
    e.handle(msg(fx, x, voteBytes(makeVote(fx, 0, data, outsider))));
    const forged = makeVote(fx, y, data);
    forged.signature = Uint8Array.from(forged.signature, (b, i) => (i === 5 ? b ^ 1 : b));
    e.handle(msg(fx, y, voteBytes(forged)));
    const dropped = e.stats().dropped;
    expect(dropped[ConsensusErrorCode.duplicate]).toBe(1);
    expect(dropped[ConsensusErrorCode.unknownValidator]).toBe(1);
    expect(dropped[ConsensusErrorCode.badSignature]).toBe(1);
    expect(e.stats().qcsFormed).toBe(0);
    expect(e.status().round).toBe(1n);
  });

  test("weigh stake, not heads: one large validator and one small make a quorum, three small do not", () => {
    // Stakes 1, 1, 1, 5: total 8, a quorum needs more than 16/3, so 6.
    const fx = fixture(4, { stakes: [1n, 1n, 1n, 5n] });
    const { e, me, b1 } = leaderOfRound2(fx);
    const data = voteData(b1);
    const others = [0, 1, 2, 3].filter((i) => i !== me);
    if (me === 3) {
      // The leader holds 5 itself: one more vote of stake 1 completes the quorum.
      e.handle(msg(fx, 0, voteBytes(makeVote(fx, 0, data))));
      expect(e.stats().qcsFormed).toBe(1);
      return;
    }
    const small = others.filter((i) => i !== 3);
    for (const i of small) e.handle(msg(fx, i, voteBytes(makeVote(fx, i, data))));
    expect(e.stats().qcsFormed).toBe(0); // 3 of 8
    e.handle(msg(fx, 3, voteBytes(makeVote(fx, 3, data))));
    expect(e.stats().qcsFormed).toBe(1);
  });

  test("exactly 2/3 of the stake is not a quorum", () => {
    const fx = fixture(3);
    const { e, me, b1 } = leaderOfRound2(fx);
    expect(e.stats().qcsFormed).toBe(0); // 1 of 3
    const [x, y] = [0, 1, 2].filter((i) => i !== me) as [number, number];
    e.handle(msg(fx, x, voteBytes(makeVote(fx, x, voteData(b1)))));
    expect(e.stats().qcsFormed).toBe(0); // 2 of 3
    e.handle(msg(fx, y, voteBytes(makeVote(fx, y, voteData(b1)))));
    expect(e.stats().qcsFormed).toBe(1);
  });

  test("a QC the engine made is checked once: seeing it again costs no signature", () => {
    const fx = fixture(4);
    const { e, me, b1 } = leaderOfRound2(fx);
    const [x, y] = [0, 1, 2, 3].filter((i) => i !== me) as [number, number];
    e.handle(msg(fx, x, voteBytes(makeVote(fx, x, voteData(b1)))));
    const out = e.handle(msg(fx, y, voteBytes(makeVote(fx, y, voteData(b1)))));
    const before = e.stats().signaturesVerified;
    const p = out.find((a) => a.kind === "request-payload");
    expect(p).toBeDefined();
    const proposed = e.handle({ kind: "payload", round: 2n, payload: utf8("two") });
    const [proposal] = sentOfKind(proposed, "proposal");
    const qc = proposal?.message.block.qc;
    expect(qc?.round).toBe(1n);
    expect(qc?.signers.length).toBe(3);
    expect(e.stats().signaturesVerified).toBe(before);
    // And the broadcast decodes as what it claims to be.
    const raw = proposed.find((a) => a.kind === "broadcast");
    expect(raw && raw.kind === "broadcast" && decodeMessage(raw.bytes).kind).toBe("proposal");
  });
});

describe("a leader that forms a QC", () => {
  test("announces it at once, ahead of its commit and its payload request, and only once", () => {
    const fx = fixture(4);
    const { e, me, b1 } = leaderOfRound2(fx);
    const [x, y, z] = [0, 1, 2, 3].filter((i) => i !== me) as [number, number, number];
    const data = voteData(b1);
    e.handle(msg(fx, x, voteBytes(makeVote(fx, x, data))));
    const formed = e.handle(msg(fx, y, voteBytes(makeVote(fx, y, data))));
    expect(e.status().round).toBe(2n);
    const [announced, ...more] = sentOfKind(formed, "certificate");
    expect(more).toEqual([]);
    expect(announced?.to).toBeNull();
    expect(announced?.message.qc.round).toBe(1n);
    expect(announced?.message.qc.blockHash).toEqual(b1.hash);
    const broadcastAt = formed.findIndex((a) => a.kind === "broadcast");
    expect(broadcastAt).toBe(0);
    expect(formed.findIndex((a) => a.kind === "request-payload")).toBeGreaterThan(broadcastAt);
    const bytes = (formed[broadcastAt] as { bytes: Uint8Array }).bytes;

    // With nothing to propose it has nothing more to announce.
    expect(sentOfKind(e.handle({ kind: "no-payload", round: 2n }), "certificate")).toEqual([]);
    // Not a round it is asked to propose in: refused, nothing sent.
    expect(e.handle({ kind: "no-payload", round: 3n })).toEqual([]);
    expect(e.stats().dropped[ConsensusErrorCode.stalePayload]).toBe(1);
    // The request stays open: a payload still proposes.
    expect(sentOfKind(e.handle({ kind: "payload", round: 2n, payload: utf8("two") }), "proposal")).toHaveLength(1);

    // A validator that voted for block 1 learns its QC from the announcement alone.
    const other = makeEngine(fx, fx.keys[z] as Fixture["keys"][number]);
    other.start();
    other.handle(msg(fx, leaderIndex(fx, 1n), proposalBytes(fx, b1)));
    other.handle({ kind: "payload-verdict", blockHash: b1.hash, valid: true });
    expect(other.status().round).toBe(1n);
    other.handle(msg(fx, me, bytes));
    expect(other.status().highQcRound).toBe(1n);
    expect(other.status().round).toBe(2n);
  });
});
