// Transactions travel between nodes in batches: one gossip message carries every transaction
// this node admitted in the last few milliseconds, so that under load the per-message cost of
// gossip (framing, message ids, seen caches) is paid per batch, and the receiver verifies the
// whole batch's signatures in one call to the worker threads.
import { bytes, decode, encode, list } from "../../crypto/index.ts";
import { MAX_TX_BYTES } from "../../vm/index.ts";

export const MAX_TXS_PER_BATCH = 512;
const FLUSH_AFTER_MS = 20;

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
  private pending: Uint8Array[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(publish: (batch: Uint8Array) => void) {
    this.publish = publish;
  }

  push(tx: Uint8Array): void {
    this.pending.push(tx);
    if (this.pending.length >= MAX_TXS_PER_BATCH) this.flush();
    else if (this.timer === null) this.timer = setTimeout(() => this.flush(), FLUSH_AFTER_MS);
  }

  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.publish(encodeTxBatch(batch));
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.pending = [];
  }
}
