// The blocks this validator knows above its last committed block, and the 2-chain commit rule:
// when a QC certifies block B, B's own QC certifies its parent P and P.round + 1 == B.round,
// then P and every uncommitted ancestor of P are committed, oldest first, exactly once.
//
// Epoch hand-over: the last block X of epoch k (height fromHeight(k+1) - 1) must be committed
// by epoch k's validators before epoch k+1 starts. Blocks of epoch k above X are "suffix"
// blocks: empty, never committed themselves (committing one commits up to X), and dropped once
// epoch k+1's first block, a child of X, is committed. The tree only sees the `suffix` flag;
// the core decides it from the validator sets.
import { equalBytes, toHex } from "../crypto/index.ts";
import type { Block, QuorumCert } from "./messages.ts";
import type { CommittedTip } from "./safety.ts";

export interface BlockNode {
  hash: Uint8Array;
  hex: string;
  epoch: bigint;
  round: bigint;
  height: bigint;
  /** Null for the root this engine started from (genesis, or the committed tip after a restart). */
  parentHex: string | null;
  block: Block | null;
  /** A QC for this block, once seen (normally carried by a child). */
  certifiedBy: QuorumCert | null;
  committed: boolean;
  suffix: boolean;
}

/** Committed blocks kept to answer sync requests of validators that fell a little behind. */
const RETAINED_COMMITTED = 256;
const RETAINED_COMMITTED_BYTES = 64 << 20;

export class BlockTree {
  private readonly nodes = new Map<string, BlockNode>();
  private readonly children = new Map<string, string[]>();
  /** Committed blocks still kept, oldest first; the last one is the committed tip. */
  private readonly history: BlockNode[] = [];
  private historyBytes = 0;
  /** Blocks added below or beside the committed chain (never by the core): dropped at the next commit. */
  private readonly strays = new Set<string>();

  constructor(root: CommittedTip) {
    const node: BlockNode = {
      hash: root.hash,
      hex: toHex(root.hash),
      epoch: root.epoch,
      round: root.round,
      height: root.height,
      parentHex: null,
      block: null,
      certifiedBy: null,
      committed: true,
      suffix: false,
    };
    this.nodes.set(node.hex, node);
    this.history.push(node);
  }

  get committedTip(): BlockNode {
    return this.history[this.history.length - 1] as BlockNode;
  }

  get uncommittedCount(): number {
    return this.nodes.size - this.history.length;
  }

  get(hex: string): BlockNode | undefined {
    return this.nodes.get(hex);
  }

  has(hash: Uint8Array): boolean {
    return this.nodes.has(toHex(hash));
  }

  /** Adds a block the core has validated; its parent must be here. */
  add(block: Block, hash: Uint8Array, suffix: boolean): BlockNode {
    const hex = toHex(hash);
    const existing = this.nodes.get(hex);
    if (existing !== undefined) return existing;
    const parentHex = toHex(block.parent);
    const node: BlockNode = {
      hash,
      hex,
      epoch: block.epoch,
      round: block.round,
      height: block.height,
      parentHex,
      block,
      certifiedBy: null,
      committed: false,
      suffix,
    };
    this.nodes.set(hex, node);
    const siblings = this.children.get(parentHex);
    if (siblings === undefined) this.children.set(parentHex, [hex]);
    else siblings.push(hex);
    const parent = this.nodes.get(parentHex);
    // The core only adds blocks above the committed tip; anything else can never commit and
    // goes at the next commit, as the blocks forking off the committed chain do.
    if (parent === undefined || (parent.committed && parent !== this.committedTip)) this.strays.add(hex);
    if (parent !== undefined && parent.certifiedBy === null && equalBytes(block.qc.blockHash, parent.hash)) {
      parent.certifiedBy = block.qc;
    }
    return node;
  }

  /** Is `node` `ancestor` or one of its descendants? */
  descendsFrom(node: BlockNode, ancestor: BlockNode): boolean {
    let n: BlockNode | undefined = node;
    while (n !== undefined && n.height > ancestor.height)
      n = n.parentHex === null ? undefined : this.nodes.get(n.parentHex);
    return n === ancestor;
  }

  /**
   * Records that `qc` certifies its block (if known) and applies the 2-chain rule.
   * Returns the newly committed blocks in chain order (empty when nothing commits).
   */
  certify(qc: QuorumCert): BlockNode[] {
    const b = this.nodes.get(toHex(qc.blockHash));
    if (b === undefined || b.committed) return [];
    if (b.certifiedBy === null) b.certifiedBy = qc;
    if (b.block === null || b.parentHex === null) return [];
    // The first block of an epoch carries the previous epoch's QC, not its parent's: no chain.
    if (!equalBytes(b.block.qc.blockHash, b.block.parent)) return [];
    const parent = this.nodes.get(b.parentHex);
    if (parent === undefined || parent.round + 1n !== b.round) return [];
    let target: BlockNode | undefined = parent;
    // Suffix blocks are never committed. An engine that has not learned the next epoch yet (a
    // node behind, whose host learns epochs from what it commits) cannot tell them by height,
    // but they are the only blocks with an empty payload (hosts never propose one), so it skips
    // those too: otherwise it would commit a suffix block where everyone else commits the next
    // epoch's first block.
    while (target !== undefined && (target.suffix || target.block?.payload.length === 0)) {
      target = this.nodes.get(target.parentHex as string);
    }
    if (target === undefined || target.committed) return [];
    return this.commit(target);
  }

  /**
   * Commits `node` and its uncommitted ancestors on the word of the next epoch's quorum: used
   * only when that quorum certified the first block of its epoch on top of `node` (core.ts).
   */
  commitThrough(node: BlockNode): BlockNode[] {
    return node.committed ? [] : this.commit(node);
  }

  /** Up to `max` blocks ending at `hex`, oldest first (for a sync response, a commit proof). */
  chainEndingAt(hex: string, max: number): Block[] {
    const out: Block[] = [];
    let n = this.nodes.get(hex);
    while (n !== undefined && n.block !== null && out.length < max) {
      out.push(n.block);
      n = n.parentHex === null ? undefined : this.nodes.get(n.parentHex);
    }
    return out.reverse();
  }

  private commit(target: BlockNode): BlockNode[] {
    const chain: BlockNode[] = [];
    for (let n: BlockNode | undefined = target; n !== undefined && !n.committed; ) {
      chain.push(n);
      n = n.parentHex === null ? undefined : this.nodes.get(n.parentHex);
    }
    chain.reverse();
    // Every uncommitted block descends from the committed tip (forks are pruned at each commit).
    const first = chain[0];
    if (first === undefined || first.parentHex !== this.committedTip.hex) {
      throw new Error("invariant: a committed chain must start at the committed tip");
    }
    let parent = this.committedTip;
    for (const n of chain) {
      n.committed = true;
      this.history.push(n);
      this.historyBytes += n.block?.payload.length ?? 0;
      this.dropSiblings(parent, n);
      parent = n;
    }
    for (const hex of this.strays) this.dropStray(hex);
    this.dropOldHistory();
    return chain;
  }

  // What stays is the retained committed history and the descendants of the committed tip.
  // Pruning touches only what a commit changes: the forks off each newly committed block and
  // the history beyond its bound. (It used to rebuild the kept set from all retained blocks at
  // every commit, O(256) Set and Map work per commit for the same result.)

  /** `parent` has just had `child` committed: its other children can never commit. */
  private dropSiblings(parent: BlockNode, child: BlockNode): void {
    const cs = this.children.get(parent.hex);
    if (cs === undefined || (cs.length === 1 && cs[0] === child.hex)) return;
    for (const c of cs) if (c !== child.hex) this.dropSubtree(c);
    this.children.set(parent.hex, [child.hex]);
  }

  /** Forgets a stray block and what is above it, and unlinks it from its parent. */
  private dropStray(hex: string): void {
    const parentHex = this.nodes.get(hex)?.parentHex;
    this.dropSubtree(hex);
    if (parentHex === undefined || parentHex === null) return;
    const cs = this.children.get(parentHex)?.filter((c) => c !== hex);
    if (cs === undefined || cs.length === 0) this.children.delete(parentHex);
    else this.children.set(parentHex, cs);
  }

  /** Forgets `hex` and everything above it. */
  private dropSubtree(hex: string): void {
    const stack = [hex];
    while (stack.length > 0) {
      const h = stack.pop() as string;
      this.nodes.delete(h);
      this.strays.delete(h);
      const cs = this.children.get(h);
      if (cs === undefined) continue;
      this.children.delete(h);
      for (const c of cs) stack.push(c);
    }
  }

  /** Drops the oldest committed blocks beyond the retained count and bytes. */
  private dropOldHistory(): void {
    let drop = 0;
    while (
      this.history.length - drop > 1 &&
      (this.history.length - drop > RETAINED_COMMITTED || this.historyBytes > RETAINED_COMMITTED_BYTES)
    ) {
      const old = this.history[drop] as BlockNode;
      this.historyBytes -= old.block?.payload.length ?? 0;
      // Its one remaining child is the next committed block, which stays.
      this.nodes.delete(old.hex);
      this.children.delete(old.hex);
      drop++;
    }
    if (drop > 0) this.history.splice(0, drop);
  }
}
