// Building and applying a beacon block's payload: what the beacon chain's proposer puts in a
// block (its clock, its reveal, a crosslink per shard it can prove, the stake receipts waiting
// in crosslinked shard blocks) and what every validator checks before a vote (the payload
// decodes, time never moves back, every stake receipt is proven against a shard header
// crosslinked by this block or an ancestor and is the next of its shard, and the beacon rules
// of consensus/beacon/beacon-state.ts accept it). Shared by the simulator and the node.
import {
  applyBeaconBlock,
  type BeaconParams,
  type BeaconState,
  type CrosslinkedHeader,
  epochOfHeight,
  type StakeNotice,
} from "../consensus/beacon/beacon-state.ts";
import { type CertifiedBlock, commitProofFrom } from "../consensus/beacon/crosslink.ts";
import {
  type BeaconPayload,
  decodeBeaconPayload,
  encodeBeaconPayload,
  MAX_STAKE_BUNDLES_PER_BLOCK,
} from "../consensus/beacon/payload.ts";
import { revealMessage } from "../consensus/beacon/randomness.ts";
import { ConsensusError, ConsensusErrorCode } from "../consensus/errors.ts";
import type { BatchVerify, Signer } from "../consensus/interface.ts";
import { decode, encode, toHex } from "../crypto/index.ts";
import { BEACON_CHAIN, type CrossReceipt, ReceiptKind } from "../vm/cross-shard/receipt.ts";
import { type InboundBundle, inboundBundleCodec, shardPayloadDigest } from "./body.ts";
import { decodeHeader, encodeHeader, headerHash, MAX_CROSSLINK_HEADERS, type ShardHeader } from "./header.ts";
import { checkInbound } from "./inbox.ts";

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
  /** Which shard headers the parent and its ancestors crosslinked (stake receipts need one). */
  crosslinkedBefore: CrosslinkedBefore;
  /**
   * The stake receipts for the beacon waiting on `shard` from `fromSeq` on, one bundle per
   * source block in seq order, `room` receipts at most (the host's records of committed blocks).
   */
  stakeBundles(shard: number, fromSeq: bigint, room: number): InboundBundle[];
}

/** Was this header of `shard` crosslinked by the block being applied's parent or an ancestor of it? */
export type CrosslinkedBefore = (shard: number, headerHash: Uint8Array) => boolean;

/** Stake receipts one beacon block takes at most (the rest wait for the next). */
export const MAX_STAKE_RECEIPTS_PER_BLOCK = 1024;

export function buildBeaconPayload(req: BeaconBuildRequest): Uint8Array {
  const crosslinks: BeaconPayload["crosslinks"] = [];
  const linkedHere = new Set<string>();
  req.shards.forEach((chain, shard) => {
    const since = req.parent.state.crosslinks[shard]?.height ?? 0n;
    const c = crosslinkFor(chain, shard, since);
    if (c === null) return;
    crosslinks.push(c);
    for (const h of c.headers) linkedHere.add(`${shard}/${toHex(headerHash(decodeHeader(h)))}`);
  });
  const stakeBundles: Uint8Array[] = [];
  let room = MAX_STAKE_RECEIPTS_PER_BLOCK;
  req.shards.forEach((_chain, shard) => {
    const from = req.parent.state.stakeInbox[shard] ?? 0n;
    for (const bundle of req.stakeBundles(shard, from, room)) {
      const digest = headerHash(bundle.header);
      const linked = linkedHere.has(`${shard}/${toHex(digest)}`) || req.crosslinkedBefore(shard, digest);
      if (!linked || room < bundle.receipts.length || stakeBundles.length >= MAX_STAKE_BUNDLES_PER_BLOCK) break;
      stakeBundles.push(encode(inboundBundleCodec, bundle));
      room -= bundle.receipts.length;
    }
  });
  const epoch = epochOfHeight(req.height, req.params.epochLength);
  // Never before the parent (bigints, so no Math.max).
  let timeMs = req.parent.timeMs;
  if (req.nowMs > timeMs) timeMs = req.nowMs;
  const payload: BeaconPayload = {
    timeMs,
    reveal: req.sign(revealMessage(req.params.chainId, epoch)),
    crosslinks,
    stakeBundles,
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
  block: { height: bigint; proposer: Uint8Array },
  bytes: Uint8Array,
  params: BeaconParams,
  verify: BatchVerify,
  crosslinkedBefore: CrosslinkedBefore,
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
      stakeNotices: stakeNoticesOf(p, parent, crosslinkedBefore),
    },
    params,
    verify,
  );
  return { state: t.state, timeMs: p.timeMs, crosslinked: t.crosslinked };
}

/**
 * The stake receipts a payload carries, checked: each bundle's source header crosslinked by
 * this block (its crosslinks are checked by applyBeaconBlock; a block whose crosslinks fail is
 * refused whole) or an ancestor, each receipt proven against that header's outbox, for the
 * beacon, the next of its shard, and a stake receipt naming a key.
 */
function stakeNoticesOf(p: BeaconPayload, parent: BeaconBlockResult, before: CrosslinkedBefore): StakeNotice[] {
  if (p.stakeBundles.length === 0) return [];
  const linkedHere = new Set<string>();
  const bundles: InboundBundle[] = [];
  try {
    for (const c of p.crosslinks) {
      for (const h of c.headers) linkedHere.add(`${c.shard}/${toHex(headerHash(decodeHeader(h)))}`);
    }
    for (const b of p.stakeBundles) bundles.push(decode(inboundBundleCodec, b));
  } catch (e) {
    refuse(`stake receipts do not decode: ${(e as Error).message}`);
  }
  let receipts: CrossReceipt[];
  try {
    receipts = checkInbound(bundles, {
      destination: BEACON_CHAIN,
      expected: (source) => parent.state.stakeInbox[source] ?? 0n,
      isCrosslinked: (source, digest) => linkedHere.has(`${source}/${toHex(digest)}`) || before(source, digest),
    });
  } catch (e) {
    refuse(`stake receipts: ${(e as Error).message}`);
  }
  if (receipts.length > MAX_STAKE_RECEIPTS_PER_BLOCK) refuse(`${receipts.length} stake receipts in one block`);
  return receipts.map((r) => {
    const bonded = r.kind === ReceiptKind.stakeBonded;
    if ((!bonded && r.kind !== ReceiptKind.stakeUnbonded) || r.validator.length !== 32) {
      refuse(`receipt ${r.source}->beacon #${r.seq} of kind ${r.kind} is not a stake receipt`);
    }
    return { source: r.source, seq: r.seq, publicKey: r.validator, delta: bonded ? r.amount : -r.amount };
  });
}

function refuse(why: string): never {
  throw new ConsensusError(ConsensusErrorCode.invalidBlock, `beacon block: ${why}`);
}
