// The beacon payload a proposer builds from the shard blocks it has committed, and what every
// validator accepts: real consensus blocks of shard 0, certified by its committee.
import { describe, expect, it } from "vitest";
import { type BeaconParams, genesisBeaconState } from "../../consensus/beacon/beacon-state.ts";
import { decodeBeaconPayload, encodeBeaconPayload } from "../../consensus/beacon/payload.ts";
import { genesisMix } from "../../consensus/beacon/randomness.ts";
import { ConsensusErrorCode } from "../../consensus/errors.ts";
import { decode, encode, type KeyPair, sha256, sign, toHex, utf8 } from "../../crypto/index.ts";
import {
  applyBeaconPayload,
  type BeaconBlockResult,
  buildBeaconPayload,
  type CommittedShardChain,
  type CrosslinkedBefore,
  crosslinkFor,
} from "../../shard/beacon-block.ts";
import { shardHeaderLinker } from "../../shard/beacon-link.ts";
import { type InboundBundle, inboundBundleCodec } from "../../shard/body.ts";
import { headerHash } from "../../shard/header.ts";
import { bundleFor } from "../../shard/outbox.ts";
import { BEACON_CHAIN, type CrossReceipt, ReceiptKind } from "../../vm/cross-shard/receipt.ts";
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
  minValidatorStake: 1n,
};
const g0 = genesisOf(0);

const committedChain = (rounds: number[]) => certifiedShardChain(fx, g0, rounds);

const start: BeaconBlockResult = {
  state: genesisBeaconState(params, fx.set.validators, genesisMix(sha256(utf8("g"))), [headerHash(g0)]),
  timeMs: 1_000n,
  crosslinked: [],
};
const proposer = fx.keys[1] as KeyPair;
const notLinkedBefore = () => false;
const build = (
  chain: CommittedShardChain,
  nowMs = 2_000n,
  stakeBundles: (shard: number, from: bigint, room: number) => InboundBundle[] = () => [],
) =>
  buildBeaconPayload({
    parent: start,
    height: 1n,
    nowMs,
    params,
    sign: (m) => sign(m, proposer.secretKey),
    shards: [chain],
    crosslinkedBefore: notLinkedBefore,
    stakeBundles,
  });
const apply = (
  bytes: Uint8Array,
  by: KeyPair = proposer,
  before: CrosslinkedBefore = notLinkedBefore,
  parent = start,
) =>
  applyBeaconPayload(
    parent,
    { height: parent.state.height + 1n, proposer: by.publicKey },
    bytes,
    params,
    batchVerify,
    before,
  );

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

  describe("stake receipts", () => {
    const key = (n: number) => new Uint8Array(32).fill(n);
    const stakeReceipt = (seq: bigint, kind: number, amount: bigint, n = 9): CrossReceipt => ({
      source: 0,
      destination: BEACON_CHAIN,
      seq,
      kind,
      origin: sha256(utf8(`stake ${seq}`)),
      from: new Uint8Array(20).fill(n),
      to: new Uint8Array(20).fill(n),
      amount,
      validator: kind === ReceiptKind.transfer ? new Uint8Array(0) : key(n),
    });
    // Block 2 bonds 50 and 7 for key 9 and unbonds 20 of it; block 3 bonds 5 for key 8.
    const outboxes = new Map<bigint, CrossReceipt[]>([
      [2n, [stakeReceipt(0n, ReceiptKind.stakeBonded, 50n), stakeReceipt(1n, ReceiptKind.stakeUnbonded, 20n)]],
      [3n, [stakeReceipt(2n, ReceiptKind.stakeBonded, 5n, 8)]],
    ]);
    const chain = certifiedShardChain(fx, g0, [1, 2, 3, 4, 5], (h) => outboxes.get(h) ?? []);
    /** What a node's records hand the proposer: bundles from `from` on, in seq order. */
    const waiting = (_shard: number, from: bigint, room: number): InboundBundle[] => {
      const out: InboundBundle[] = [];
      for (const [h, outbox] of outboxes) {
        const header = chain.at(Number(h))?.header;
        if (header === undefined) continue;
        const b = bundleFor(header, outbox, BEACON_CHAIN, from, room);
        if (b.receipts.length > 0) out.push(b);
      }
      return out;
    };
    const withBundles = (bytes: Uint8Array, edit: (bundles: InboundBundle[]) => InboundBundle[]) => {
      const p = decodeBeaconPayload(bytes);
      const bundles = edit(p.stakeBundles.map((b) => decode(inboundBundleCodec, b)));
      return encodeBeaconPayload({ ...p, stakeBundles: bundles.map((b) => encode(inboundBundleCodec, b)) });
    };

    it("are taken from the headers the block crosslinks, in seq order, and queue registry changes", () => {
      const bytes = build(chain, 2_000n, waiting);
      expect(decodeBeaconPayload(bytes).stakeBundles).toHaveLength(2);
      const r = apply(bytes);
      expect(r.state.stakeInbox).toEqual([3n]);
      expect(r.state.pending.map((c) => [toHex(c.publicKey), c.delta])).toEqual([
        [toHex(key(9)), 50n],
        [toHex(key(9)), -20n],
        [toHex(key(8)), 5n],
      ]);
    });

    it("are refused replayed, reordered, with a forged proof, of the wrong kind, or from a header not crosslinked", () => {
      const bytes = build(chain, 2_000n, waiting);
      const invalid = expect.objectContaining({ code: ConsensusErrorCode.invalidBlock });
      // Reordered: the second block's bundle first.
      expect(() => apply(withBundles(bytes, (b) => [...b].reverse()))).toThrow(/expected #0/);
      // A gap: the first receipt left out.
      expect(() => apply(withBundles(bytes, (b) => b.slice(1)))).toThrow(invalid);
      // Forged: the amount raised after the proof was made.
      const forged = withBundles(bytes, (b) =>
        b.map((x, i) =>
          i > 0
            ? x
            : {
                ...x,
                receipts: x.receipts.map((r, j) => (j > 0 ? r : { ...r, receipt: { ...r.receipt, amount: 5_000n } })),
              },
        ),
      );
      expect(() => apply(forged)).toThrow(/not in the header's outbox/);
      // Replayed: a parent that took them already.
      const after = apply(bytes);
      const again = buildBeaconPayload({
        parent: after,
        height: 2n,
        nowMs: 3_000n,
        params,
        sign: (m) => sign(m, proposer.secretKey),
        shards: [chain],
        crosslinkedBefore: () => true,
        stakeBundles: () => [],
      });
      const replay = withBundles(again, () => waiting(0, 0n, 10));
      expect(() => apply(replay, proposer, () => true, after)).toThrow(/was delivered/);
      // Not crosslinked: the same bundles in a block that carries no crosslink, with none before.
      const bare = encodeBeaconPayload({ ...decodeBeaconPayload(bytes), crosslinks: [] });
      expect(() => apply(bare)).toThrow(/not crosslinked/);
      // ...and accepted once an ancestor crosslinked them.
      expect(apply(bare, proposer, () => true).state.stakeInbox).toEqual([3n]);
    });

    it("refuse a transfer sent to the beacon", () => {
      const odd = new Map<bigint, CrossReceipt[]>([[2n, [stakeReceipt(0n, ReceiptKind.transfer, 50n)]]]);
      const c = certifiedShardChain(fx, g0, [1, 2, 3, 4, 5], (h) => odd.get(h) ?? []);
      const header = c.at(2)?.header;
      if (header === undefined) throw new Error("no block 2");
      const bytes = build(c, 2_000n, (_s, from, room) => [
        bundleFor(header, odd.get(2n) ?? [], BEACON_CHAIN, from, room),
      ]);
      expect(() => apply(bytes)).toThrow(/is not a stake receipt/);
    });
  });
});
