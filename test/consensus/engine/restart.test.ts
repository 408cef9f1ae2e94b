// A validator restarted from its persisted safety state signs nothing it must not.
import { describe, expect, test } from "vitest";
import { type Action, ConsensusErrorCode } from "../../../consensus/index.ts";
import { utf8 } from "../../../crypto/index.ts";
import {
  actionsOfKind,
  commitsOf,
  fixture,
  genesis,
  leaderIndex,
  makeBlock,
  makeEngine,
  msg,
  proposalBytes,
  qcFor,
  sentOfKind,
} from "./helpers.ts";

const fx = fixture(4);
const L1 = leaderIndex(fx, 1n);
const V = [0, 1, 2, 3].find((i) => i !== L1 && i !== leaderIndex(fx, 2n)) as number;
const key = fx.keys[V] as (typeof fx.keys)[number];
const lastPersisted = (actions: Action[][]) => {
  const all = actions.flatMap((a) => actionsOfKind(a, "persist"));
  return all[all.length - 1]?.state as Uint8Array;
};

describe("restart", () => {
  test("does not vote again in the round it voted in: the same vote is re-sent unsigned anew, a conflicting block gets none", () => {
    const e = makeEngine(fx, key);
    const b1 = makeBlock(fx, { round: 1n, parent: null, qc: genesis(fx) });
    const log = [e.start(), e.handle(msg(fx, L1, proposalBytes(fx, b1)))];
    log.push(e.handle({ kind: "payload-verdict", blockHash: b1.hash, valid: true }));
    const [vote] = sentOfKind(log[2] as Action[], "vote");

    const signCount = { n: 0 };
    const restarted = makeEngine(fx, key, { persisted: lastPersisted(log), signCount });
    const resent = [...restarted.start(), ...restarted.handle(msg(fx, L1, proposalBytes(fx, b1)))];
    for (const v of sentOfKind(resent, "vote")) expect(v).toEqual(vote);
    expect(actionsOfKind(resent, "validate-payload")).toEqual([]);

    const conflicting = makeBlock(fx, { round: 1n, parent: null, qc: genesis(fx), payload: utf8("conflict") });
    const out = restarted.handle(msg(fx, L1, proposalBytes(fx, conflicting)));
    expect(sentOfKind(out, "vote")).toEqual([]);
    expect(actionsOfKind(out, "validate-payload")).toEqual([]);
    expect(restarted.stats().dropped[ConsensusErrorCode.voteRefused]).toBe(1);
    expect(signCount.n).toBe(0);
  });

  test("does not vote in a round it timed out of before the restart", () => {
    const e = makeEngine(fx, key);
    const log = [e.start(), e.handle({ kind: "timer", id: "consensus/round" })];
    const restarted = makeEngine(fx, key, { persisted: lastPersisted(log) });
    restarted.start();
    const b1 = makeBlock(fx, { round: 1n, parent: null, qc: genesis(fx) });
    const out = restarted.handle(msg(fx, L1, proposalBytes(fx, b1)));
    expect(actionsOfKind(out, "validate-payload")).toEqual([]);
    expect(restarted.stats().dropped[ConsensusErrorCode.voteRefused]).toBe(1);
  });

  test("commits only above the persisted committed height", () => {
    const chain = [makeBlock(fx, { round: 1n, parent: null, qc: genesis(fx) })];
    for (let r = 2n; r <= 5n; r++) {
      const parent = chain[chain.length - 1] as (typeof chain)[number];
      chain.push(makeBlock(fx, { round: r, parent, qc: qcFor(fx, parent) }));
    }
    const feed = (x: ReturnType<typeof makeEngine>, i: number) =>
      x.handle(msg(fx, leaderIndex(fx, BigInt(i + 1)), proposalBytes(fx, chain[i] as (typeof chain)[number])));
    const e = makeEngine(fx, key);
    const log = [e.start(), feed(e, 0), feed(e, 1), feed(e, 2)];
    expect(log.flatMap(commitsOf).map((c) => c.height)).toEqual([1n]);

    const restarted = makeEngine(fx, key, { persisted: lastPersisted(log) });
    expect(restarted.status().committedHeight).toBe(1n);
    restarted.start();
    // Its tree starts at the committed block: block 1 is below it, blocks 2.. build on it.
    const commits = [1, 2, 3, 4].flatMap((i) => commitsOf(feed(restarted, i)));
    expect(commits.map((c) => c.height)).toEqual([2n, 3n]);
  });

  test("a corrupt or foreign persisted state is refused at creation, never silently reset", () => {
    expect(() => makeEngine(fx, key, { persisted: utf8("not a state") })).toThrow(/persisted safety state/);
    const other = makeEngine(fx, fx.keys[L1] as typeof key);
    const state = lastPersisted([other.start(), other.handle({ kind: "timer", id: "consensus/round" })]);
    expect(() => makeEngine(fx, key, { persisted: state })).toThrow(/belongs to/);
  });

  test("resumes from a committed block the host synced, keeping every voting rule", () => {
    const e = makeEngine(fx, key);
    const b1 = makeBlock(fx, { round: 1n, parent: null, qc: genesis(fx) });
    const log = [e.start(), e.handle(msg(fx, L1, proposalBytes(fx, b1)))];
    log.push(e.handle({ kind: "payload-verdict", blockHash: b1.hash, valid: true }));
    const persisted = lastPersisted(log);
    // The host fast-synced to height 40 (round 45) while the engine was down.
    const tip = { epoch: fx.set.epoch, round: 45n, height: 40n, hash: new Uint8Array(32).fill(9) };
    const resumed = makeEngine(fx, key, { persisted, resumeFrom: tip });
    resumed.start();
    expect(resumed.status().committedHeight).toBe(40n);
    expect(resumed.status().lastVotedRound).toBe(1n);
    // Still no second vote in round 1.
    const conflicting = makeBlock(fx, { round: 1n, parent: null, qc: genesis(fx), payload: utf8("other") });
    expect(sentOfKind(resumed.handle(msg(fx, L1, proposalBytes(fx, conflicting))), "vote")).toEqual([]);
    // A resume point below the persisted committed tip is ignored.
    const behind = makeEngine(fx, key, { persisted, resumeFrom: { ...tip, height: 0n, round: 0n } });
    behind.start();
    expect(behind.status().committedHeight).toBe(0n);
  });
});
