// What happens on one chain, for whoever watches it from outside (RPC subscriptions, waits for
// a transaction): blocks executed above the committed tip, blocks committed, transactions
// admitted to the mempool, and mode changes. It also keeps the index of transactions in
// executed but uncommitted blocks, so "included" can be answered without scanning blocks.
import { toHex } from "../../crypto/index.ts";
import { evictOldest } from "../evict-oldest.ts";
import type { CommittedInfo, ExecutedBlock } from "./executor.ts";

export type ChainEvent =
  | { kind: "executed"; hash: Uint8Array; block: ExecutedBlock }
  | { kind: "committed"; info: CommittedInfo }
  | { kind: "accepted"; hashes: Uint8Array[] }
  | { kind: "mode"; mode: string };

export interface IncludedAt {
  height: bigint;
  blockHash: Uint8Array;
  index: number;
  /** The signed transaction. */
  tx: Uint8Array;
}

/** Transactions of uncommitted blocks remembered at most (a few seconds of blocks at full load). */
const MAX_INCLUDED = 200_000;

export class ChainEvents {
  private readonly listeners = new Set<(e: ChainEvent) => void>();
  private readonly included = new Map<string, IncludedAt>();

  listen(listener: (e: ChainEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Where a transaction sits in an executed, uncommitted block, if it does. */
  includedAt(hash: Uint8Array): IncludedAt | undefined {
    return this.included.get(toHex(hash));
  }

  executed(hash: Uint8Array, block: ExecutedBlock): void {
    block.receipts.forEach((r, index) => {
      if (this.included.size >= MAX_INCLUDED) evictOldest(this.included);
      this.included.set(toHex(r.txHash), {
        height: block.height,
        blockHash: hash,
        index,
        tx: block.payload.body.txs[index] as Uint8Array,
      });
    });
    this.emit({ kind: "executed", hash, block });
  }

  committed(info: CommittedInfo): void {
    for (const r of info.receipts) this.included.delete(toHex(r.txHash));
    // Blocks at or below the new tip that lost their round will never commit.
    for (const [k, at] of this.included) if (at.height <= info.tip.height) this.included.delete(k);
    this.emit({ kind: "committed", info });
  }

  accepted(hashes: Uint8Array[]): void {
    if (hashes.length > 0) this.emit({ kind: "accepted", hashes });
  }

  mode(mode: string): void {
    this.emit({ kind: "mode", mode });
  }

  private emit(e: ChainEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // A watcher's failure is its own; the chain goes on.
      }
    }
  }
}
