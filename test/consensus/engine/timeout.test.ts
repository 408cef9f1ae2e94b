// The pacemaker: local timeouts, timeout certificates, round sync and back-off.
import { describe, expect, test } from "vitest";
import { ConsensusErrorCode, ROUND_TIMER, SYNC_TIMER } from "../../../consensus/index.ts";
import { toHex, utf8 } from "../../../crypto/index.ts";
import {
  actionsOfKind,
  fixture,
  genesis,
  indexOfKind,
  leaderIndex,
  makeBlock,
  makeEngine,
  makeTimeout,
  msg,
  proposalBytes,
  qcFor,
  sentMessages,
  sentOfKind,
  timeoutBytes,
} from "./helpers.ts";

const fx = fixture(4);
const key = (i: number) => fx.keys[i] as (typeof fx.keys)[number];
const L1 = leaderIndex(fx, 1n);
const V = [0, 1, 2, 3].find((i) => i !== L1 && i !== leaderIndex(fx, 2n)) as number;
const timer = { kind: "timer", id: ROUND_TIMER } as const;

describe("local timeout", () => {
  test("broadcasts a Timeout with the highest QC, persisted first, then refuses to vote in that round", () => {
    const e = makeEngine(fx, key(V));
    e.start();
    const out = e.handle(timer);
    const [t] = sentOfKind(out, "timeout");
    expect(t?.to).toBeNull();
    expect(t?.message.round).toBe(1n);
    expect(t?.message.highQc.round).toBe(0n);
    expect(indexOfKind(out, "persist")).toBeLessThan(indexOfKind(out, "broadcast"));
    expect(actionsOfKind(out, "set-timer").filter((a) => a.id === ROUND_TIMER)).toHaveLength(1);

    const b1 = makeBlock(fx, { round: 1n, parent: null, qc: genesis(fx) });
    const late = e.handle(msg(fx, L1, proposalBytes(fx, b1)));
    expect(actionsOfKind(late, "validate-payload")).toEqual([]);
    expect(sentMessages(late)).toEqual([]);
    expect(e.stats().dropped[ConsensusErrorCode.voteRefused]).toBe(1);
  });

  test("an unknown timer id is ignored", () => {
    const e = makeEngine(fx, key(V));
    e.start();
    expect(e.handle({ kind: "timer", id: "something else" })).toEqual([]);
  });
});

describe("joining a later round's timeouts", () => {
  test("more than a third of the stake timed out in a later round: this validator gives that round up too", () => {
    const e = makeEngine(fx, key(V));
    e.start();
    const others = [0, 1, 2, 3].filter((i) => i !== V);
    // One timeout of round 3 (a quarter of the stake) is not enough to leave round 1.
    const first = e.handle(
      msg(fx, others[0] as number, timeoutBytes(makeTimeout(fx, others[0] as number, 3n, genesis(fx)))),
    );
    expect(sentOfKind(first, "timeout")).toEqual([]);
    expect(e.status().round).toBe(1n);
    // A second (half the stake): at least one honest validator gave round 3 up; so does this one.
    const second = e.handle(
      msg(fx, others[1] as number, timeoutBytes(makeTimeout(fx, others[1] as number, 3n, genesis(fx)))),
    );
    const [t] = sentOfKind(second, "timeout");
    expect(t?.message.round).toBe(3n);
    // Its own timeout makes three of four: the TC of round 3 forms and round 4 begins.
    expect(e.status().round).toBe(4n);
  });
});

describe("timeout certificates", () => {
  test("2f+1 timeouts make a TC that moves to the next round, whose leader's proposal carries it", () => {
    const L2 = leaderIndex(fx, 2n);
    const e = makeEngine(fx, key(L2));
    e.start();
    const others = [0, 1, 2, 3].filter((i) => i !== L2);
    let out = e.handle(
      msg(fx, others[0] as number, timeoutBytes(makeTimeout(fx, others[0] as number, 1n, genesis(fx)))),
    );
    out = e.handle(msg(fx, others[1] as number, timeoutBytes(makeTimeout(fx, others[1] as number, 1n, genesis(fx)))));
    expect(e.status().round).toBe(1n);
    out = e.handle(msg(fx, others[2] as number, timeoutBytes(makeTimeout(fx, others[2] as number, 1n, genesis(fx)))));
    expect(e.stats().tcsFormed).toBe(1);
    expect(e.status().round).toBe(2n);
    expect(actionsOfKind(out, "request-payload").map((a) => a.round)).toEqual([2n]);

    const proposed = e.handle({ kind: "payload", round: 2n, payload: utf8("after a timeout") });
    const [p] = sentOfKind(proposed, "proposal");
    expect(p?.message.block.round).toBe(2n);
    expect(p?.message.block.qc.round).toBe(0n);
    expect(p?.message.tc?.round).toBe(1n);
    expect(p?.message.tc?.signers).toHaveLength(3);

    // A voter still in round 1 follows the TC and votes for that proposal.
    const voter = makeEngine(fx, key(others.find((i) => i !== L1) as number));
    voter.start();
    const asked = voter.handle(
      msg(fx, L2, (proposed.find((a) => a.kind === "broadcast") as { bytes: Uint8Array }).bytes),
    );
    expect(voter.status().round).toBe(2n);
    const [check] = actionsOfKind(asked, "validate-payload");
    expect(check).toBeDefined();
    voter.handle({ kind: "payload-verdict", blockHash: check?.blockHash as Uint8Array, valid: true });
    // (The vote goes to the leader of round 3, which may be the voter itself.)
    expect(voter.status().lastVotedRound).toBe(2n);
  });

  test("a timeout from a higher round with a higher QC brings a lagging validator up to that round", () => {
    const e = makeEngine(fx, key(V));
    e.start();
    const b4 = makeBlock(fx, { round: 4n, parent: null, qc: genesis(fx) });
    const q4 = qcFor(fx, b4);
    const out = e.handle(msg(fx, 1, timeoutBytes(makeTimeout(fx, 1, 5n, q4))));
    expect(e.status().round).toBe(5n);
    expect(e.status().highQcRound).toBe(4n);
    // It asks the sender for the block the QC certifies.
    expect(sentOfKind(out, "sync-request").map((s) => [s.to, s.message.blockHash])).toEqual([[fx.ids[1], b4.hash]]);
  });

  test("an unanswered fetch goes to another validator on its own timer, with no round timing out", () => {
    const e = makeEngine(fx, key(V), { baseTimeoutMs: 700 });
    e.start();
    const b4 = makeBlock(fx, { round: 4n, parent: null, qc: genesis(fx) });
    const out = e.handle(msg(fx, 1, timeoutBytes(makeTimeout(fx, 1, 5n, qcFor(fx, b4)))));
    expect(actionsOfKind(out, "set-timer").filter((a) => a.id === SYNC_TIMER)).toEqual([
      { kind: "set-timer", id: SYNC_TIMER, delayMs: 700 },
    ]);
    const retried = e.handle({ kind: "timer", id: SYNC_TIMER });
    const [again] = sentOfKind(retried, "sync-request");
    expect(again?.message.blockHash).toEqual(b4.hash);
    expect(again?.to).not.toBe(fx.ids[1]);
    // Still open, so the timer is armed again; the round's own timer was not touched.
    expect(actionsOfKind(retried, "set-timer")).toEqual([{ kind: "set-timer", id: SYNC_TIMER, delayMs: 700 }]);
    expect(e.stats().localTimeouts).toBe(0);
  });

  test("a fetch that gave up is asked for again when a block built on the waiting ones arrives", () => {
    const e = makeEngine(fx, key(V));
    e.start();
    const b1 = makeBlock(fx, { round: 1n, parent: null, qc: genesis(fx) });
    const b2 = makeBlock(fx, { round: 2n, parent: b1, qc: qcFor(fx, b1) });
    const b3 = makeBlock(fx, { round: 3n, parent: b2, qc: qcFor(fx, b2) });
    const b4 = makeBlock(fx, { round: 4n, parent: b3, qc: qcFor(fx, b3) });
    const asked = (out: ReturnType<typeof e.handle>) => sentOfKind(out, "sync-request").map((s) => s.message.blockHash);
    // b3 waits for b2, which nobody sends: the fetch is retried until it gives up.
    const from = fx.ids.indexOf(toHex(b3.block.proposer));
    expect(asked(e.handle(msg(fx, from, proposalBytes(fx, b3))))).toEqual([b2.hash]);
    let retries = 0;
    while (asked(e.handle({ kind: "timer", id: SYNC_TIMER })).length > 0) retries++;
    expect(retries).toBeGreaterThan(0);
    // b4 waits for b3, itself waiting: the oldest block missing below it is asked for again.
    expect(asked(e.handle(msg(fx, fx.ids.indexOf(toHex(b4.block.proposer)), proposalBytes(fx, b4))))).toEqual([
      b2.hash,
    ]);
  });
});

describe("timeout back-off", () => {
  test("doubles with each failed round, caps at the maximum, and resets after a QC", () => {
    const e = makeEngine(fx, key(V), { baseTimeoutMs: 100, maxTimeoutMs: 800 });
    const delays = (actions: ReturnType<typeof e.handle>) =>
      actionsOfKind(actions, "set-timer")
        .filter((a) => a.id === ROUND_TIMER)
        .map((a) => a.delayMs);
    expect(delays(e.start())).toEqual([100]);
    // Timing out again in the same round waits longer before re-sending.
    expect(delays(e.handle(timer))).toEqual([200]);
    const seen: number[] = [];
    for (let r = 1n; r <= 5n; r++) {
      let last: number[] = [];
      for (const i of [0, 1, 2, 3].filter((x) => x !== V)) {
        const d = delays(e.handle(msg(fx, i, timeoutBytes(makeTimeout(fx, i, r, genesis(fx))))));
        if (d.length > 0) last = d;
      }
      seen.push(...last);
    }
    expect(seen).toEqual([200, 400, 800, 800, 800]);
    expect(e.status().round).toBe(6n);
    // Progress: a QC of round 6 (carried by a round-7 timeout) puts round 7 back at the base.
    const b6 = makeBlock(fx, { round: 6n, parent: null, qc: genesis(fx) });
    const out = e.handle(msg(fx, 0, timeoutBytes(makeTimeout(fx, 0, 7n, qcFor(fx, b6)))));
    expect(e.status().round).toBe(7n);
    expect(delays(out)).toEqual([100]);
  });
});

// What a host may hold an idle validator's round timer on (node/chain/host-timers.ts).
describe("whether the round is under way", () => {
  test("not on entering it; yes once a timeout of it is counted; a stale timeout does not count", () => {
    const e = makeEngine(fx, key(V));
    e.start();
    expect(e.status().round).toBe(1n);
    expect(e.roundUnderway()).toBe(false);
    const other = [0, 1, 2, 3].find((i) => i !== V) as number;
    e.handle(msg(fx, other, timeoutBytes(makeTimeout(fx, other, 1n, genesis(fx)))));
    expect(e.roundUnderway()).toBe(true);

    // Round 2 by a TC of round 1 (ours and two others); the fourth's late timeout is stale.
    const f = makeEngine(fx, key(V));
    f.start();
    f.handle(timer);
    const others = [0, 1, 2, 3].filter((i) => i !== V);
    for (const i of others.slice(0, 2)) f.handle(msg(fx, i, timeoutBytes(makeTimeout(fx, i, 1n, genesis(fx)))));
    expect(f.status().round).toBe(2n);
    expect(f.roundUnderway()).toBe(false);
    const last = others[2] as number;
    f.handle(msg(fx, last, timeoutBytes(makeTimeout(fx, last, 1n, genesis(fx)))));
    expect(f.roundUnderway()).toBe(false);
  });

  test("not for a vote given in it; yes once this validator timed out in it itself", () => {
    const e = makeEngine(fx, key(V));
    e.start();
    const b1 = makeBlock(fx, { round: 1n, parent: null, qc: genesis(fx) });
    e.handle(msg(fx, L1, proposalBytes(fx, b1)));
    const out = e.handle({ kind: "payload-verdict", blockHash: b1.hash, valid: true });
    expect(sentOfKind(out, "vote")).toHaveLength(1);
    expect(e.roundUnderway()).toBe(false);
    e.handle(timer);
    expect(e.roundUnderway()).toBe(true);
  });
});

// consensus/silent-validators.ts: a validator that led or was to collect a round that failed,
// and sent nothing of it or since.
describe("rounds whose leader or vote collector has gone silent", () => {
  const base = 1000;
  const max = 60_000;
  // The silent validator: neither V nor the leader of round 1.
  const S = [0, 1, 2, 3].find((i) => i !== V && i !== L1) as number;
  const others = [0, 1, 2, 3].filter((i) => i !== V && i !== S);
  const leads = (r: bigint) => leaderIndex(fx, r) === S;
  /** S leads round r or collects its votes (after a TC, the hash schedule's leader of r + 1). */
  const needsS = (r: bigint) => leads(r) || leads(r + 1n);
  const backedOff = (r: bigint, highQcRound = 0n) => Math.min(base * 2 ** Number(r - 1n - highQcRound), max);

  /** Times out the current round with V and the two others (a TC without S); the next round's timer. */
  function failRound(e: ReturnType<typeof makeEngine>): number | undefined {
    const r = e.status().round;
    const out = [e.handle(timer)];
    for (const i of others) out.push(e.handle(msg(fx, i, timeoutBytes(makeTimeout(fx, i, r, genesis(fx))))));
    expect(e.status().round).toBe(r + 1n);
    return actionsOfKind(out.flat(), "set-timer")
      .filter((a) => a.id === ROUND_TIMER)
      .at(-1)?.delayMs;
  }

  /** Fails rounds until the next one needs S; returns the current round. */
  function failUntilNextNeedsS(e: ReturnType<typeof makeEngine>): bigint {
    while (!needsS(e.status().round + 1n)) failRound(e);
    return e.status().round;
  }

  test("get a quarter of the base timeout once a round that needed the validator failed without a word from it", () => {
    const e = makeEngine(fx, key(V), { baseTimeoutMs: base, maxTimeoutMs: max });
    e.start();
    let failedOne = false;
    let short = 0;
    while (e.status().round < 40n) {
      const left = e.status().round;
      const next = left + 1n;
      const delay = failRound(e);
      if (needsS(left)) failedOne = true;
      const expected = failedOne && needsS(next) ? base / 4 : backedOff(next);
      expect(delay, `round ${next}`).toBe(expected);
      if (expected === base / 4) short++;
    }
    expect(short).toBeGreaterThan(0);
    expect(e.stats().shortRounds).toBe(short);
  });

  test("its own timeout of the current round makes it heard again", () => {
    const e = makeEngine(fx, key(V), { baseTimeoutMs: base, maxTimeoutMs: max });
    e.start();
    while (e.stats().shortRounds === 0) failRound(e);
    const r = failUntilNextNeedsS(e);
    e.handle(msg(fx, S, timeoutBytes(makeTimeout(fx, S, r, genesis(fx)))));
    expect(failRound(e)).toBe(backedOff(r + 1n));
  });

  /** An engine in a round S leads, given the short timeout once round r, which S was to collect, failed. */
  function inShortRoundOfS(): { e: ReturnType<typeof makeEngine>; r: bigint } {
    const e = makeEngine(fx, key(V), { baseTimeoutMs: base, maxTimeoutMs: max });
    e.start();
    while (!leads(e.status().round + 1n)) failRound(e);
    const r = e.status().round;
    expect(failRound(e)).toBe(base / 4);
    return { e, r };
  }

  test("its timeout of the failed round, arriving after the TC, gives the next round its full timeout back", () => {
    const { e, r } = inShortRoundOfS();
    const late = e.handle(msg(fx, S, timeoutBytes(makeTimeout(fx, S, r, genesis(fx)))));
    expect(e.stats().dropped[ConsensusErrorCode.staleRound]).toBeGreaterThan(0);
    expect(
      actionsOfKind(late, "set-timer")
        .filter((a) => a.id === ROUND_TIMER)
        .map((a) => a.delayMs),
    ).toEqual([backedOff(r + 1n)]);
    // A replay changes nothing and costs no signature check.
    const checked = e.stats().signaturesVerified;
    expect(e.handle(msg(fx, S, timeoutBytes(makeTimeout(fx, S, r, genesis(fx)))))).toEqual([]);
    expect(e.stats().signaturesVerified).toBe(checked);
  });

  test("so does its signature in a certificate, though nothing it sent itself arrived", () => {
    const { e, r } = inShortRoundOfS();
    // Another validator's timeout of round r + 1 carries a QC of round r that S signed (a QC
    // can form while the TC of its round does).
    const block = makeBlock(fx, { round: r, parent: null, qc: genesis(fx) });
    const other = others[0] as number;
    const out = e.handle(
      msg(fx, other, timeoutBytes(makeTimeout(fx, other, r + 1n, qcFor(fx, block, [S, ...others])))),
    );
    expect(e.status()).toMatchObject({ round: r + 1n, highQcRound: r });
    expect(
      actionsOfKind(out, "set-timer")
        .filter((a) => a.id === ROUND_TIMER)
        .map((a) => a.delayMs),
    ).toEqual([base]);
  });

  test("a round that ended in a QC says nothing about its leader or collector", () => {
    const e = makeEngine(fx, key(V), { baseTimeoutMs: base, maxTimeoutMs: max });
    e.start();
    // Each round needing S ends in a QC S did not sign, carried by another validator's timeout.
    while (e.status().round < 40n) {
      const r = e.status().round;
      if (!needsS(r)) {
        failRound(e);
        continue;
      }
      const block = makeBlock(fx, { round: r, parent: null, qc: genesis(fx) });
      const other = others[0] as number;
      e.handle(msg(fx, other, timeoutBytes(makeTimeout(fx, other, r + 1n, qcFor(fx, block, [V, ...others])))));
      expect(e.status().round).toBe(r + 1n);
    }
    expect(e.stats().shortRounds).toBe(0);
  });
});
