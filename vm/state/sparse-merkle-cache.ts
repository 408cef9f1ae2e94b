// The bounded read cache of committed values, and the map key a byte key is stored under.

// Arguments per fromCharCode call, far below any engine's limit on spread arguments.
const CHUNK = 1024;

/** A string standing for `key` byte for byte, cheap to make for the short keys of the state. */
export function keyId(key: Uint8Array): string {
  if (key.length <= CHUNK) return String.fromCharCode.apply(null, key as unknown as number[]);
  let id = "";
  for (let i = 0; i < key.length; i += CHUNK) {
    id += String.fromCharCode.apply(null, key.subarray(i, i + CHUNK) as unknown as number[]);
  }
  return id;
}

/**
 * A bounded cache that keeps what was used lately, in two generations: new entries and hits on
 * older ones go to the current generation, and once it holds half the capacity it becomes the
 * older one and the previous older one is dropped. An entry survives while it is used at least
 * once every capacity / 2 insertions. A strict least-recently-used order, kept by deleting and
 * setting an entry again on every hit, cost each hit a Map deletion and insertion, and the Map's
 * growing and rehashing over its holes allocated tables that outlived young collections (state
 * reads are about two per transaction per block).
 */
export class RecentCache<V> {
  private readonly half: number;
  private current = new Map<string, V>();
  private older = new Map<string, V>();

  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 0) {
      throw new RangeError(`cache capacity ${capacity} is not a count`);
    }
    this.half = Math.ceil(capacity / 2);
  }

  get size(): number {
    return this.current.size + this.older.size;
  }

  get(id: string): V | undefined {
    const value = this.current.get(id);
    if (value !== undefined) return value;
    const old = this.older.get(id);
    if (old !== undefined) {
      this.older.delete(id);
      this.put(id, old);
    }
    return old;
  }

  set(id: string, value: V): void {
    if (this.half === 0) return;
    this.older.delete(id);
    this.put(id, value);
  }

  clear(): void {
    this.current.clear();
    this.older.clear();
  }

  private put(id: string, value: V): void {
    this.current.set(id, value);
    if (this.current.size >= this.half) {
      this.older = this.current;
      this.current = new Map();
    }
  }
}
