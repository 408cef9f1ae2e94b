// What happens on one chain, for whoever watches it from outside (RPC subscriptions, waits for
// a transaction): blocks executed above the committed tip, blocks committed, transactions
// admitted to the mempool, and mode changes. It also keeps the executed but uncommitted blocks,
// so that "included" can be answered before a transaction's block commits.
import { toHex } from "../../crypto/index.ts";
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

/** An executed block above the committed tip, with its index by transaction hash once asked. */
interface Uncommitted {
  hash: Uint8Array;
  block: ExecutedBlock;
  byTx?: Map<string, number>;
}

export class ChainEvents {
  private readonly listeners = new Set<(e: ChainEvent) => void>();
  /**
   * Executed, uncommitted blocks, oldest first. Each block's index by transaction hash is built
   * only when someone asks: indexing every transaction of every block as it executed (a hex
   * key and a Map entry each, dropped again at the commit a second later) cost a loaded
   * validator about 1.5% of its main thread for a question wallets rarely ask.
   */
  private blocks: Uncommitted[] = [];
  private txs = 0;

  listen(listener: (e: ChainEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Where a transaction sits in an executed, uncommitted block (the newest that has it), if it does. */
  includedAt(hash: Uint8Array): IncludedAt | undefined {
    const id = toHex(hash);
    for (let k = this.blocks.length - 1; k >= 0; k--) {
      const u = this.blocks[k] as Uncommitted;
      u.byTx ??= new Map(u.block.receipts.map((r, index) => [toHex(r.txHash), index]));
      const index = u.byTx.get(id);
      if (index === undefined) continue;
      return {
        height: u.block.height,
        blockHash: u.hash,
        index,
        tx: u.block.payload.body.txs[index] as Uint8Array,
      };
    }
    return undefined;
  }

  executed(hash: Uint8Array, block: ExecutedBlock): void {
    if (block.receipts.length > 0) {
      this.blocks.push({ hash, block });
      this.txs += block.receipts.length;
      while (this.txs > MAX_INCLUDED && this.blocks.length > 1) {
        this.txs -= (this.blocks.shift() as Uncommitted).block.receipts.length;
      }
    }
    this.emit({ kind: "executed", hash, block });
  }

  committed(info: CommittedInfo): void {
    // The committed block, and those at or below the new tip that lost their round and will
    // never commit.
    if (this.blocks.length > 0) {
      this.blocks = this.blocks.filter((u) => u.block.height > info.tip.height);
      this.txs = this.blocks.reduce((n, u) => n + u.block.receipts.length, 0);
    }
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
