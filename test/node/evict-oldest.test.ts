// evictOldest against a plain model: the oldest key still present goes first, whatever else
// was deleted or set again in between, across many of V8's table rebuilds.
import { describe, expect, test } from "vitest";
import { evictOldest } from "../../node/evict-oldest.ts";

/** A deterministic pseudo-random sequence (xorshift32), so a failure can be replayed. */
function xorshift(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

describe("evictOldest", () => {
  test("empties a set and a map in insertion order, then answers undefined", () => {
    const set = new Set(["a", "b", "c"]);
    expect([evictOldest(set), evictOldest(set), evictOldest(set), evictOldest(set)]).toEqual([
      "a",
      "b",
      "c",
      undefined,
    ]);
    const map = new Map([
      [1, "x"],
      [2, "y"],
    ]);
    expect(evictOldest(map)).toBe(1);
    expect([...map]).toEqual([[2, "y"]]);
  });

  test("a key deleted and added again is the newest; one set again on a map keeps its place", () => {
    const set = new Set(["a", "b", "c"]);
    set.delete("a");
    set.add("a");
    expect(evictOldest(set)).toBe("b");
    const map = new Map([
      ["a", 1],
      ["b", 2],
    ]);
    map.set("a", 3);
    expect(evictOldest(map)).toBe("a");
  });

  test("keeps evicting correctly after the collection was emptied or cleared", () => {
    const set = new Set([1, 2]);
    evictOldest(set);
    evictOldest(set);
    set.add(3);
    set.add(4);
    expect(evictOldest(set)).toBe(3);
    set.clear();
    set.add(5);
    expect(evictOldest(set)).toBe(5);
  });

  test("agrees with a model over 200,000 random inserts, deletes and evictions", () => {
    const random = xorshift(0x5eed);
    const set = new Set<number>();
    const model: number[] = [];
    let next = 0;
    for (let op = 0; op < 200_000; op++) {
      const r = random();
      if (r < 0.6 || model.length === 0) {
        // A new key, or (now and then) one present, which a set leaves where it is.
        const key = r < 0.05 && model.length > 0 ? (model[Math.floor(random() * model.length)] as number) : next++;
        if (!set.has(key)) model.push(key);
        set.add(key);
      } else if (r < 0.7) {
        const key = model.splice(Math.floor(random() * model.length), 1)[0] as number;
        set.delete(key);
      } else {
        expect(evictOldest(set)).toBe(model.shift());
      }
      // A bounded collection: evict down to 1,000 as the callers do.
      while (set.size > 1_000) expect(evictOldest(set)).toBe(model.shift());
    }
    expect([...set]).toEqual(model);
  });
});
