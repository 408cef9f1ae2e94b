// A KvStore that lets the chain add its own records (block, certificate, receipts, tip) to the
// next batch the state writes, so a committed block and the state it produces land in one
// LevelDB batch: after a crash the store holds both or neither.
import type { KvOp, KvStore } from "../../vm/index.ts";

export class StagedKv implements KvStore {
  private readonly inner: KvStore;
  private staged: KvOp[] = [];

  constructor(inner: KvStore) {
    this.inner = inner;
  }

  /** Ops to write together with the next write() (or flushStaged()). */
  stage(ops: readonly KvOp[]): void {
    this.staged.push(...ops);
  }

  get(key: Uint8Array): Promise<Uint8Array | undefined> {
    return this.inner.get(key);
  }

  async write(ops: readonly KvOp[]): Promise<void> {
    const all = this.staged.length === 0 ? ops : [...ops, ...this.staged];
    this.staged = [];
    await this.inner.write(all);
  }

  /** Writes what is staged on its own (a block whose execution wrote no state). */
  async flushStaged(): Promise<void> {
    if (this.staged.length > 0) await this.write([]);
  }

  /** Writes `ops` on their own, leaving what is staged for the state's next write. */
  writeApart(ops: readonly KvOp[]): Promise<void> {
    return this.inner.write(ops);
  }

  /** Forgets what is staged (the write it was meant for failed). */
  dropStaged(): void {
    this.staged = [];
  }
}
