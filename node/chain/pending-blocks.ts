// Blocks above the committed tip that this node has seen (in proposals, its own included, and
// in sync responses), kept on disk until they are committed or fall behind the tip.
//
// Why on disk: a validator's persisted safety state names its highest QC, whose block is
// usually not committed yet. If every validator restarts (a devnet stopped and started again,
// a power cut), nobody would hold that block any more: proposals must extend it, so the chain
// would stall for good. With these blocks kept, a restarted node answers the engine's request
// for them itself, and answers other validators' requests too.
import {
  type Block,
  blockCodec,
  blockHash,
  MAX_SYNC_BLOCKS,
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
  private readonly chainId: string;
  private readonly payloadDigest: PayloadDigest;
  private readonly blocks = new Map<string, { hash: Uint8Array; block: Block }>();

  private constructor(kv: KvStore, prefix: Uint8Array, chainId: string, payloadDigest: PayloadDigest) {
    this.kv = kv;
    this.prefix = prefix;
    this.chainId = chainId;
    this.payloadDigest = payloadDigest;
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
      if (bytes !== undefined) p.blocks.set(toHex(e.hash), { hash: e.hash, block: decode(blockCodec, bytes) });
    }
    return p;
  }

  get(hex: string): Block | undefined {
    return this.blocks.get(hex)?.block;
  }

  get size(): number {
    return this.blocks.size;
  }

  /** Keeps the blocks not seen before that are above `committedHeight`. */
  async add(blocks: readonly Block[], committedHeight: bigint): Promise<void> {
    const ops: KvOp[] = [];
    for (const block of blocks) {
      if (block.height <= committedHeight) continue;
      const hash = blockHash(this.chainId, block, this.payloadDigest);
      const hex = toHex(hash);
      if (this.blocks.has(hex)) continue;
      if (this.blocks.size >= MAX_PENDING) this.evictLowest(ops);
      this.blocks.set(hex, { hash, block });
      ops.push({ type: "put", key: this.blockKey(hash), value: encode(blockCodec, block) });
    }
    if (ops.length === 0) return;
    ops.push(this.indexOp());
    await this.kv.write(ops);
  }

  /** Forgets the blocks at or below the new committed height. */
  async committed(height: bigint): Promise<void> {
    const ops: KvOp[] = [];
    for (const [hex, e] of this.blocks) {
      if (e.block.height > height) continue;
      this.blocks.delete(hex);
      ops.push({ type: "del", key: this.blockKey(e.hash) });
    }
    if (ops.length === 0) return;
    ops.push(this.indexOp());
    await this.kv.write(ops);
  }

  /**
   * The answer to a sync request for `hex` from these blocks alone: the block and its
   * ancestors down to (not including) `committedHash`, oldest first, at most `maxBlocks`.
   * Null if the chain is not all here.
   */
  syncResponse(hex: string, committedHash: Uint8Array, maxBlocks: number): SyncResponse | null {
    const out: Block[] = [];
    const stop = toHex(committedHash);
    let cursor = hex;
    while (cursor !== stop && out.length < Math.min(maxBlocks, MAX_SYNC_BLOCKS)) {
      const e = this.blocks.get(cursor);
      if (e === undefined) return null;
      out.push(e.block);
      cursor = toHex(e.block.parent);
    }
    return out.length === 0 ? null : { blocks: out.reverse() };
  }

  private evictLowest(ops: KvOp[]): void {
    let lowest: [string, { hash: Uint8Array; block: Block }] | undefined;
    for (const entry of this.blocks)
      if (lowest === undefined || entry[1].block.height < lowest[1].block.height) lowest = entry;
    if (lowest === undefined) return;
    this.blocks.delete(lowest[0]);
    ops.push({ type: "del", key: this.blockKey(lowest[1].hash) });
  }

  private indexOp(): KvOp {
    const entries = [...this.blocks.values()].map((e) => ({ hash: e.hash, height: e.block.height }));
    return { type: "put", key: this.indexKey(), value: encode(indexCodec, entries) };
  }

  private indexKey(): Uint8Array {
    return concatBytes(this.prefix, INDEX_SUFFIX);
  }

  private blockKey(hash: Uint8Array): Uint8Array {
    return concatBytes(this.prefix, hash);
  }
}

const INDEX_SUFFIX = utf8("index");
