// Blocks above the committed tip that this node has seen (in proposals, its own included, and
// in sync responses), kept on disk until they are committed or fall behind the tip: the
// in-memory rules are consensus/kept-blocks.ts (why they must outlive a restart is there), this
// file writes each change through to the store.
//
// A kept block that commits keeps its record: the committed block's record names it instead of
// holding a second copy (BlockStore.stageCommit asks pinIfStored). Only a record whose write has
// landed can be named so, and a named one is never deleted, neither when it falls below the tip
// nor when the bound evicts it; a block committed before its record landed (or fetched by fast
// sync) is stored whole with its committed record instead.
import {
  type Block,
  blockCodec,
  type KeptBlock,
  KeptBlocks,
  type PayloadDigest,
  type SyncResponse,
} from "../../consensus/index.ts";
import { concatBytes, decode, encode, fixedBytes, list, struct, toHex, u64, utf8 } from "../../crypto/index.ts";
import type { KvOp, KvStore } from "../../vm/index.ts";

/** Bounds memory and the index record; far more than the few blocks above a live tip. */
const MAX_PENDING = 1024;

const indexCodec = list(struct("PendingEntry", { hash: fixedBytes(32), height: u64 }), MAX_PENDING);

export class PendingBlocks {
  private readonly kv: KvStore;
  private readonly prefix: Uint8Array;
  private readonly kept: KeptBlocks;
  /** Blocks (hex hash) whose record has landed and not been deleted since. */
  private readonly stored = new Set<string>();
  /** Stored blocks a committed record names (pinIfStored), until they drop below the tip here. */
  private readonly pinned = new Set<string>();
  /** add()'s writes on their way to the store (see landed()). */
  private readonly writing = new Set<Promise<void>>();

  private constructor(kv: KvStore, prefix: Uint8Array, chainId: string, payloadDigest: PayloadDigest) {
    this.kv = kv;
    this.prefix = prefix;
    this.kept = new KeptBlocks(chainId, payloadDigest, MAX_PENDING);
  }

  /** Loads what an earlier run kept, dropping blocks at or below `committedHeight`. */
  static async load(
    kv: KvStore,
    prefix: Uint8Array,
    chainId: string,
    payloadDigest: PayloadDigest,
    committedHeight: bigint,
  ): Promise<PendingBlocks> {
    const p = new PendingBlocks(kv, prefix, chainId, payloadDigest);
    const index = await kv.get(p.indexKey());
    for (const e of index === undefined ? [] : decode(indexCodec, index)) {
      if (e.height <= committedHeight) continue;
      const bytes = await kv.get(p.blockKey(e.hash));
      if (bytes === undefined) continue;
      p.kept.restore(e.hash, decode(blockCodec, bytes));
      p.stored.add(toHex(e.hash));
    }
    return p;
  }

  get(hex: string): Block | undefined {
    return this.kept.get(hex);
  }

  get size(): number {
    return this.kept.size;
  }

  /** Keeps the blocks not seen before that are above `committedHeight`. */
  async add(blocks: readonly Block[], committedHeight: bigint): Promise<void> {
    const { added, evicted } = this.kept.add(blocks, committedHeight);
    if (added.length === 0) return;
    const ops: KvOp[] = this.forget(evicted);
    for (const e of added) ops.push({ type: "put", key: this.blockKey(e.hash), value: encode(blockCodec, e.block) });
    ops.push(this.indexOp());
    const write = this.kv.write(ops);
    this.writing.add(write);
    try {
      await write;
    } finally {
      this.writing.delete(write);
    }
    for (const e of added) {
      const hex = toHex(e.hash);
      // Committed or evicted while its write was on the way: its record was deleted, not kept.
      if (this.kept.get(hex) !== undefined) this.stored.add(hex);
    }
  }

  /**
   * Resolves once every record add() had started writing by now has landed (or failed, which
   * add()'s caller hears of). The consensus host waits for it before each safety-state write, so
   * no vote leaves for a block this node keeps before the block is in the store.
   */
  landed(): Promise<void> {
    if (this.writing.size === 0) return Promise.resolve();
    return Promise.allSettled([...this.writing]).then(() => undefined);
  }

  /** Forgets the blocks at or below the new committed height (keeping the records of those pinned). */
  async committed(height: bigint): Promise<void> {
    const dropped = this.kept.committed(height);
    if (dropped.length === 0) return;
    await this.kv.write([...this.forget(dropped), this.indexOp()]);
  }

  /**
   * Whether block `hash`'s record has landed; if so it is kept for good, as the body of the
   * committed record that names it (see the top). Synchronous, so no deletion can come between
   * the answer and the pin.
   */
  pinIfStored(hash: Uint8Array): boolean {
    const hex = toHex(hash);
    if (!this.stored.has(hex)) return false;
    this.pinned.add(hex);
    return true;
  }

  /** See KeptBlocks.syncResponse. */
  syncResponse(hex: string, committedHash: Uint8Array, maxBlocks: number): SyncResponse | null {
    return this.kept.syncResponse(hex, committedHash, maxBlocks);
  }

  /** See KeptBlocks.answerOwn. */
  answerOwn(engine: number, hex: string, committedHash: Uint8Array, maxBlocks: number): SyncResponse | null {
    return this.kept.answerOwn(engine, hex, committedHash, maxBlocks);
  }

  /** The deletions of blocks no longer kept: all but the pinned, whose records are bodies now. */
  private forget(blocks: readonly KeptBlock[]): KvOp[] {
    const ops: KvOp[] = [];
    for (const e of blocks) {
      const hex = toHex(e.hash);
      this.stored.delete(hex);
      if (this.pinned.delete(hex)) continue;
      ops.push({ type: "del", key: this.blockKey(e.hash) });
    }
    return ops;
  }

  private indexOp(): KvOp {
    const entries = [...this.kept.entries()].map((e) => ({ hash: e.hash, height: e.block.height }));
    return { type: "put", key: this.indexKey(), value: encode(indexCodec, entries) };
  }

  private indexKey(): Uint8Array {
    return concatBytes(this.prefix, INDEX_SUFFIX);
  }

  private blockKey(hash: Uint8Array): Uint8Array {
    return pendingBlockKey(this.prefix, hash);
  }
}

/** Where a pending block is kept: its canonical blockCodec bytes under `prefix` and its hash. */
export function pendingBlockKey(prefix: Uint8Array, hash: Uint8Array): Uint8Array {
  return concatBytes(prefix, hash);
}

const INDEX_SUFFIX = utf8("index");
