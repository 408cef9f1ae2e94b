// Checks a run of committed blocks fetched from a peer before the node applies them without
// running consensus. The run must continue the node's committed tip block by block (heights,
// parent hashes, recomputed block hashes); every quorum certificate in it must hold a quorum
// of valid signatures (each block is certified by its child's QC; the last one, and the last
// block of an epoch, by their own stored certificate); and only the blocks a 2-chain commit proves final are accepted: block i
// is final once its child i+1, from round i.round + 1, is certified too (HotStuff's commit
// rule), and then so is every block before it. The certificates' structure is checked by the
// engine's own Verifier; their signatures are collected and verified in one batch on the
// worker threads.

import {
  type Block,
  blockCodec,
  blockHash,
  type CommitProof,
  EpochRegistry,
  genesisQc,
  type PayloadDigest,
  type QuorumCert,
  quorumCertCodec,
  type ValidatorSet,
  Verifier,
} from "../../consensus/index.ts";
import { decode, encode, equalBytes, type SignedItem, toHex } from "../../crypto/index.ts";
import type { StoredBlock } from "../chain/block-store.ts";
import { SyncError, SyncErrorCode } from "./errors.ts";

export interface RangeAnchor {
  height: bigint;
  hash: Uint8Array;
}

export interface VerifiedBlock {
  stored: StoredBlock;
  block: Block;
  hash: Uint8Array;
  /**
   * A verified QC for the block, to store with it: the child's QC, or for the last block of
   * the run its own certificate (a certificate that was not checked is never kept or served).
   */
  certificate: Uint8Array;
  /**
   * On the run's last block when the peer's tip proof proved it: kept with the block, so that
   * this node, once at that tip, serves the proof in turn (a node that caught up by fast sync
   * could otherwise prove its tip to nobody).
   */
  proof?: CommitProof;
}

export interface EpochSet {
  set: ValidatorSet;
  fromHeight: bigint;
}

/** The set that runs `height`: the first, or the newest later one begun by then. */
export function setInForce(first: ValidatorSet, later: readonly EpochSet[], height: bigint): ValidatorSet {
  let set = first;
  for (const e of later) if (e.fromHeight <= height) set = e.set;
  return set;
}

export interface RangeContext {
  chainId: string;
  /** What a block hash commits to of its payload (a shard block: its header). */
  payloadDigest: PayloadDigest;
  genesisHash: Uint8Array;
  validators: ValidatorSet;
  /**
   * The epochs after the first this node has learned so far, in order (a shard's committees,
   * learned from the blocks it commits). A run stops, without blame, at the first certificate of
   * an epoch not learned yet: the node learns it by applying the blocks before, and asks again.
   */
  laterEpochs?: () => readonly EpochSet[];
  verify: (items: readonly SignedItem[]) => Promise<boolean[]>;
}

/**
 * The prefix of `blocks` proven final, in order. The last block is proven only by `tipProof`
 * (the peer's proof that its tip is final), when the run ends at the peer's tip and it has one.
 * Throws SyncError if anything in the run is wrong: the peer that sent it is then to blame.
 */
export async function verifyRange(
  ctx: RangeContext,
  anchor: RangeAnchor,
  blocks: readonly StoredBlock[],
  tipProof?: TipProofLike | null,
): Promise<VerifiedBlock[]> {
  if (tipProof === undefined || tipProof === null || blocks.length === 0) return verifyRun(ctx, anchor, blocks);
  // The proof's blocks (the child, and at an epoch's end the suffix blocks above it) go through
  // every check a block of the run gets: each continues the one before and its QC certifies it,
  // and the last one's certificate holds a quorum. They only ever prove the blocks before them,
  // and are never returned: they are not final.
  const encoded = [tipProof.child, ...tipProof.above];
  let proofBlocks: Block[];
  try {
    proofBlocks = encoded.map((b) => decode(blockCodec, b));
  } catch (e) {
    throw new SyncError(SyncErrorCode.malformed, `tip proof does not decode: ${(e as Error).message}`);
  }
  const above: StoredBlock[] = proofBlocks.map((block, i) => ({
    hash: blockHash(ctx.chainId, block, ctx.payloadDigest),
    block: encoded[i] as Uint8Array,
    // A block below the last is certified by the next one's QC, which the run checks there.
    certificate:
      i + 1 < proofBlocks.length ? encode(quorumCertCodec, (proofBlocks[i + 1] as Block).qc) : tipProof.certificate,
  }));
  const out = (await verifyRun(ctx, anchor, [...blocks, ...above])).slice(0, blocks.length);
  const tip = out[blocks.length - 1];
  if (tip !== undefined)
    tip.proof = { child: tipProof.child, above: [...tipProof.above], certificate: tipProof.certificate };
  return out;
}

/** A commit proof as peers send it with their tip (node/chain/block-store.ts TipProof). */
export interface TipProofLike {
  child: Uint8Array;
  above: readonly Uint8Array[];
  certificate: Uint8Array;
}

async function verifyRun(
  ctx: RangeContext,
  anchor: RangeAnchor,
  blocks: readonly StoredBlock[],
): Promise<VerifiedBlock[]> {
  const items: SignedItem[] = [];
  const collect = (batch: readonly SignedItem[]) => {
    items.push(...batch);
    return batch.map(() => true);
  };
  const registry = new EpochRegistry(ctx.validators);
  for (const e of ctx.laterEpochs?.() ?? []) registry.add(e.set, e.fromHeight, 0n, 0n);
  const known = (epoch: bigint) => registry.byEpoch(epoch) !== undefined;
  const verifier = new Verifier(ctx.chainId, registry, collect, genesisQc(ctx.validators.epoch, ctx.genesisHash));
  const out: VerifiedBlock[] = [];
  let parent = anchor;
  let previousCert: QuorumCert | undefined;
  for (const stored of blocks) {
    let block: Block;
    let cert: QuorumCert;
    try {
      block = decode(blockCodec, stored.block);
      cert = decode(quorumCertCodec, stored.certificate);
    } catch (e) {
      throw new SyncError(SyncErrorCode.malformed, `block record does not decode: ${(e as Error).message}`);
    }
    const hash = blockHash(ctx.chainId, block, ctx.payloadDigest);
    const height = parent.height + 1n;
    if (block.height !== height || !equalBytes(block.parent, parent.hash)) {
      throw new SyncError(
        SyncErrorCode.notAChain,
        `block ${block.height} does not continue ${parent.height} (${toHex(parent.hash)})`,
      );
    }
    if (!equalBytes(hash, stored.hash))
      throw new SyncError(SyncErrorCode.notAChain, `block ${height} is not the block it names`);
    // The first block of an epoch builds on the last block of the one before, but carries that
    // epoch's highest QC, which certifies one of the empty suffix blocks above it (never
    // committed; consensus/block-tree.ts): its parent is then vouched for by its own certificate.
    const opensEpoch =
      block.epoch === block.qc.epoch + 1n &&
      !equalBytes(block.qc.blockHash, parent.hash) &&
      block.qc.height > parent.height;
    if (!opensEpoch && (!equalBytes(block.qc.blockHash, parent.hash) || block.qc.height !== parent.height)) {
      throw new SyncError(SyncErrorCode.badCertificate, `block ${height}'s QC does not certify its parent`);
    }
    if (!equalBytes(cert.blockHash, hash) || cert.height !== height || cert.round !== block.round) {
      throw new SyncError(SyncErrorCode.badCertificate, `block ${height}'s certificate is for another block`);
    }
    const last = stored === blocks[blocks.length - 1];
    if (!known(block.qc.epoch) || (last && !known(cert.epoch))) {
      // The block before is certified only by this block's QC, which cannot be checked yet.
      out.pop();
      break;
    }
    const previous = out[out.length - 1];
    try {
      verifier.checkQc(block.qc);
      if (opensEpoch && previous !== undefined) verifier.checkQc(previousCert as QuorumCert);
      // Every block but the last is certified by the next block's QC, checked just above on the
      // next turn; the stored certificate adds nothing there, and checking it too would double
      // the signature work of a sync. The last block has only its own.
      if (last) verifier.checkQc(cert);
    } catch (e) {
      throw new SyncError(SyncErrorCode.badCertificate, `block ${height}: ${(e as Error).message}`);
    }
    if (previous !== undefined && !opensEpoch) previous.certificate = encode(quorumCertCodec, block.qc);
    out.push({ stored, block, hash, certificate: stored.certificate });
    previousCert = cert;
    parent = { height, hash };
  }
  const ok = await ctx.verify(items);
  if (ok.length !== items.length || ok.some((v) => !v)) {
    throw new SyncError(SyncErrorCode.badCertificate, "a certificate carries an invalid signature");
  }
  let final = 0;
  for (let i = 0; i + 1 < out.length; i++) {
    if ((out[i + 1] as VerifiedBlock).block.round === (out[i] as VerifiedBlock).block.round + 1n) final = i + 1;
  }
  return out.slice(0, final);
}
