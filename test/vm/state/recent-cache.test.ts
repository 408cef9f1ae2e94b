// The state's read cache: bounded, and keeping what was used lately.
import { describe, expect, it } from "vitest";
import { keyId, RecentCache } from "../../../vm/state/sparse-merkle-cache.ts";

describe("RecentCache", () => {
  it("never holds more than its capacity, and keeps an entry used once every capacity / 2 insertions", () => {
    const cache = new RecentCache<number>(8);
    cache.set("hot", 0);
    for (let i = 0; i < 100; i++) {
      cache.set(`k${i}`, i);
      expect(cache.size).toBeLessThanOrEqual(8);
      if (i % 3 === 0) expect(cache.get("hot")).toBe(0);
    }
    expect(cache.get("k99")).toBe(99);
    // Not used for 50 insertions: gone.
    expect(cache.get("k49")).toBeUndefined();
  });

  it("keeps a cached absence (null) apart from a miss, and takes the newest value of a key", () => {
    const cache = new RecentCache<Uint8Array | null>(4);
    cache.set("absent", null);
    expect(cache.get("absent")).toBeNull();
    expect(cache.get("never")).toBeUndefined();
    cache.set("a", Uint8Array.of(1));
    cache.set("b", Uint8Array.of(2)); // "absent" and "a" are the older generation now
    cache.set("a", Uint8Array.of(3));
    expect(cache.get("a")).toEqual(Uint8Array.of(3));
    cache.clear();
    expect(cache.size).toBe(0);
    expect(cache.get("a")).toBeUndefined();
  });

  it("caches nothing with capacity 0 and refuses a capacity that is not a count", () => {
    const none = new RecentCache<number>(0);
    none.set("a", 1);
    expect(none.get("a")).toBeUndefined();
    expect(() => new RecentCache(-1)).toThrow(RangeError);
    expect(() => new RecentCache(1.5)).toThrow(RangeError);
  });

  it("keys bytes by a string that tells apart every byte sequence", () => {
    expect(keyId(Uint8Array.of(0, 1))).not.toBe(keyId(Uint8Array.of(1, 0)));
    expect(keyId(Uint8Array.of(0))).not.toBe(keyId(Uint8Array.of(0, 0)));
    const long = Uint8Array.from({ length: 3000 }, (_, i) => i & 0xff);
    expect(keyId(long).length).toBe(3000);
  });
});
