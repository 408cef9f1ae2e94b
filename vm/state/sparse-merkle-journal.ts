// The flush schedule and the journal between flushes (docs/state.md, "Flushing nodes"): which
// commit stores the tree's nodes, what each commit between two flushes writes instead (a
// journal record of its keys, and the flushed-tree record naming the last flushed root and the
// journal's length), and, on opening a store, the keys its journal lists.
import type { KvOp, KvStore } from "./kv.ts";
import { keyId } from "./sparse-merkle-cache.ts";
import { planFlush, pushNodeOps } from "./sparse-merkle-flush.ts";
import type { PendingWrite } from "./sparse-merkle-layer.ts";
import type { Digest, Subtree, TreeNode } from "./sparse-merkle-node.ts";
import {
  encodeFlushedTree,
  encodeJournalRecord,
  FLUSHED_KEY,
  journalKey,
  readJournalRecord,
} from "./sparse-merkle-storage.ts";

/** What one commit's batch carries for the journal; NodeJournal.landed applies it once written. */
export interface JournalStep {
  /** The nodes the batch stores (a flush), or null (a journal record). */
  flushed: TreeNode[] | null;
  /** The tree's unstored nodes, when planning the commit counted them. */
  counted: number | null;
  /** The nodes the commit made. */
  created: number;
}

export class NodeJournal {
  private readonly interval: number;
  /** Past this many unstored nodes a commit flushes early. */
  private readonly earlyFlushBound: number;
  /** The root of the last flush, whose nodes are all stored. */
  private flushedRoot: Digest;
  /** Commits journaled since that flush. */
  private length = 0;
  /** The journal length at which the next commit flushes: the interval, less the offset until the first flush. */
  private flushDue: number;
  /** An upper bound on the tree's unstored nodes: counted at some commit, plus those made since. */
  private unflushedNodes = 0;

  constructor(opts: { interval: number; offset: number; earlyFlushBound: number }, flushedRoot: Digest) {
    this.interval = opts.interval;
    this.earlyFlushBound = opts.earlyFlushBound;
    this.flushedRoot = flushedRoot;
    this.flushDue = opts.interval - opts.offset;
  }

  /**
   * Adds to a commit's batch either the unstored nodes of `tree` (a flush, which also deletes
   * the journal) or the journal record of `writes` and the flushed-tree record.
   */
  plan(ops: KvOp[], tree: Subtree, writes: readonly PendingWrite[], created: number): JournalStep {
    const plan = planFlush(tree, this.length + 1 >= this.flushDue, this.unflushedNodes + created, this.earlyFlushBound);
    if (plan.nodes !== null) {
      pushNodeOps(ops, plan.nodes);
      if (this.length > 0) {
        ops.push({ type: "del", key: FLUSHED_KEY });
        for (let i = 0; i < this.length; i++) ops.push({ type: "del", key: journalKey(i) });
      }
    } else {
      ops.push({ type: "put", key: journalKey(this.length), value: encodeJournalRecord(writes.map((w) => w.key)) });
      ops.push({
        type: "put",
        key: FLUSHED_KEY,
        value: encodeFlushedTree({ root: this.flushedRoot, journalLength: this.length + 1 }),
      });
    }
    return { flushed: plan.nodes, counted: plan.counted, created };
  }

  /** The batch `step` was planned for has been written: `root` is the committed root. */
  landed(step: JournalStep, root: Digest): void {
    if (step.flushed !== null) {
      for (const node of step.flushed) node.stored = true;
      this.flushedRoot = root;
      this.length = 0;
      this.flushDue = this.interval;
      this.unflushedNodes = 0;
    } else {
      this.length++;
      this.unflushedNodes = step.counted ?? this.unflushedNodes + step.created;
    }
  }

  /** Opening a store replayed `length` journaled commits on the flushed tree, making `created` nodes. */
  replayed(length: number, created: number): void {
    this.length = length;
    this.unflushedNodes = created;
  }
}

/** The keys the first `length` journal records list, each once. */
export async function journaledKeys(kv: KvStore, length: number): Promise<Uint8Array[]> {
  const keys = new Map<string, Uint8Array>();
  for (let i = 0; i < length; i++) {
    for (const key of await readJournalRecord(kv, i)) keys.set(keyId(key), key);
  }
  return [...keys.values()];
}
