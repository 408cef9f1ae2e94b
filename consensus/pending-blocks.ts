// Blocks (and proposals) waiting for an ancestor, or the block a QC of theirs certifies, to be
// fetched. Bounded by count and payload bytes; when full, the oldest goes.
import type { ValidatorId } from "./interface.ts";
import type { Block, Proposal } from "./messages.ts";

const MAX_PENDING_BLOCKS = 256;
const MAX_PENDING_BYTES = 64 << 20;

export interface PendingBlock {
  block: Block;
  hash: Uint8Array;
  from: ValidatorId;
  /** Set for proposals (signature checked): voted on once the block is in the tree. */
  proposal: Proposal | null;
}

export class PendingBlocks {
  private readonly blocks = new Map<string, PendingBlock>();
  private bytes = 0;

  has(hex: string): boolean {
    return this.blocks.has(hex);
  }

  get(hex: string): PendingBlock | undefined {
    return this.blocks.get(hex);
  }

  /** Adds `pb` unless already waiting; returns how many older blocks were evicted for it. */
  add(hex: string, pb: PendingBlock): number {
    if (this.blocks.has(hex)) return 0;
    let evicted = 0;
    while (this.blocks.size > 0 && (this.blocks.size >= MAX_PENDING_BLOCKS || this.bytes > MAX_PENDING_BYTES)) {
      this.delete(this.blocks.keys().next().value as string);
      evicted++;
    }
    this.blocks.set(hex, pb);
    this.bytes += pb.block.payload.length;
    return evicted;
  }

  delete(hex: string): void {
    const pb = this.blocks.get(hex);
    if (pb === undefined) return;
    this.blocks.delete(hex);
    this.bytes -= pb.block.payload.length;
  }

  /** Forgets blocks at or below a committed height: they can no longer go in. */
  dropAtOrBelow(height: bigint): void {
    for (const [hex, pb] of [...this.blocks]) if (pb.block.height <= height) this.delete(hex);
  }

  /** A copy, oldest first, safe to iterate while blocks come and go. */
  snapshot(): [string, PendingBlock][] {
    return [...this.blocks];
  }
}
