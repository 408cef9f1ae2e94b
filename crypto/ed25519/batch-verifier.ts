// Verifies many signatures on all cores. The mempool and sync hand it whole batches; it splits
// each batch into one chunk per worker, ships each chunk as a single transferable buffer, and
// reassembles the answers in order. Small batches are verified inline: below a few dozen
// signatures the message round trip costs more than it saves.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { hasValidLengths, packBatch, type SignedItem } from "./batch-wire.ts";
import { addon } from "./verify-addon.ts";
import { nativeBatches, verifyNative } from "./verify-native.ts";

export type { SignedItem };

export interface BatchVerifierOptions {
  /** Worker threads; defaults to the number of cores. */
  workers: number;
  /** Batches smaller than this are verified on the calling thread. */
  inlineBelow: number;
  /**
   * No worker gets fewer items than this unless the batch itself is smaller: a batch of a few
   * signatures goes to one worker (the next in turn) instead of being cut into one-item
   * messages, each a postMessage and a thread wake-up of its own.
   */
  minChunk: number;
}

export const defaultBatchVerifierOptions: BatchVerifierOptions = {
  workers: availableParallelism(),
  inlineBelow: 64,
  minChunk: 32,
};

interface Pending {
  resolve: (results: Uint8Array) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  inFlight: Map<number, Pending>;
}

/** Verifies on the calling thread: as one batch where the addon loaded, else one by one. */
export function verifyHere(items: readonly SignedItem[]): boolean[] {
  if (!nativeBatches || addon === null || items.length < 2) {
    return items.map((it) => verifyNative(it.publicKey, it.message, it.signature));
  }
  const results = addon.verifyPacked(packBatch(items), items.length);
  return items.map((it, i) => hasValidLengths(it) && results[i] === 1);
}

const WORKER_URL = new URL("./batch-verify-worker.ts", import.meta.url);

export class BatchVerifier {
  private readonly opts: BatchVerifierOptions;
  private readonly slots: Slot[] = [];
  private nextJobId = 0;
  private nextSlot = 0;
  private closed = false;

  constructor(opts: Partial<BatchVerifierOptions> = {}) {
    this.opts = { ...defaultBatchVerifierOptions, ...opts };
    if (!Number.isInteger(this.opts.workers) || this.opts.workers < 1) {
      throw new RangeError(`workers must be a positive integer, got ${this.opts.workers}`);
    }
    for (let i = 0; i < this.opts.workers; i++) this.slots.push(this.spawn());
  }

  get workerCount(): number {
    return this.slots.length;
  }

  /** Messages sent to the workers so far (one per chunk). */
  get jobsSent(): number {
    return this.nextJobId;
  }

  /** One boolean per item, in order. Malformed items are simply false. */
  async verify(items: readonly SignedItem[]): Promise<boolean[]> {
    if (this.closed) throw new Error("BatchVerifier is closed");
    if (items.length < this.opts.inlineBelow) return verifyHere(items);
    const chunks = Math.max(1, Math.min(this.slots.length, Math.floor(items.length / this.opts.minChunk)));
    const chunkSize = Math.ceil(items.length / chunks);
    const parts: Promise<Uint8Array>[] = [];
    for (let start = 0; start < items.length; start += chunkSize) {
      const slot = this.slots[this.nextSlot] as Slot;
      this.nextSlot = (this.nextSlot + 1) % this.slots.length;
      parts.push(this.dispatch(slot, items.slice(start, start + chunkSize)));
    }
    const answers = await Promise.all(parts);
    const out: boolean[] = new Array(items.length);
    let i = 0;
    for (const part of answers) for (const bit of part) out[i++] = bit === 1;
    return out;
  }

  /** True only if every signature in the batch is valid. */
  async verifyAll(items: readonly SignedItem[]): Promise<boolean> {
    return (await this.verify(items)).every(Boolean);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots.length = 0;
  }

  private dispatch(slot: Slot, chunk: SignedItem[]): Promise<Uint8Array> {
    // Items that cannot be packed faithfully are answered here and replaced by a placeholder.
    const valid = chunk.map(hasValidLengths);
    const packed = packBatch(chunk);
    const id = this.nextJobId++;
    return new Promise<Uint8Array>((resolve, reject) => {
      slot.inFlight.set(id, {
        resolve: (results) => {
          for (let i = 0; i < valid.length; i++) if (!valid[i]) results[i] = 0;
          resolve(results);
        },
        reject,
      });
      if (slot.inFlight.size === 1) slot.worker.ref();
      slot.worker.postMessage({ id, count: chunk.length, packed }, [packed.buffer]);
    });
  }

  private spawn(): Slot {
    const worker = new Worker(WORKER_URL);
    const slot: Slot = { worker, inFlight: new Map() };
    // An idle pool must not keep the process alive; a busy one must.
    worker.unref();
    worker.on("message", (msg: { id: number; results: Uint8Array }) => {
      const pending = slot.inFlight.get(msg.id);
      if (!pending) return;
      slot.inFlight.delete(msg.id);
      if (slot.inFlight.size === 0) worker.unref();
      pending.resolve(msg.results);
    });
    const fail = (error: Error) => {
      for (const p of slot.inFlight.values()) p.reject(error);
      slot.inFlight.clear();
      if (this.closed) return;
      // Replace a crashed worker so one bad event does not shrink the pool for good.
      const index = this.slots.indexOf(slot);
      if (index >= 0) this.slots[index] = this.spawn();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => {
      if (!this.closed && slot.inFlight.size > 0) fail(new Error(`verification worker exited with code ${code}`));
    });
    return slot;
  }
}
