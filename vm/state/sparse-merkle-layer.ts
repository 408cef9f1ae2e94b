// A block's tree, computed above the committed one and kept until that block commits. A node
// executes each block on top of ancestors that are not committed yet (2-chain HotStuff proposes
// a block while its parent waits for a child). Without layers, each execution recomputed the
// tree for the ancestors' writes and its own, and the commit recomputed it once more: on a
// loaded devnet the tree took in 2.4 writes for every write committed. A layer holds the tree
// after one block; the next block's tree is computed from it with that block's writes only,
// and committing the layer stores the nodes it made without computing anything again.
import type { Digest, Subtree, TreeNode } from "./sparse-merkle-node.ts";
import { subtreeHash } from "./sparse-merkle-node.ts";
import type { LeafUpdate } from "./sparse-merkle-update.ts";

/** A pending write; the hashes are filled in when a root is first computed. */
export interface PendingWrite extends LeafUpdate {
  /** keyId(key) */
  readonly id: string;
  readonly key: Uint8Array;
  readonly value: Uint8Array | undefined;
  readonly keyHash: Digest;
  valueHash: Digest | undefined;
}

export class StateLayer {
  /**
   * The layer this one was computed on, undefined for one computed on the committed tree.
   * Cut when this layer commits, so that no chain of layers outlives its use.
   */
  below: StateLayer | undefined;
  /** Root of the tree the writes were applied to. */
  readonly baseRoot: Digest;
  /** The tree after the writes (sharing every untouched node with the one below). */
  readonly tree: Subtree;
  /** Nodes this layer made, to be stored when it commits. */
  readonly created: readonly TreeNode[];
  /** This layer's own writes, one per key, sorted by key hash. */
  readonly writes: readonly PendingWrite[];

  constructor(
    below: StateLayer | undefined,
    baseRoot: Digest,
    tree: Subtree,
    created: readonly TreeNode[],
    writes: readonly PendingWrite[],
  ) {
    this.below = below;
    this.baseRoot = baseRoot;
    this.tree = tree;
    this.created = created;
    this.writes = writes;
  }

  get root(): Digest {
    return subtreeHash(this.tree);
  }
}

/**
 * The layers from just above the committed tree (root `committed`) up to `top`, oldest first:
 * the writes to replay to read the state as `top` has it. Null if `top` does not stand on that
 * tree (it was computed on a fork that lost, or on a tree since replaced).
 */
export function layersAbove(top: StateLayer, committed: Digest): StateLayer[] | null {
  const out: StateLayer[] = [];
  for (let l: StateLayer | undefined = top; l !== undefined; l = l.below) {
    // Equal roots mean equal states: a layer whose tree is the committed one needs no replay.
    if (l.root === committed) return out.reverse();
    out.push(l);
    if (l.baseRoot === committed) return out.reverse();
  }
  return null;
}
