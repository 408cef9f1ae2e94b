// A set that forgets its oldest entry when full: a Set iterates in insertion order.

/** Adds `key` to `set`, first dropping the oldest entry if the set holds `max` already. */
export function addBounded(set: Set<string>, key: string, max: number): void {
  if (set.size >= max) set.delete(set.values().next().value as string);
  set.add(key);
}
