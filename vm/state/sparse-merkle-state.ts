// The authenticated state: a compressed binary sparse Merkle tree (sparse-merkle-node.ts) over
// a KvStore, with a block's writes buffered in memory until commit.
//
//   get     pending writes -> read cache (LRU of committed values) -> value bucket of the store
//   commit  one pass over the sorted writes rebuilds the touched paths (sparse-merkle-update.ts),
//           then values, the root and either the new nodes (a flush) or the list of keys
//           written (a journal record) go to the store in one kv.write
//
// Reads never walk the tree: the store keeps the latest value of each key flat beside the
// nodes. The tree is held as linked node objects, loaded on demand and shared between
// versions; when more than nodeCacheSize are linked, it is cut back to its top levels.
//
// With nodeFlushInterval > 1, only every so many commits store the tree's nodes: the nodes of
// the top levels, rewritten by every block, are then written once per flush instead of once
// per block. The commits between journal the keys they wrote; opening the store replays them
// on the flushed tree, from the values (always stored), and checks that the committed root
// comes out. Nodes are never deleted (no pruning yet), so proofs work against the committed
// root, the last few roots (kept in memory) and any root a flush stored.
import { HASH_LENGTH } from "../../crypto/index.ts";
import type { AuthenticatedState } from "./interface.ts";
import type { KvOp, KvStore } from "./kv.ts";
import { keyId, RecentCache } from "./sparse-merkle-cache.ts";
import { StateError, StateErrorCode } from "./sparse-merkle-errors.ts";
import { countLinked, unlinkBelow } from "./sparse-merkle-flush.ts";
import { journaledKeys, NodeJournal } from "./sparse-merkle-journal.ts";
import { layersAbove, type PendingWrite, StateLayer } from "./sparse-merkle-layer.ts";
import {
  bytesToDigest,
  type Digest,
  digestToBytes,
  pathBit,
  type Subtree,
  stateKeyHash,
  stateValueHash,
  subtreeHash,
  type TreeNode,
} from "./sparse-merkle-node.ts";
import { type SparseMerkleStateOptions, stateOptions } from "./sparse-merkle-options.ts";
import { makeStateProof, type StateProof } from "./sparse-merkle-proof.ts";
import { ROOT_KEY, readCommittedRoot, readFlushedTree, readNode, readRoot, valueKey } from "./sparse-merkle-storage.ts";
import { applyUpdates, loadTouchedPaths, UpdateBatch, type UpdateResult } from "./sparse-merkle-update.ts";

/** Committed trees kept in memory for proofs against recent roots, whose nodes may be unstored. */
const RECENT_TREES = 16;

interface Computed {
  /** The writes it applied, sorted by key hash. */
  writes: PendingWrite[];
  /** The tree it applied them to: the committed one, or the layer's the writes stand on. */
  tree: Subtree;
  result: UpdateResult;
}

export class SparseMerkleState implements AuthenticatedState {
  private readonly kv: KvStore;
  private readonly opts: SparseMerkleStateOptions;
  private readonly readCache: RecentCache<Uint8Array | null>;
  private readonly pending = new Map<string, PendingWrite>();
  /** The layer the pending writes stand on (stackOn), if any. */
  private base: StateLayer | undefined;
  /** The writes made since stackOn: the only ones a root on the layer's tree applies. */
  private readonly aboveBase = new Map<string, PendingWrite>();
  private tree: Subtree;
  private committedRoot: Digest;
  /** Roots computed for the current pending writes; dropped by every write. */
  private computed: Computed | undefined;
  /** Bumped by every commit, so a read that raced one does not fill the cache with old data. */
  private generation = 0;
  /** Bumped by every set, delete and discard. */
  private writeVersion = 0;
  private committing = false;
  /** Root computations in progress (they may be waiting for nodes from the store). */
  private computing = 0;
  /** Tree nodes linked in memory, counted loosely (exactly after each cut). */
  private linkedNodes = 0;
  /** When commits store the tree's nodes, and the journal of those that do not. */
  private readonly journal: NodeJournal;
  /** The last RECENT_TREES committed trees by root, newest last. */
  private readonly recentTrees = new Map<Digest, Subtree>();

  private constructor(kv: KvStore, opts: SparseMerkleStateOptions, tree: Subtree) {
    this.kv = kv;
    this.opts = opts;
    this.readCache = new RecentCache(opts.readCacheSize);
    this.tree = tree;
    this.committedRoot = subtreeHash(tree);
    this.journal = new NodeJournal(
      { interval: opts.nodeFlushInterval, offset: opts.nodeFlushOffset, earlyFlushBound: opts.nodeCacheSize / 4 },
      this.committedRoot,
    );
  }

  /** Opens the state committed in `kv` (the empty state if nothing was ever committed there). */
  static async open(kv: KvStore, opts: Partial<SparseMerkleStateOptions> = {}): Promise<SparseMerkleState> {
    const full = stateOptions(opts);
    const root = await readCommittedRoot(kv);
    const flushed = await readFlushedTree(kv);
    if (flushed === undefined) return new SparseMerkleState(kv, full, await readRoot(kv, root));
    const state = new SparseMerkleState(kv, full, await readRoot(kv, flushed.root));
    await state.replayJournal(flushed.journalLength, root);
    return state;
  }

  /**
   * Rebuilds the committed tree from the flushed one: the keys the journaled commits wrote, at
   * their stored (latest) values, give the committed set of pairs and so the committed tree.
   * Its new nodes stay unstored, and the journal in place, until the next flush.
   */
  private async replayJournal(journalLength: number, committed: Digest): Promise<void> {
    const all = await journaledKeys(this.kv, journalLength);
    const values = await Promise.all(all.map((key) => this.kv.get(valueKey(key))));
    all.forEach((key, i) => {
      const value = values[i];
      this.write(key, value === undefined ? undefined : Uint8Array.from(value), false);
    });
    const { result } = await this.compute();
    const root = subtreeHash(result.root);
    if (root !== committed) {
      throw new StateError(
        StateErrorCode.corruptJournal,
        `the state's journal does not rebuild the committed root (${journalLength} records over the flushed tree): the database is damaged; resync the state`,
      );
    }
    this.pending.clear();
    this.computed = undefined;
    this.tree = result.root;
    this.committedRoot = root;
    this.journal.replayed(journalLength, result.created.length);
  }

  get root(): Uint8Array {
    return digestToBytes(this.committedRoot);
  }

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    const id = keyId(key);
    const write = this.pending.get(id);
    if (write !== undefined) return write.value?.slice();
    const cached = this.readCache.get(id);
    if (cached !== undefined) return cached?.slice();
    const generation = this.generation;
    const stored = await this.kv.get(valueKey(key));
    const value = stored === undefined ? null : Uint8Array.from(stored);
    if (generation === this.generation) this.readCache.set(id, value);
    return value?.slice();
  }

  set(key: Uint8Array, value: Uint8Array): void {
    this.write(key, value.slice(), false);
  }

  adopt(key: Uint8Array, value: Uint8Array): void {
    this.write(key, value, true);
  }

  delete(key: Uint8Array): void {
    this.write(key, undefined, false);
  }

  /** `owned`: the caller handed `key` over (adopt), so it is kept without a copy. */
  private write(key: Uint8Array, value: Uint8Array | undefined, owned: boolean): void {
    const id = keyId(key);
    const previous = this.pending.get(id);
    const keyHash = previous?.keyHash ?? stateKeyHash(key);
    const entry = { id, key: previous?.key ?? (owned ? key : key.slice()), value, keyHash, valueHash: undefined };
    this.pending.set(id, entry);
    if (this.base !== undefined) this.aboveBase.set(id, entry);
    this.computed = undefined;
    this.writeVersion++;
  }

  async pendingRoot(): Promise<Uint8Array> {
    const { result } = await this.compute();
    return digestToBytes(subtreeHash(result.root));
  }

  async commit(): Promise<Uint8Array> {
    if (this.committing) {
      throw new StateError(StateErrorCode.commitInProgress, "commit() called while another commit is in progress");
    }
    if (this.base !== undefined) {
      throw new StateError(StateErrorCode.onLayer, "commit() while the pending writes stand on a layer");
    }
    this.committing = true;
    try {
      if (this.pending.size === 0) return this.root;
      const { writes, result } = await this.compute();
      await this.store(result.root, writes, result.created.length);
      return this.root;
    } finally {
      this.committing = false;
    }
  }

  discard(): void {
    this.pending.clear();
    this.base = undefined;
    this.aboveBase.clear();
    this.computed = undefined;
    this.writeVersion++;
  }

  /**
   * Stands the (empty) pending writes on `layer`: reads see the state after it, and a root is
   * computed from its tree with the writes made from now on only. False, with nothing changed,
   * if the layer does not stand on the committed tree; the caller then replays the writes.
   */
  stackOn(layer: StateLayer): boolean {
    if (this.pending.size > 0 || this.base !== undefined) {
      throw new StateError(StateErrorCode.pendingWrites, "stackOn() needs a state without pending writes");
    }
    const above = layersAbove(layer, this.committedRoot);
    if (above === null) return false;
    for (const l of above) for (const w of l.writes) this.pending.set(w.id, w);
    this.base = layer;
    this.computed = undefined;
    this.writeVersion++;
    return true;
  }

  /** The tree after the pending writes, as a layer to build on or to commit (see the file). */
  async layer(): Promise<StateLayer> {
    const base = this.base;
    const { writes, tree, result } = await this.compute();
    return new StateLayer(base, subtreeHash(tree), result.root, result.created, writes);
  }

  /**
   * Commits a layer computed on the committed tree: its nodes, values and root in one batch,
   * with no root computed again. Undefined, with nothing written, if it stands on another tree.
   */
  async commitLayer(layer: StateLayer): Promise<Uint8Array | undefined> {
    if (this.committing) {
      throw new StateError(StateErrorCode.commitInProgress, "commitLayer() called while another commit is in progress");
    }
    if (this.pending.size > 0 || this.base !== undefined) {
      throw new StateError(StateErrorCode.pendingWrites, "commitLayer() needs a state without pending writes");
    }
    if (layer.baseRoot !== this.committedRoot) return undefined;
    this.committing = true;
    try {
      await this.store(layer.tree, layer.writes, layer.created.length);
      layer.below = undefined;
      return this.root;
    } finally {
      this.committing = false;
    }
  }

  /**
   * Writes a commit's batch (values and root, then the unstored nodes of `tree` at a flush or a
   * journal record otherwise) and makes `tree` the committed tree. `created` counts the nodes
   * the commit made.
   */
  private async store(tree: Subtree, writes: readonly PendingWrite[], created: number): Promise<void> {
    const root = subtreeHash(tree);
    const ops: KvOp[] = [];
    for (const w of writes) {
      ops.push(
        w.value === undefined
          ? { type: "del", key: valueKey(w.key) }
          : { type: "put", key: valueKey(w.key), value: w.value },
      );
    }
    ops.push({ type: "put", key: ROOT_KEY, value: digestToBytes(root) });
    const step = this.journal.plan(ops, tree, writes, created);
    await this.kv.write(ops);
    this.journal.landed(step, root);
    this.adoptCommitted(tree, root, writes, created);
  }

  /** After a commit's batch is stored: `tree` becomes the committed tree. */
  private adoptCommitted(tree: Subtree, root: Digest, writes: readonly PendingWrite[], created: number): void {
    this.generation++;
    this.tree = tree;
    this.committedRoot = root;
    if (this.opts.nodeFlushInterval > 1) {
      this.recentTrees.delete(root);
      this.recentTrees.set(root, tree);
      if (this.recentTrees.size > RECENT_TREES) this.recentTrees.delete(this.recentTrees.keys().next().value as Digest);
    }
    for (const w of writes) {
      this.readCache.set(w.id, w.value ?? null);
      // A write made while the batch was being stored stays pending for the next commit.
      if (this.pending.get(w.id) === w) this.pending.delete(w.id);
    }
    this.computed = undefined;
    this.linkedNodes += created;
    this.boundLinkedNodes();
  }

  /**
   * A proof for `key` against the committed root, or against `root`: one of the last 16
   * committed, or any whose nodes a flush stored (nodes are never deleted). With
   * nodeFlushInterval 1 that is any root ever committed to this store.
   */
  async prove(key: Uint8Array, root?: Uint8Array): Promise<StateProof> {
    if (root !== undefined && root.length !== HASH_LENGTH) {
      throw new RangeError(`a state root is ${HASH_LENGTH} bytes, got ${root.length}`);
    }
    const rootHash = root === undefined ? this.committedRoot : bytesToDigest(root);
    let node: Subtree =
      rootHash === this.committedRoot
        ? this.tree
        : (this.recentTrees.get(rootHash) ?? (await readRoot(this.kv, rootHash)));
    const keyHash = stateKeyHash(key);
    const siblings: Digest[] = [];
    for (let depth = 0; node !== null && !node.leaf; depth++) {
      const right = pathBit(keyHash, depth) === 1;
      let next = right ? node.right : node.left;
      if (next === undefined) {
        next = await this.loadNode(right ? node.rightHash : node.leftHash);
        if (right) node.right = next;
        else node.left = next;
      }
      siblings.push(right ? node.leftHash : node.rightHash);
      node = next;
    }
    return makeStateProof(siblings, node);
  }

  private loadNode = async (hash: Digest): Promise<TreeNode> => {
    const node = await readNode(this.kv, hash);
    this.linkedNodes++;
    return node;
  };

  private async compute(): Promise<Computed> {
    if (this.computed !== undefined) return this.computed;
    const version = this.writeVersion;
    const base = this.base;
    const writes = [...(base === undefined ? this.pending : this.aboveBase).values()];
    for (const w of writes) {
      if (w.value !== undefined && w.valueHash === undefined) w.valueHash = stateValueHash(w.value);
    }
    writes.sort(byKeyHash);
    const batch = new UpdateBatch(writes);
    const tree = base === undefined ? this.tree : base.tree;
    let result: UpdateResult;
    this.computing++;
    try {
      await loadTouchedPaths(tree, batch, this.loadNode);
      result = applyUpdates(tree, batch);
    } finally {
      this.computing--;
    }
    const computed = { writes, tree, result };
    // Keep it only if nothing changed while nodes were loading.
    const treeNow = this.base === undefined ? this.tree : this.base.tree;
    if (this.base === base && treeNow === tree && this.writeVersion === version) this.computed = computed;
    return computed;
  }

  /** Unlinks all but the top levels once more nodes than nodeCacheSize are linked. */
  private boundLinkedNodes(): void {
    // A root being computed meanwhile relies on the links it has loaded: cut at a later commit.
    if (this.linkedNodes <= this.opts.nodeCacheSize || this.computing > 0) return;
    this.linkedNodes = countLinked(this.tree);
    if (this.linkedNodes <= this.opts.nodeCacheSize) return;
    // A full binary tree down to depth d has 2^(d+1) - 1 nodes: keep about half the budget.
    const keepDepth = Math.max(0, Math.floor(Math.log2(Math.max(1, this.opts.nodeCacheSize))) - 2);
    unlinkBelow(this.tree, keepDepth);
    this.linkedNodes = countLinked(this.tree);
  }
}

function byKeyHash(a: PendingWrite, b: PendingWrite): number {
  return a.keyHash < b.keyHash ? -1 : a.keyHash > b.keyHash ? 1 : 0;
}
