// A bounded set of transaction hashes, oldest forgotten first. Holds what left the pool because
// a block included it (or made its nonce obsolete), so a replay of it is refused by a lookup,
// before any account read or signature check.
import { evictOldest } from "../evict-oldest.ts";

export class RecentHashes {
  private readonly capacity: number;
  // A Set iterates in insertion order, so its first element is the oldest.
  private readonly keys = new Set<string>();

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }

  add(key: string): void {
    if (this.keys.has(key)) return;
    this.keys.add(key);
    if (this.keys.size > this.capacity) evictOldest(this.keys);
  }
}
