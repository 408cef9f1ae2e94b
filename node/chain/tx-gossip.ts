// Transactions travel between nodes in batches: one gossip message carries every transaction
// this node admitted since its last batch, so that under load the per-message cost of gossip
// (encryption, framing, message ids, seen caches, and each receiver's IDONTWANTs to its other
// mesh peers) is paid per batch, and the receiver verifies the whole batch's signatures in one
// call. Batches leave at most once per BATCH_SPACING_MS: a quiet node sends a transaction
// almost at once (a fixed 20 ms wait before), a busy one sends a third as many messages; on 4
// validators at 500 tx/s this saved about 3% of node CPU per transaction (docs/benchmarks.md).
import { bytes, decode, encode, list } from "../../crypto/index.ts";
import { MAX_TX_BYTES } from "../../vm/index.ts";

export const MAX_TXS_PER_BATCH = 512;
/** The least time between two batches from this node. */
export const BATCH_SPACING_MS = 60;
/** A lone transaction waits this long for others admitted just after it (the rest of a burst). */
const COALESCE_MS = 2;

const txBatchCodec = list(bytes(MAX_TX_BYTES), MAX_TXS_PER_BATCH);

export function encodeTxBatch(txs: readonly Uint8Array[]): Uint8Array {
  return encode(txBatchCodec, [...txs]);
}

/** Throws EncodingError unless `b` is a canonical batch. */
export function decodeTxBatch(b: Uint8Array): Uint8Array[] {
  return decode(txBatchCodec, b, { maxBytes: MAX_TXS_PER_BATCH * (MAX_TX_BYTES + 3) + 8 });
}

/** Collects admitted transactions and publishes them as batches. */
export class TxBatcher {
  private readonly publish: (batch: Uint8Array) => void;
  private readonly now: () => number;
  private pending: Uint8Array[] = [];
  private timer: NodeJS.Timeout | null = null;
  private lastFlushAt = Number.NEGATIVE_INFINITY;

  /** @param now milliseconds (the node's clock; only gaps between batches are measured). */
  constructor(publish: (batch: Uint8Array) => void, now: () => number) {
    this.publish = publish;
    this.now = now;
  }

  push(tx: Uint8Array): void {
    this.pending.push(tx);
    if (this.pending.length >= MAX_TXS_PER_BATCH) this.flush();
    else if (this.timer === null) {
      // Bounded both ways, so a wall clock stepped backwards cannot hold a batch back.
      const sinceLast = this.now() - this.lastFlushAt;
      const wait = Math.min(BATCH_SPACING_MS, Math.max(COALESCE_MS, BATCH_SPACING_MS - sinceLast));
      this.timer = setTimeout(() => this.flush(), wait);
    }
  }

  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.lastFlushAt = this.now();
    this.publish(encodeTxBatch(batch));
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.pending = [];
  }
}
