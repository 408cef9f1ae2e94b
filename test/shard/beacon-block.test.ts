// The beacon payload a proposer builds from the shard blocks it has committed, and what every
// validator accepts: real consensus blocks of shard 0, certified by its committee.
import { describe, expect, it } from "vitest";
import { type BeaconParams, genesisBeaconState } from "../../consensus/beacon/beacon-state.ts";
import { decodeBeaconPayload, encodeBeaconPayload } from "../../consensus/beacon/payload.ts";
import { genesisMix } from "../../consensus/beacon/randomness.ts";
import { ConsensusErrorCode } from "../../consensus/errors.ts";
import { type KeyPair, sha256, sign, utf8 } from "../../crypto/index.ts";
import {
  applyBeaconPayload,
  type BeaconBlockResult,
  buildBeaconPayload,
  type CommittedShardChain,
  crosslinkFor,
} from "../../shard/beacon-block.ts";
import { shardHeaderLinker } from "../../shard/beacon-link.ts";
import { headerHash } from "../../shard/header.ts";
import { batchVerify, CHAIN, fixture } from "../consensus/engine/helpers.ts";
import { certifiedShardChain } from "./certified-chain.ts";
import { genesisOf } from "./fixtures.ts";

const fx = fixture(4);
const params: BeaconParams = {
  chainId: "ubn-beacon-block-test",
  shardCount: 1,
  epochLength: 10n,
  minCommitteeSize: 4,
  shardChainId: () => CHAIN,
  linkHeaders: shardHeaderLinker,
};
const g0 = genesisOf(0);

const committedChain = (rounds: number[]) => certifiedShardChain(fx, g0, rounds);

const start: BeaconBlockResult = {
  state: genesisBeaconState(params, fx.set.validators, genesisMix(sha256(utf8("g"))), [headerHash(g0)]),
  timeMs: 1_000n,
  crosslinked: [],
};
const proposer = fx.keys[1] as KeyPair;
const build = (chain: CommittedShardChain, nowMs = 2_000n) =>
  buildBeaconPayload({
    parent: start,
    height: 1n,
    nowMs,
    params,
    sign: (m) => sign(m, proposer.secretKey),
    shards: [chain],
  });
const apply = (bytes: Uint8Array, by: KeyPair = proposer) =>
  applyBeaconPayload(start, { height: 1n, proposer: by.publicKey }, bytes, params, batchVerify);

describe("beacon payloads", () => {
  it("crosslink every committed header up to the newest block with a committed child in the next round", () => {
    // Block 3 (round 3) has its child in round 5: no 2-chain proof for it; block 4 (round 5) has one.
    const chain = committedChain([1, 2, 3, 5, 6]);
    const c = crosslinkFor(chain, 0, 0n);
    expect(c?.headers).toHaveLength(4);
    expect(c?.proof.block.height).toBe(4n);
    const r = apply(build(chain));
    expect(r.state.crosslinks[0]?.height).toBe(4n);
    expect(r.crosslinked.map((x) => x.height)).toEqual([1n, 2n, 3n, 4n]);
    expect(r.timeMs).toBe(2_000n);
  });

  it("carries nothing for a shard with nothing new to prove, and never a time before the parent's", () => {
    const chain = committedChain([1, 3]);
    expect(crosslinkFor(chain, 0, 0n)).toBeNull();
    const p = decodeBeaconPayload(build(chain, 10n));
    expect(p.crosslinks).toEqual([]);
    expect(p.timeMs).toBe(start.timeMs);
  });

  it("refuses undecodable bytes, a time before the parent's, and a reveal by another key", () => {
    const bytes = build(committedChain([1, 2, 3]));
    const code = (c: string) => expect.objectContaining({ code: c });
    expect(() => apply(utf8("junk"))).toThrow(code(ConsensusErrorCode.invalidBlock));
    const early = encodeBeaconPayload({ ...decodeBeaconPayload(bytes), timeMs: 999n });
    expect(() => apply(early)).toThrow(/before the parent's/);
    expect(() => apply(bytes, fx.keys[2] as KeyPair)).toThrow(/reveal does not verify/);
  });
});
