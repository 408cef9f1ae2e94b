// Evicting the oldest entry of a bounded Set or Map in constant time.
//
// `set.delete(set.values().next().value)` looks constant, and is until the collection is full.
// V8 keeps a deleted entry as a hole until the table is next rebuilt, and a new iterator starts
// at the table's first slot and steps over every hole: with first-in-first-out eviction the
// holes pile up at the front, so each eviction scans up to half the table again. A 65,536-entry
// set then cost 10-45 us per insertion instead of 0.3 us, on every transaction a full node saw.
// An iterator that lives on keeps its place (V8 moves it across rebuilds), so each hole is
// stepped over once.

type Bounded<K> = Set<K> | Map<K, unknown>;

const cursors = new WeakMap<Bounded<unknown>, Iterator<unknown>>();

/**
 * Deletes the entry inserted first (of those still there) and returns its key; undefined if
 * the collection is empty. The collection's own order is kept: a key deleted and set again is
 * the newest.
 */
export function evictOldest<K>(collection: Bounded<K>): K | undefined {
  if (collection.size === 0) return undefined;
  let cursor = cursors.get(collection) as Iterator<K> | undefined;
  // Every entry before the cursor was evicted through it, so the first it yields is the oldest.
  // It is never done while the collection holds anything; a new one is only for the first call.
  let next = cursor?.next();
  if (cursor === undefined || next === undefined || next.done === true) {
    cursor = collection.keys() as Iterator<K>;
    cursors.set(collection, cursor);
    next = cursor.next();
  }
  if (next.done === true) return undefined;
  collection.delete(next.value);
  return next.value;
}
