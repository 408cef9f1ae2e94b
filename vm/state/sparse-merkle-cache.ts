// The bounded read cache of committed values, and the map key a byte key is stored under.
// A Map keeps insertion order, so moving an entry to the end on each hit and evicting from the
// front is a least-recently-used cache with no extra bookkeeping.

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

export class LruCache<V> {
  private readonly capacity: number;
  private readonly map = new Map<string, V>();

  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 0) {
      throw new RangeError(`cache capacity ${capacity} is not a count`);
    }
    this.capacity = capacity;
  }

  get size(): number {
    return this.map.size;
  }

  get(id: string): V | undefined {
    const value = this.map.get(id);
    if (value !== undefined) {
      this.map.delete(id);
      this.map.set(id, value);
    }
    return value;
  }

  set(id: string, value: V): void {
    if (this.capacity === 0) return;
    this.map.delete(id);
    this.map.set(id, value);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string);
  }

  clear(): void {
    this.map.clear();
  }
}
