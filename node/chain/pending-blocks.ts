// Blocks above the committed tip that this node has seen (in proposals, its own included, and
// in sync responses), kept on disk until they are committed or fall behind the tip: the
// in-memory rules are consensus/kept-blocks.ts (why they must outlive a restart is there), this
// file writes each change through to the store.
import {
  type Block,
  blockCodec,
  type KeptBlock,
  KeptBlocks,
  type PayloadDigest,
  type SyncResponse,
} from "../../consensus/index.ts";
import { concatBytes, decode, encode, fixedBytes, list, struct, u64, utf8 } from "../../crypto/index.ts";
import type { KvOp, KvStore } from "../../vm/index.ts";

/** Bounds memory and the index record; far more than the few blocks above a live tip. */
const MAX_PENDING = 1024;

const indexCodec = list(struct("PendingEntry", { hash: fixedBytes(32), height: u64 }), MAX_PENDING);

export class PendingBlocks {
  private readonly kv: KvStore;
  private readonly prefix: Uint8Array;
  private readonly kept: KeptBlocks;

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
      if (bytes !== undefined) p.kept.restore(e.hash, decode(blockCodec, bytes));
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
    const ops: KvOp[] = evicted.map((e) => this.delOp(e));
    for (const e of added) ops.push({ type: "put", key: this.blockKey(e.hash), value: encode(blockCodec, e.block) });
    ops.push(this.indexOp());
    await this.kv.write(ops);
  }

  /** Forgets the blocks at or below the new committed height. */
  async committed(height: bigint): Promise<void> {
    const dropped = this.kept.committed(height);
    if (dropped.length === 0) return;
    await this.kv.write([...dropped.map((e) => this.delOp(e)), this.indexOp()]);
  }

  /** See KeptBlocks.syncResponse. */
  syncResponse(hex: string, committedHash: Uint8Array, maxBlocks: number): SyncResponse | null {
    return this.kept.syncResponse(hex, committedHash, maxBlocks);
  }

  /** See KeptBlocks.answerOwn. */
  answerOwn(engine: number, hex: string, committedHash: Uint8Array, maxBlocks: number): SyncResponse | null {
    return this.kept.answerOwn(engine, hex, committedHash, maxBlocks);
  }

  private delOp(e: KeptBlock): KvOp {
    return { type: "del", key: this.blockKey(e.hash) };
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
