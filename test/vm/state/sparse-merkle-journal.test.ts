// NodeJournal on its own: which commits flush, what a journaled commit writes, and what a flush
// deletes. The state's tests (sparse-merkle-flush.test.ts) hold the whole store to the same
// rules through reopenings; these name the schedule directly.
import { describe, expect, it } from "vitest";
import { type KvOp, MemoryKv } from "../../../vm/state/kv.ts";
import { journaledKeys, NodeJournal } from "../../../vm/state/sparse-merkle-journal.ts";
import type { PendingWrite } from "../../../vm/state/sparse-merkle-layer.ts";
import { EMPTY_DIGEST, makeInternal, makeLeaf } from "../../../vm/state/sparse-merkle-node.ts";
import {
  encodeJournalRecord,
  FLUSHED_KEY,
  journalKey,
  readFlushedTree,
  readJournalRecord,
} from "../../../vm/state/sparse-merkle-storage.ts";

const write = (...key: number[]) => ({ key: Uint8Array.from(key) }) as PendingWrite;
const digest = (n: number) => String.fromCharCode(n).repeat(32);

/** Plans and lands `commits` commits of an empty tree; the kind of each (F = flush, J = journal). */
async function run(journal: NodeJournal, kv: MemoryKv, commits: number): Promise<string> {
  let kinds = "";
  for (let i = 0; i < commits; i++) {
    const ops: KvOp[] = [];
    const step = journal.plan(ops, null, [write(i)], 0);
    await kv.write(ops);
    journal.landed(step, digest(i + 1));
    kinds += step.flushed === null ? "J" : "F";
  }
  return kinds;
}

describe("NodeJournal", () => {
  it("flushes every interval-th commit, the first one offset commits early", async () => {
    const kv = new MemoryKv();
    const journal = new NodeJournal({ interval: 4, offset: 1, earlyFlushBound: 100 }, EMPTY_DIGEST);
    expect(await run(journal, kv, 11)).toBe("JJFJJJFJJJF");
  });

  it("journals a commit's keys under the last flushed root, and a flush deletes the journal", async () => {
    const kv = new MemoryKv();
    const journal = new NodeJournal({ interval: 3, offset: 0, earlyFlushBound: 100 }, EMPTY_DIGEST);
    await run(journal, kv, 3); // J J F: the flush at commit 3 makes digest(3) the flushed root
    await run(journal, kv, 2);
    expect(await readFlushedTree(kv)).toEqual({ root: digest(3), journalLength: 2 });
    expect(await readJournalRecord(kv, 1)).toEqual([Uint8Array.of(1)]);
    expect(await run(journal, kv, 1)).toBe("F");
    expect(await kv.get(FLUSHED_KEY)).toBeUndefined();
    expect(await kv.get(journalKey(0))).toBeUndefined();
    expect(await kv.get(journalKey(1))).toBeUndefined();
  });

  it("flushes early only when the tree really holds more unstored nodes than the bound", async () => {
    const journal = new NodeJournal({ interval: 100, offset: 0, earlyFlushBound: 2 }, EMPTY_DIGEST);
    const a = makeLeaf(digest(1), digest(2));
    const b = makeLeaf(digest(3), digest(4));
    // Three nodes made is over the bound, but only the one leaf is unstored: counted, no flush.
    const first = journal.plan([], a, [write(1)], 3);
    expect(first).toMatchObject({ flushed: null, counted: 1 });
    journal.landed(first, a.hash);
    // One more node keeps the estimate (1 + 1) within the bound: not even counted.
    expect(journal.plan([], a, [write(2)], 1)).toMatchObject({ flushed: null, counted: null });
    // Two more pass it, and the walk finds three unstored nodes: an early flush of all three.
    const tree = makeInternal(a, a.hash, b, b.hash);
    const early = journal.plan([], tree, [write(3)], 2);
    expect(early.flushed).toEqual([tree, a, b]);
    journal.landed(early, tree.hash);
    expect([tree.stored, a.stored, b.stored]).toEqual([true, true, true]);
  });

  it("lists each journaled key once, across records", async () => {
    const kv = new MemoryKv();
    await kv.write([
      { type: "put", key: journalKey(0), value: encodeJournalRecord([Uint8Array.of(1), Uint8Array.of(2)]) },
      { type: "put", key: journalKey(1), value: encodeJournalRecord([Uint8Array.of(2), Uint8Array.of(3)]) },
    ]);
    const keys = await journaledKeys(kv, 2);
    expect(keys.map((k) => k[0]).sort()).toEqual([1, 2, 3]);
  });
});
