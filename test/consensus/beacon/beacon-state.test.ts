import { describe, expect, it } from "vitest";
import {
  applyBeaconBlock,
  type BeaconBlockInput,
  type BeaconParams,
  type BeaconState,
  type CrosslinkInput,
  committeeSetOf,
  currentCommittees,
  epochOfHeight,
  genesisBeaconState,
  type HeaderChainLinker,
} from "../../../consensus/beacon/beacon-state.ts";
import type { BlockIdFields, CommitProof } from "../../../consensus/beacon/crosslink.ts";
import { genesisMix, revealMessage } from "../../../consensus/beacon/randomness.ts";
import { ConsensusErrorCode } from "../../../consensus/errors.ts";
import type { QuorumCert } from "../../../consensus/messages.ts";
import { concatBytes, equalBytes, type KeyPair, sha256, sign, toHex, utf8 } from "../../../crypto/index.ts";
import {
  type Built,
  batchVerify,
  CHAIN,
  type Fixture,
  fixture,
  genesis,
  keyFor,
  makeBlock,
  qcFor,
} from "../engine/helpers.ts";

// A stand-in header format for these tests (shard/ has the real one): parent digest ‖ u64be height.
function header(parent: Uint8Array, height: bigint): Uint8Array {
  const h = new Uint8Array(8);
  new DataView(h.buffer).setBigUint64(0, height);
  return concatBytes(parent, h);
}
const link: HeaderChainLinker = (_shard, previous, headers) => {
  let parent = previous.headerDigest;
  let height = previous.height;
  return headers.map((bytes) => {
    const h = new DataView(bytes.buffer, bytes.byteOffset + 32, 8).getBigUint64(0);
    if (!equalBytes(bytes.subarray(0, 32), parent) || h !== height + 1n) throw new Error("broken header chain");
    parent = sha256(bytes);
    height = h;
    return parent;
  });
};

const BEACON = "ubn-beacon-test";
const fx = fixture(4);
const params: BeaconParams = {
  chainId: BEACON,
  shardCount: 2,
  epochLength: 3n,
  minCommitteeSize: 4,
  shardChainId: () => CHAIN,
  linkHeaders: link,
  minValidatorStake: 1n,
};
const shardGenesis = [sha256(utf8("shard 0 genesis")), sha256(utf8("shard 1 genesis"))];
const start = genesisBeaconState(params, fx.set.validators, genesisMix(sha256(utf8("g"))), shardGenesis);

function beaconBlock(state: BeaconState, extra: Partial<BeaconBlockInput> = {}, who = 0): BeaconBlockInput {
  const height = state.height + 1n;
  const key = fx.keys[who] as KeyPair;
  const reveal = sign(revealMessage(BEACON, epochOfHeight(height, params.epochLength)), key.secretKey);
  return { height, proposer: key.publicKey, reveal, crosslinks: [], stakeNotices: [], ...extra };
}

function fields(b: Built): BlockIdFields {
  const { epoch, round, height, parent, proposer, payload } = b.block;
  return { epoch, round, height, parent, proposer, payloadDigest: sha256(payload) };
}

/** A certified shard chain whose payloads are linked headers; proofs for any block but the last. */
function shardChain(shard: number, length: number, f: Fixture = fx, epoch = 0n) {
  const blocks: Built[] = [];
  const qcs: QuorumCert[] = [];
  const headers: Uint8Array[] = [];
  let parentDigest = shardGenesis[shard] as Uint8Array;
  for (let i = 0; i < length; i++) {
    const bytes = header(parentDigest, BigInt(i + 1));
    headers.push(bytes);
    parentDigest = sha256(bytes);
    const qc = i === 0 ? { ...genesis(f), epoch } : (qcs[i - 1] as QuorumCert);
    const b = makeBlock(f, { round: BigInt(i + 1), parent: blocks[i - 1] ?? null, qc, payload: bytes, epoch });
    blocks.push(b);
    qcs.push(qcFor(f, b));
  }
  const proof = (i: number): CommitProof => ({
    block: fields(blocks[i] as Built),
    blockParentQc: (blocks[i] as Built).block.qc,
    blockQc: qcs[i] as QuorumCert,
    child: fields(blocks[i + 1] as Built),
    childQc: qcs[i + 1] as QuorumCert,
  });
  return { headers, proof };
}

const code = (c: string) => expect.objectContaining({ code: c });

describe("beacon state", () => {
  it("starts with the genesis committees, crosslinks and mix", () => {
    expect(start.height).toBe(0n);
    expect(start.committees.map((c) => c.epoch)).toEqual([0n]);
    // 4 validators, 2 shards of at least 4: every validator serves both.
    expect(currentCommittees(start).members).toEqual([fx.ids, fx.ids]);
    expect(start.crosslinks.map((c) => c.height)).toEqual([0n, 0n]);
    expect(committeeSetOf(start, 1, 0n)?.validators.map((v) => v.id)).toEqual(fx.ids);
    expect(committeeSetOf(start, 1, 1n)).toBeUndefined();
    expect(() => genesisBeaconState(params, fx.set.validators, start.mix, [shardGenesis[0] as Uint8Array])).toThrow();
  });

  it("folds each proposer's reveal into the mix and refuses a bad reveal or height", () => {
    const { state } = applyBeaconBlock(start, beaconBlock(start), params, batchVerify);
    expect(state.height).toBe(1n);
    expect(equalBytes(state.mix, start.mix)).toBe(false);
    const wrongEpoch = {
      ...beaconBlock(start),
      reveal: sign(revealMessage(BEACON, 5n), (fx.keys[0] as KeyPair).secretKey),
    };
    expect(() => applyBeaconBlock(start, wrongEpoch, params, batchVerify)).toThrow(/reveal/);
    const otherProposer = { ...beaconBlock(start), proposer: (fx.keys[1] as KeyPair).publicKey };
    expect(() => applyBeaconBlock(start, otherProposer, params, batchVerify)).toThrow(/reveal/);
    expect(() => applyBeaconBlock(start, { ...beaconBlock(start), height: 2n }, params, batchVerify)).toThrow(
      code(ConsensusErrorCode.invalidBlock),
    );
  });

  it("crosslinks a header chain with a commit proof of its newest header", () => {
    const s0 = shardChain(0, 4);
    const s1 = shardChain(1, 3);
    const links: CrosslinkInput[] = [
      { shard: 0, headers: s0.headers.slice(0, 2), proof: s0.proof(1) },
      { shard: 1, headers: s1.headers.slice(0, 1), proof: s1.proof(0) },
    ];
    const { state, crosslinked } = applyBeaconBlock(
      start,
      beaconBlock(start, { crosslinks: links }),
      params,
      batchVerify,
    );
    expect(state.crosslinks.map((c) => c.height)).toEqual([2n, 1n]);
    expect(crosslinked.map((c) => [c.shard, c.height])).toEqual([
      [0, 1n],
      [0, 2n],
      [1, 1n],
    ]);
    expect(equalBytes(crosslinked[1]?.digest as Uint8Array, sha256(s0.headers[1] as Uint8Array))).toBe(true);
    // The next crosslink of shard 0 continues from height 2.
    const next = beaconBlock(state, {
      crosslinks: [{ shard: 0, headers: s0.headers.slice(2, 3), proof: s0.proof(2) }],
    });
    const after = applyBeaconBlock(state, next, params, batchVerify);
    expect(after.state.crosslinks[0]?.height).toBe(3n);
    expect(after.crosslinked.map((c) => c.height)).toEqual([3n]);
  });

  it("refuses broken or unproven crosslinks and changes nothing", () => {
    const s0 = shardChain(0, 4);
    const snapshot = JSON.stringify(start, (_k, v) =>
      typeof v === "bigint" ? `${v}n` : v instanceof Uint8Array ? toHex(v) : v,
    );
    const tryLinks = (crosslinks: CrosslinkInput[]) =>
      applyBeaconBlock(start, beaconBlock(start, { crosslinks }), params, batchVerify);
    const invalid = code(ConsensusErrorCode.invalidCrosslink);
    // A gap: headers 2..3 without header 1.
    expect(() => tryLinks([{ shard: 0, headers: s0.headers.slice(1, 3), proof: s0.proof(2) }])).toThrow(invalid);
    // Headers end at 2 but the proof is for block 3.
    expect(() => tryLinks([{ shard: 0, headers: s0.headers.slice(0, 2), proof: s0.proof(2) }])).toThrow(
      /proof is for height 3/,
    );
    // The proof's block is not the newest header's (payload digest differs).
    const swapped = { ...s0.proof(1), block: { ...s0.proof(1).block, payloadDigest: sha256(utf8("other")) } };
    expect(() => tryLinks([{ shard: 0, headers: s0.headers.slice(0, 2), proof: swapped }])).toThrow(invalid);
    // Certified by validators outside the committee.
    const strangers = fixture(4, { keyNumbers: [50, 51, 52, 53] });
    const foreign = shardChain(0, 2, strangers);
    expect(() => tryLinks([{ shard: 0, headers: foreign.headers.slice(0, 1), proof: foreign.proof(0) }])).toThrow(
      invalid,
    );
    // No header, an unknown shard, two for one shard, out of order.
    expect(() => tryLinks([{ shard: 0, headers: [], proof: s0.proof(0) }])).toThrow(invalid);
    const one = { shard: 0, headers: s0.headers.slice(0, 1), proof: s0.proof(0) };
    expect(() => tryLinks([{ ...one, shard: 2 }])).toThrow(/no shard 2/);
    expect(() => tryLinks([one, one])).toThrow(/ascending shard order/);
    const s1 = shardChain(1, 2);
    expect(() => tryLinks([{ shard: 1, headers: s1.headers.slice(0, 1), proof: s1.proof(0) }, one])).toThrow(
      /ascending/,
    );
    expect(
      JSON.stringify(start, (_k, v) => (typeof v === "bigint" ? `${v}n` : v instanceof Uint8Array ? toHex(v) : v)),
    ).toBe(snapshot);
  });

  it("applies stake changes and draws new committees at the epoch boundary only", () => {
    const newcomer = keyFor(77);
    const deposit = { source: 1, seq: 0n, publicKey: newcomer.publicKey, delta: 5n };
    let s = applyBeaconBlock(start, beaconBlock(start, { stakeNotices: [deposit] }), params, batchVerify).state;
    expect(s.stakeInbox).toEqual([0n, 1n]);
    expect(s.registry).toHaveLength(4);
    expect(s.pending).toHaveLength(1);
    s = applyBeaconBlock(s, beaconBlock(s), params, batchVerify).state;
    const boundary = applyBeaconBlock(s, beaconBlock(s), params, batchVerify).state;
    expect(boundary.height).toBe(3n);
    expect(boundary.registry.map((v) => v.id)).toContain(toHex(newcomer.publicKey));
    expect(boundary.pending).toEqual([]);
    expect(boundary.committees.map((c) => c.epoch)).toEqual([0n, 1n]);
    const epoch1 = currentCommittees(boundary);
    // 5 validators, 2 shards of 4: cyclic seats, every validator on at least one shard.
    expect(epoch1.members.every((m) => m.length === 4)).toBe(true);
    expect(new Set(epoch1.members.flat()).size).toBe(5);
    expect(committeeSetOf(boundary, 0, 1n)?.epoch).toBe(1n);
    // Epoch 0's committees stay until both shards are crosslinked in epoch 1.
    expect(committeeSetOf(boundary, 0, 0n)).toBeDefined();
  });

  it("drops old committees once every shard has moved past them", () => {
    let s = start;
    for (let i = 0; i < 3; i++) s = applyBeaconBlock(s, beaconBlock(s), params, batchVerify).state;
    // Registry unchanged: the epoch-1 committees are again all four validators.
    const e1 = fixture(4, { epoch: 1n });
    const a = shardChain(0, 2, e1, 1n);
    const b = shardChain(1, 2, e1, 1n);
    const links = [
      { shard: 0, headers: a.headers.slice(0, 1), proof: a.proof(0) },
      { shard: 1, headers: b.headers.slice(0, 1), proof: b.proof(0) },
    ];
    const onlyOne = applyBeaconBlock(s, beaconBlock(s, { crosslinks: links.slice(0, 1) }), params, batchVerify).state;
    expect(onlyOne.committees.map((c) => c.epoch)).toEqual([0n, 1n]);
    const both = applyBeaconBlock(s, beaconBlock(s, { crosslinks: links }), params, batchVerify).state;
    expect(both.shardEpochs).toEqual([1n, 1n]);
    expect(both.committees.map((c) => c.epoch)).toEqual([1n]);
    expect(committeeSetOf(both, 0, 0n)).toBeUndefined();
  });

  it("takes stake receipts of each shard in seq order, exactly once", () => {
    const key = keyFor(78).publicKey;
    const notice = (source: number, seq: bigint) => ({ source, seq, publicKey: key, delta: 1n });
    const take = (notices: ReturnType<typeof notice>[]) =>
      applyBeaconBlock(start, beaconBlock(start, { stakeNotices: notices }), params, batchVerify).state;
    expect(take([notice(0, 0n), notice(1, 0n), notice(0, 1n)]).stakeInbox).toEqual([2n, 1n]);
    expect(() => take([notice(0, 1n)])).toThrow(/expected #0/);
    expect(() => take([notice(0, 0n), notice(0, 0n)])).toThrow(/expected #1/);
    expect(() => take([notice(2, 0n)])).toThrow(/does not exist/);
    const after = take([notice(0, 0n)]);
    expect(() =>
      applyBeaconBlock(after, beaconBlock(after, { stakeNotices: [notice(0, 0n)] }), params, batchVerify),
    ).toThrow(/expected #1/);
  });

  it("removes a validator whose stake reaches zero, never below, and never empties the registry", () => {
    const first = (fx.keys[0] as KeyPair).publicKey;
    let s = applyBeaconBlock(
      start,
      beaconBlock(start, { stakeNotices: [{ source: 0, seq: 0n, publicKey: first, delta: -1_000_000n }] }),
      params,
      batchVerify,
    ).state;
    for (let i = 0; i < 2; i++) s = applyBeaconBlock(s, beaconBlock(s), params, batchVerify).state;
    expect(s.registry.map((v) => v.id)).not.toContain(toHex(first));
    expect(s.registry).toHaveLength(3);
    const everyone = s.registry.map((v, i) => ({
      source: 0,
      seq: BigInt(i + 1),
      publicKey: v.publicKey,
      delta: -v.stake,
    }));
    s = applyBeaconBlock(s, beaconBlock(s, { stakeNotices: everyone }), params, batchVerify).state;
    for (let i = 0; i < 2; i++) s = applyBeaconBlock(s, beaconBlock(s), params, batchVerify).state;
    expect(s.height).toBe(6n);
    expect(s.registry).toHaveLength(3);
    expect(s.pending).toHaveLength(3);
  });

  it("deals no committee seat to a key below the minimum stake", () => {
    const small = keyFor(79).publicKey;
    const strict = { ...params, minValidatorStake: 2n };
    // The genesis validators (stake 1) bond one more each; the newcomer bonds 1.
    const notices = [...fx.keys.map((k) => k.publicKey), small].map((publicKey, i) => ({
      source: 0,
      seq: BigInt(i),
      publicKey,
      delta: 1n,
    }));
    let s = applyBeaconBlock(start, beaconBlock(start, { stakeNotices: notices }), strict, batchVerify).state;
    for (let i = 0; i < 2; i++) s = applyBeaconBlock(s, beaconBlock(s), strict, batchVerify).state;
    expect(s.registry.map((v) => v.id)).toContain(toHex(small));
    expect(currentCommittees(s).members.flat()).not.toContain(toHex(small));
  });
});
