// Blocks above the committed tip that a host has seen (proposals, its own included, and sync
// responses), kept across engine restarts until they are committed or fall behind the tip.
//
// Why: a validator's safety state names its highest QC, whose block is usually not committed
// yet, and the engine's block tree starts again from the committed tip after a restart or a
// fast sync. If every member of a committee restarts, none holds that block any more and no
// proposal can extend it: the chain stalls for good. With these kept, a host answers its own
// engine's request for them (and other validators' requests). The node keeps them on disk
// (node/chain/pending-blocks.ts); the simulator keeps them in memory across a crash.
import { toHex } from "../crypto/index.ts";
import { type Block, blockHash, MAX_SYNC_BLOCKS, type PayloadDigest, type SyncResponse } from "./messages.ts";

export interface KeptBlock {
  hash: Uint8Array;
  block: Block;
}

export class KeptBlocks {
  private readonly blocks = new Map<string, KeptBlock>();
  private readonly chainId: string;
  private readonly payloadDigest: PayloadDigest | undefined;
  private readonly max: number;
  /** What answerOwn answered in its current scope (engine and committed tip). */
  private readonly answered = new Set<string>();
  private answeredScope = "";

  constructor(chainId: string, payloadDigest: PayloadDigest | undefined, max: number) {
    this.chainId = chainId;
    this.payloadDigest = payloadDigest;
    this.max = max;
  }

  get size(): number {
    return this.blocks.size;
  }

  get(hex: string): Block | undefined {
    return this.blocks.get(hex)?.block;
  }

  entries(): IterableIterator<KeptBlock> {
    return this.blocks.values();
  }

  /** Puts back a block kept earlier (loading); no check. */
  restore(hash: Uint8Array, block: Block): void {
    this.blocks.set(toHex(hash), { hash, block });
  }

  /**
   * Keeps the blocks not seen before that are above `committedHeight`; at the bound the lowest
   * goes first. Returns what was added and what was evicted (for a host that stores them).
   */
  add(blocks: readonly Block[], committedHeight: bigint): { added: KeptBlock[]; evicted: KeptBlock[] } {
    const added: KeptBlock[] = [];
    const evicted: KeptBlock[] = [];
    for (const block of blocks) {
      if (block.height <= committedHeight) continue;
      const hash = blockHash(this.chainId, block, this.payloadDigest);
      const hex = toHex(hash);
      if (this.blocks.has(hex)) continue;
      if (this.blocks.size >= this.max) {
        const lowest = this.evictLowest();
        if (lowest !== undefined) evicted.push(lowest);
      }
      const kept = { hash, block };
      this.blocks.set(hex, kept);
      added.push(kept);
    }
    return { added, evicted };
  }

  /** Forgets the blocks at or below the new committed height; returns them. */
  committed(height: bigint): KeptBlock[] {
    const dropped: KeptBlock[] = [];
    for (const [hex, e] of this.blocks) {
      if (e.block.height > height) continue;
      this.blocks.delete(hex);
      dropped.push(e);
    }
    return dropped;
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

  /**
   * syncResponse for the host's own engine, at most once per block for one engine (`engine`
   * counts the host's engine starts) at one committed tip. An engine that cannot use the answer
   * (it rejects a block in it) asks again at once; answered every time, the two would spin for
   * ever. Its later asks go to peers.
   */
  answerOwn(engine: number, hex: string, committedHash: Uint8Array, maxBlocks: number): SyncResponse | null {
    const scope = `${engine}:${toHex(committedHash)}`;
    if (scope !== this.answeredScope) {
      this.answeredScope = scope;
      this.answered.clear();
    }
    if (this.answered.has(hex)) return null;
    const r = this.syncResponse(hex, committedHash, maxBlocks);
    if (r !== null) this.answered.add(hex);
    return r;
  }

  private evictLowest(): KeptBlock | undefined {
    let lowest: [string, KeptBlock] | undefined;
    for (const entry of this.blocks)
      if (lowest === undefined || entry[1].block.height < lowest[1].block.height) lowest = entry;
    if (lowest === undefined) return undefined;
    this.blocks.delete(lowest[0]);
    return lowest[1];
  }
}
