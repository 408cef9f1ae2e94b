// Bad input never throws out of handle(): random bytes, mutated messages, odd host inputs.
import { describe, expect, test } from "vitest";
import { ConsensusErrorCode, encodeMessage, type Input } from "../../../consensus/index.ts";
import { Prng } from "../../../consensus/sim/prng.ts";
import { mutate } from "../../fuzz/mutate.ts";
import {
  fixture,
  genesis,
  leaderIndex,
  makeBlock,
  makeEngine,
  makeTimeout,
  makeVote,
  msg,
  proposalBytes,
  qcFor,
  tcFor,
  timeoutBytes,
  voteBytes,
  voteData,
} from "./helpers.ts";

const fx = fixture(4);

describe("malformed input", () => {
  test("2,000 random and mutated messages are dropped without throwing", () => {
    const b1 = makeBlock(fx, { round: 1n, parent: null, qc: genesis(fx) });
    const q1 = qcFor(fx, b1);
    const b2 = makeBlock(fx, { round: 2n, parent: b1, qc: q1 });
    const tc = tcFor(
      fx,
      2n,
      [0, 1, 2].map((signer) => ({ signer, highQc: q1 })),
    );
    const b3 = makeBlock(fx, { round: 3n, parent: b1, qc: q1 });
    const corpus = [
      proposalBytes(fx, b1),
      proposalBytes(fx, b2),
      proposalBytes(fx, b3, tc),
      voteBytes(makeVote(fx, 1, voteData(b1))),
      timeoutBytes(makeTimeout(fx, 2, 1n, genesis(fx))),
      timeoutBytes(makeTimeout(fx, 2, 3n, q1)),
      encodeMessage({ kind: "sync-request", blockHash: b1.hash, maxBlocks: 4 }),
      encodeMessage({ kind: "sync-response", blocks: [b1.block, b2.block] }),
    ];
    const rng = new Prng(20_240_601);
    const e = makeEngine(fx, fx.keys[0] as (typeof fx.keys)[number]);
    e.start();
    for (let i = 0; i < 2000; i++) {
      const bytes = i % 4 === 0 ? rng.bytes(rng.int(300)) : mutate(rng, rng.pick(corpus), corpus);
      const from = fx.ids[rng.int(4)] as string;
      expect(() => e.handle({ kind: "message", from, bytes })).not.toThrow();
    }
    const dropped = e.stats().dropped;
    expect(dropped[ConsensusErrorCode.malformed]).toBeGreaterThan(500);
    // Still a working validator afterwards.
    expect(() => e.handle(msg(fx, leaderIndex(fx, 1n), proposalBytes(fx, b1)))).not.toThrow();
  });

  test("odd host inputs are ignored", () => {
    const e = makeEngine(fx, fx.keys[0] as (typeof fx.keys)[number]);
    e.start();
    const odd = [
      { kind: "payload", round: 1, payload: new Uint8Array(1) },
      { kind: "payload-verdict", blockHash: "nope", valid: true },
      { kind: "message", from: "x", bytes: "not bytes" },
      { kind: "message", from: "x", bytes: new Uint8Array(5 << 20) },
      { kind: "validator-set", set: { epoch: 5n, validators: [] }, fromHeight: 3n },
      { kind: "validator-set", set: { epoch: 1n, validators: [] }, fromHeight: 3n },
      { kind: "nonsense" },
    ] as unknown as Input[];
    for (const input of odd) expect(() => e.handle(input)).not.toThrow();
    expect(e.stats().dropped[ConsensusErrorCode.invalidValidatorSet]).toBe(2);
  });
});
