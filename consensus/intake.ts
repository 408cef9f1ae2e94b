// How blocks get into the tree: checked against their parent (block-rules.ts), or parked until
// what they build on has been fetched from other validators (synchronizer.ts), then let in
// oldest first. Also remembers QCs for blocks not seen yet, applied when the block arrives.
import { equalBytes, isEncodingError, toHex } from "../crypto/index.ts";
import { placeBlock, startsEpoch } from "./block-rules.ts";
import type { BlockNode, BlockTree } from "./block-tree.ts";
import type { Verifier } from "./certificates.ts";
import { ConsensusError, ConsensusErrorCode, isConsensusError } from "./errors.ts";
import type { ValidatorId } from "./interface.ts";
import type { Block, Message, PayloadDigest, QuorumCert, SyncRequest, SyncResponse } from "./messages.ts";
import { type PendingBlock, PendingBlocks } from "./pending-blocks.ts";
import { chainHashes, Synchronizer, serveSync } from "./synchronizer.ts";
import type { EpochRegistry } from "./validators.ts";

const MAX_UNCOMMITTED_BLOCKS = 1024;
const MAX_CERTIFIED_UNKNOWN = 1024;

/** What the intake needs from the core. */
export interface IntakeHooks {
  /** Sorted ids of the current epoch's validators (sync peers). */
  peers(): readonly ValidatorId[];
  /** A verified QC: the core's "on QC". */
  onQc(qc: QuorumCert, from: ValidatorId | null): void;
  /** Blocks committed outside the 2-chain rule (the start of an epoch). */
  onCommits(nodes: BlockNode[]): void;
  /** A block went into the tree; when it came as a proposal the core may vote for it. */
  onInserted(pb: PendingBlock, node: BlockNode): void;
  send(to: ValidatorId, m: Message): void;
  drop(code: string): void;
}

export class BlockIntake {
  private readonly pending = new PendingBlocks();
  private readonly certifiedUnknown = new Map<string, QuorumCert>();
  private readonly sync: Synchronizer;
  private readonly chainId: string;
  private readonly payloadDigest: PayloadDigest;
  private readonly tree: BlockTree;
  private readonly registry: EpochRegistry;
  private readonly verifier: Verifier;
  private readonly hooks: IntakeHooks;

  constructor(
    chainId: string,
    payloadDigest: PayloadDigest,
    self: ValidatorId,
    tree: BlockTree,
    registry: EpochRegistry,
    verifier: Verifier,
    hooks: IntakeHooks,
  ) {
    this.chainId = chainId;
    this.payloadDigest = payloadDigest;
    this.sync = new Synchronizer(self);
    this.tree = tree;
    this.registry = registry;
    this.verifier = verifier;
    this.hooks = hooks;
  }

  /** Into the tree now, or parked until what it builds on has been fetched. */
  accept(pb: PendingBlock): void {
    const missing = this.missingFor(pb.block, pb.hash);
    if (missing.length === 0) {
      this.hooks.onInserted(pb, this.insert(pb.block, pb.hash));
      return;
    }
    for (let evicted = this.pending.add(toHex(pb.hash), pb); evicted > 0; evicted--) {
      this.hooks.drop(ConsensusErrorCode.capacity);
    }
    // A missing block that is itself parked here gets fetched through its own ancestors: ask
    // for the oldest one missing (again, if an earlier fetch of it gave up).
    for (const h of missing) {
      const oldest = this.oldestMissing(h);
      if (oldest !== null) this.requestSync(oldest, pb.from);
    }
  }

  /**
   * Follows parked parents down from `hash` to the first block neither parked nor in the tree;
   * null if the chain ends at a parked block waiting for something else (the QC block of an
   * epoch's start), which its own arrival asked for.
   */
  private oldestMissing(hash: Uint8Array): Uint8Array | null {
    let h = hash;
    // The pool holds at most a few hundred blocks; the bound only guards against a cycle.
    for (let steps = 0; steps < 1024; steps++) {
      const parked = this.pending.get(toHex(h));
      if (parked === undefined) return h;
      if (this.tree.has(parked.block.parent)) return null;
      h = parked.block.parent;
    }
    return null;
  }

  /** Checks a block (block-rules.ts) and adds it to the tree, with what that commits. */
  insert(b: Block, hash: Uint8Array): BlockNode {
    const hex = toHex(hash);
    const known = this.tree.get(hex);
    if (known !== undefined) return known;
    const parent = this.tree.get(toHex(b.parent));
    if (parent === undefined) throw new ConsensusError(ConsensusErrorCode.invalidBlock, "unknown parent");
    if (parent.committed && parent !== this.tree.committedTip) {
      throw new ConsensusError(
        ConsensusErrorCode.conflictsWithCommit,
        `block at height ${b.height} forks below the commit`,
      );
    }
    if (this.tree.uncommittedCount >= MAX_UNCOMMITTED_BLOCKS) {
      throw new ConsensusError(ConsensusErrorCode.capacity, "too many uncommitted blocks");
    }
    const place = placeBlock(b, parent, this.registry);
    const cert = this.certifiedUnknown.get(hex);
    if (place === "epoch-start" && !parent.committed) {
      // The previous epoch's last block is known committed here through the 2-chain rule, or
      // because the new epoch's quorum already certified this first block: its honest members
      // voted for it only after that commit.
      const byNewEpoch = cert !== undefined && cert.epoch === b.epoch && cert.round === b.round;
      if (!byNewEpoch) {
        throw new ConsensusError(
          ConsensusErrorCode.invalidBlock,
          "an epoch starts only after the previous epoch's last block commits",
        );
      }
      if (parent.certifiedBy === null) parent.certifiedBy = b.qc;
      this.hooks.onCommits(this.tree.commitThrough(parent));
    }
    const node = this.tree.add(b, hash, place === "suffix");
    this.pending.delete(hex);
    this.sync.forget(hash);
    if (cert !== undefined) {
      this.certifiedUnknown.delete(hex);
      this.hooks.onQc(cert, null);
    }
    return node;
  }

  /** A verified QC for a block not in the tree: apply it on arrival, fetch it meanwhile. */
  awaitBlock(qc: QuorumCert, from: ValidatorId | null): void {
    this.noteCertified(qc);
    // A certified block may go in even before its epoch's start commits here (insert).
    if (this.pending.has(toHex(qc.blockHash))) this.drain();
    else this.requestSync(qc.blockHash, from);
  }

  /** Forgets parked blocks at or below a committed height. */
  committedUpTo(height: bigint): void {
    this.pending.dropAtOrBelow(height);
  }

  requestSync(hash: Uint8Array, from: ValidatorId | null): void {
    const s = this.sync.request(hash, from, this.hooks.peers());
    if (s !== null) this.hooks.send(s.to, { kind: "sync-request", ...s.request });
  }

  /** Block fetches sent and not answered yet. */
  get openSyncRequests(): number {
    return this.sync.openRequests;
  }

  /** On each local timeout and sync timer: every open request goes to its next peer. */
  retrySync(): void {
    for (const s of this.sync.retry(this.hooks.peers())) this.hooks.send(s.to, { kind: "sync-request", ...s.request });
  }

  onSyncRequest(from: ValidatorId, r: SyncRequest): void {
    const blocks = serveSync(this.tree, r);
    if (blocks !== null) this.hooks.send(from, { kind: "sync-response", blocks });
  }

  onSyncResponse(from: ValidatorId, r: SyncResponse): void {
    const hashes = chainHashes(this.chainId, r.blocks, this.payloadDigest);
    const last = hashes?.[hashes.length - 1];
    if (hashes === null || last === undefined || !this.sync.claim(last)) {
      throw new ConsensusError(ConsensusErrorCode.unsolicitedSync, "no open request for this chain");
    }
    for (const b of r.blocks) this.verifier.checkQc(b.qc);
    // Each block's QC certifies the block before it; known before that block goes in, this
    // lets the first block of an epoch in. The last block is certified by the QC we asked for.
    for (let i = 0; i + 1 < r.blocks.length; i++) {
      const qc = (r.blocks[i + 1] as Block).qc;
      if (equalBytes(qc.blockHash, hashes[i] as Uint8Array)) this.noteCertified(qc);
    }
    for (let i = 0; i < r.blocks.length; i++) {
      const b = r.blocks[i] as Block;
      const hash = hashes[i] as Uint8Array;
      if (b.height <= this.tree.committedTip.height || this.tree.has(hash)) continue;
      this.attempt(() => {
        this.hooks.onQc(b.qc, from);
        this.accept({ block: b, hash, from, proposal: null });
      });
    }
    this.drain();
  }

  /** Lets in every parked block whose ancestors arrived, until none is left that can go in. */
  drain(): void {
    for (let progress = true; progress; ) {
      progress = false;
      for (const [hex, pb] of this.pending.snapshot()) {
        if (!this.pending.has(hex)) continue;
        let missing: Uint8Array[] | null = null;
        this.attempt(() => {
          missing = this.missingFor(pb.block, pb.hash);
        });
        if (missing === null) {
          this.pending.delete(hex);
          continue;
        }
        if ((missing as Uint8Array[]).length > 0) continue;
        this.pending.delete(hex);
        progress = true;
        this.attempt(() => this.hooks.onInserted(pb, this.insert(pb.block, pb.hash)));
      }
    }
  }

  /** Hashes still to fetch before `b` can be checked; throws if it can never fit. */
  private missingFor(b: Block, hash: Uint8Array): Uint8Array[] {
    if (this.tree.has(hash)) return [];
    const parent = this.tree.get(toHex(b.parent));
    if (parent === undefined) {
      if (b.height - 1n <= this.tree.committedTip.height) {
        throw new ConsensusError(
          ConsensusErrorCode.conflictsWithCommit,
          `block at height ${b.height} forks below the commit`,
        );
      }
      return [b.parent];
    }
    if (!startsEpoch(b) || parent.committed || this.certifiedUnknown.has(toHex(hash))) return [];
    return this.tree.has(b.qc.blockHash) ? [] : [b.qc.blockHash];
  }

  private noteCertified(qc: QuorumCert): void {
    if (this.tree.has(qc.blockHash)) return;
    if (this.certifiedUnknown.size >= MAX_CERTIFIED_UNKNOWN) {
      this.certifiedUnknown.delete(this.certifiedUnknown.keys().next().value as string);
    }
    this.certifiedUnknown.set(toHex(qc.blockHash), qc);
  }

  private attempt(step: () => void): void {
    try {
      step();
    } catch (e) {
      if (isConsensusError(e)) this.hooks.drop(e.code);
      else if (isEncodingError(e)) this.hooks.drop(ConsensusErrorCode.malformed);
      else throw e;
    }
  }
}
