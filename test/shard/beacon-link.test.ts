// The beacon state crosslinking real shard blocks: consensus blocks whose payloads are
// {header, body}, hashed with the shard payload digest, certified by the shard committee.
import { describe, expect, it } from "vitest";
import {
  applyBeaconBlock,
  type BeaconParams,
  epochOfHeight,
  genesisBeaconState,
} from "../../consensus/beacon/beacon-state.ts";
import { type CertifiedBlock, commitProofFrom } from "../../consensus/beacon/crosslink.ts";
import { genesisMix, revealMessage } from "../../consensus/beacon/randomness.ts";
import { ConsensusErrorCode } from "../../consensus/errors.ts";
import { equalBytes, type KeyPair, sha256, sign, utf8 } from "../../crypto/index.ts";
import { shardHeaderLinker } from "../../shard/beacon-link.ts";
import { shardPayloadDigest } from "../../shard/body.ts";
import { encodeHeader, headerHash, type ShardHeader } from "../../shard/header.ts";
import { batchVerify, CHAIN, fixture } from "../consensus/engine/helpers.ts";
import { certifiedShardChain } from "./certified-chain.ts";
import { genesisOf } from "./fixtures.ts";

const fx = fixture(4);
const g0 = genesisOf(0);
const params: BeaconParams = {
  chainId: "ubn-beacon-link-test",
  shardCount: 1,
  epochLength: 10n,
  minCommitteeSize: 4,
  shardChainId: () => CHAIN,
  linkHeaders: shardHeaderLinker,
  minValidatorStake: 1n,
};

/** Shard 0's blocks 1..n in rounds 1..n, each certified; headers chained from the genesis header. */
function shardBlocks(n: number) {
  const chain = certifiedShardChain(
    fx,
    g0,
    Array.from({ length: n }, (_, i) => i + 1),
  );
  return { headers: chain.blocks.map((b) => b.header), certified: chain.blocks.map((b) => b.certified) };
}

function beaconBlockAt(height: bigint, crosslinks: Parameters<typeof applyBeaconBlock>[1]["crosslinks"]) {
  const key = fx.keys[0] as KeyPair;
  const reveal = sign(revealMessage(params.chainId, epochOfHeight(height, params.epochLength)), key.secretKey);
  return { height, proposer: key.publicKey, reveal, crosslinks, stakeNotices: [] };
}

describe("crosslinking real shard blocks", () => {
  const start = genesisBeaconState(params, fx.set.validators, genesisMix(sha256(utf8("g"))), [headerHash(g0)]);
  const { headers, certified } = shardBlocks(4);

  it("links the headers and proves the newest with its committed child", () => {
    const proof = commitProofFrom(certified[2] as CertifiedBlock, certified[3] as CertifiedBlock, shardPayloadDigest);
    expect(proof).not.toBeNull();
    const crosslinks = [
      { shard: 0, headers: headers.slice(0, 3).map(encodeHeader), proof: proof as NonNullable<typeof proof> },
    ];
    const { state, crosslinked } = applyBeaconBlock(start, beaconBlockAt(1n, crosslinks), params, batchVerify);
    expect(state.crosslinks[0]?.height).toBe(3n);
    expect(crosslinked.map((c) => c.height)).toEqual([1n, 2n, 3n]);
    expect(equalBytes(crosslinked[2]?.digest as Uint8Array, headerHash(headers[2] as ShardHeader))).toBe(true);
  });

  it("refuses headers that are not the proven blocks' payloads, or bytes that are no header", () => {
    const proof = commitProofFrom(certified[2] as CertifiedBlock, certified[3] as CertifiedBlock, shardPayloadDigest);
    const p = proof as NonNullable<typeof proof>;
    const other = { ...(headers[2] as ShardHeader), timeMs: 99n };
    const wrongTip = [{ shard: 0, headers: [...headers.slice(0, 2), other].map(encodeHeader), proof: p }];
    expect(() => applyBeaconBlock(start, beaconBlockAt(1n, wrongTip), params, batchVerify)).toThrow(
      expect.objectContaining({ code: ConsensusErrorCode.invalidCrosslink }),
    );
    const junk = [{ shard: 0, headers: [utf8("not a header")], proof: p }];
    expect(() => applyBeaconBlock(start, beaconBlockAt(1n, junk), params, batchVerify)).toThrow(/crosslink of shard 0/);
  });
});
