// The storage a state lives on: an ordered key-value store with atomic batches. The node backs
// it with level on disk (node/storage); unit tests use MemoryKv. Keys start with a bucket byte.
export type KvOp = { type: "put"; key: Uint8Array; value: Uint8Array } | { type: "del"; key: Uint8Array };

export interface KvStore {
  get(key: Uint8Array): Promise<Uint8Array | undefined>;
  /** Applies every operation or none. */
  write(ops: readonly KvOp[]): Promise<void>;
}

/** A KvStore in memory, for tests and simulations. */
export class MemoryKv implements KvStore {
  private readonly map = new Map<string, Uint8Array>();

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    return this.map.get(Buffer.from(key).toString("hex"));
  }

  async write(ops: readonly KvOp[]): Promise<void> {
    for (const op of ops) {
      const id = Buffer.from(op.key).toString("hex");
      if (op.type === "put") this.map.set(id, Uint8Array.from(op.value));
      else this.map.delete(id);
    }
  }

  get size(): number {
    return this.map.size;
  }

  /** An independent copy (values are never changed in place, so they are shared). */
  clone(): MemoryKv {
    const copy = new MemoryKv();
    for (const [k, v] of this.map) copy.map.set(k, v);
    return copy;
  }
}

/** A view of a store under a fixed key prefix, so several chains can share one database. */
export class PrefixedKv implements KvStore {
  private readonly inner: KvStore;
  private readonly prefix: Uint8Array;

  constructor(inner: KvStore, prefix: Uint8Array) {
    this.inner = inner;
    this.prefix = prefix;
  }

  private full(key: Uint8Array): Uint8Array {
    const out = new Uint8Array(this.prefix.length + key.length);
    out.set(this.prefix, 0);
    out.set(key, this.prefix.length);
    return out;
  }

  get(key: Uint8Array): Promise<Uint8Array | undefined> {
    return this.inner.get(this.full(key));
  }

  write(ops: readonly KvOp[]): Promise<void> {
    return this.inner.write(ops.map((op) => ({ ...op, key: this.full(op.key) })));
  }
}
