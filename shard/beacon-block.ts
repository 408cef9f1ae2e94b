// Building and applying a beacon block's payload: what the beacon chain's proposer puts in a
// block (its clock, its reveal, a crosslink per shard it can prove) and what every validator
// checks before a vote (the payload decodes, time never moves back, and the beacon rules of
// consensus/beacon/beacon-state.ts accept it). Shared by the simulator and the node.
import {
  applyBeaconBlock,
  type BeaconParams,
  type BeaconState,
  type CrosslinkedHeader,
  epochOfHeight,
  type StakeChange,
} from "../consensus/beacon/beacon-state.ts";
import { type CertifiedBlock, commitProofFrom } from "../consensus/beacon/crosslink.ts";
import { type BeaconPayload, decodeBeaconPayload, encodeBeaconPayload } from "../consensus/beacon/payload.ts";
import { revealMessage } from "../consensus/beacon/randomness.ts";
import { ConsensusError, ConsensusErrorCode } from "../consensus/errors.ts";
import type { BatchVerify, Signer } from "../consensus/interface.ts";
import { shardPayloadDigest } from "./body.ts";
import { encodeHeader, MAX_CROSSLINK_HEADERS, type ShardHeader } from "./header.ts";

/** A committed shard block as its followers keep it: the block with the QC that certifies it, and its header. */
export interface CommittedShardBlock {
  certified: CertifiedBlock;
  header: ShardHeader;
}

/** The committed blocks of one shard a proposer knows, by height (1 ..= height). */
export interface CommittedShardChain {
  readonly height: number;
  at(height: number): CommittedShardBlock | undefined;
}

/** A beacon block's result: the state after it, its time, and the shard headers it crosslinked. */
export interface BeaconBlockResult {
  state: BeaconState;
  timeMs: bigint;
  crosslinked: CrosslinkedHeader[];
}

/**
 * Every committed header of `shard` above `since` up to the newest block this chain can prove
 * committed (a committed child in the next round of the same epoch), at most
 * MAX_CROSSLINK_HEADERS; null when there is nothing new to prove.
 */
export function crosslinkFor(
  chain: CommittedShardChain,
  shard: number,
  since: bigint,
): BeaconPayload["crosslinks"][number] | null {
  const from = Number(since);
  const last = Math.min(chain.height - 1, from + MAX_CROSSLINK_HEADERS);
  for (let h = last; h > from; h--) {
    const block = chain.at(h);
    const child = chain.at(h + 1);
    if (block === undefined || child === undefined) return null;
    const proof = commitProofFrom(block.certified, child.certified, shardPayloadDigest);
    if (proof === null) continue;
    const headers: Uint8Array[] = [];
    for (let i = from + 1; i <= h; i++) {
      const b = chain.at(i);
      if (b === undefined) return null;
      headers.push(encodeHeader(b.header));
    }
    return { shard, headers, proof };
  }
  return null;
}

export interface BeaconBuildRequest {
  parent: BeaconBlockResult;
  height: bigint;
  nowMs: bigint;
  params: BeaconParams;
  /** Signs with the proposer's consensus key (the reveal). */
  sign: Signer;
  /** The committed chain of each shard, as this proposer follows it. */
  shards: readonly CommittedShardChain[];
}

export function buildBeaconPayload(req: BeaconBuildRequest): Uint8Array {
  const crosslinks: BeaconPayload["crosslinks"] = [];
  req.shards.forEach((chain, shard) => {
    const since = req.parent.state.crosslinks[shard]?.height ?? 0n;
    const c = crosslinkFor(chain, shard, since);
    if (c !== null) crosslinks.push(c);
  });
  const epoch = epochOfHeight(req.height, req.params.epochLength);
  // Never before the parent (bigints, so no Math.max).
  let timeMs = req.parent.timeMs;
  if (req.nowMs > timeMs) timeMs = req.nowMs;
  const payload: BeaconPayload = {
    timeMs,
    reveal: req.sign(revealMessage(req.params.chainId, epoch)),
    crosslinks,
  };
  return encodeBeaconPayload(payload);
}

/**
 * Applies the beacon block at `height` by `proposer` (its consensus public key) carrying
 * `bytes` on its parent's result. Throws ConsensusError (invalidBlock, invalidCrosslink,
 * badSignature) and changes nothing otherwise.
 */
export function applyBeaconPayload(
  parent: BeaconBlockResult,
  block: { height: bigint; proposer: Uint8Array; stakeChanges?: readonly StakeChange[] },
  bytes: Uint8Array,
  params: BeaconParams,
  verify: BatchVerify,
): BeaconBlockResult {
  let p: BeaconPayload;
  try {
    p = decodeBeaconPayload(bytes);
  } catch (e) {
    throw new ConsensusError(
      ConsensusErrorCode.invalidBlock,
      `beacon payload does not decode: ${(e as Error).message}`,
    );
  }
  if (p.timeMs < parent.timeMs) {
    throw new ConsensusError(
      ConsensusErrorCode.invalidBlock,
      `beacon time ${p.timeMs} before the parent's ${parent.timeMs}`,
    );
  }
  const t = applyBeaconBlock(
    parent.state,
    {
      height: block.height,
      proposer: block.proposer,
      reveal: p.reveal,
      crosslinks: p.crosslinks,
      stakeChanges: block.stakeChanges ?? [],
    },
    params,
    verify,
  );
  return { state: t.state, timeMs: p.timeMs, crosslinked: t.crosslinked };
}
