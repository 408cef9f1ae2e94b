// Refused-for-now transactions come due again after 250 ms, then twice as long each time up to
// 2 s, each once per refusal, in the order they were refused.
import { describe, expect, it } from "vitest";
import { FIRST_RETRY_MS, MAX_RETRY_MS, RefusalRetries } from "../../bench/devnet-retry.ts";

describe("refusal retries", () => {
  it("sends a refused transaction again after a backoff that doubles up to a cap", () => {
    const r = new RefusalRetries();
    let now = 1000;
    const gaps: number[] = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      r.refused(7, now);
      const refusedAt = now;
      while (r.due(now).length === 0) now += 10;
      gaps.push(now - refusedAt);
    }
    expect(gaps).toEqual([FIRST_RETRY_MS, 500, 1000, MAX_RETRY_MS, MAX_RETRY_MS, MAX_RETRY_MS]);
    expect(r.waiting).toBe(0);
  });

  it("hands out each due transaction once, in refusal order, and keeps the rest", () => {
    const r = new RefusalRetries();
    r.refused(3, 0);
    r.refused(1, 10);
    r.refused(2, 500);
    expect(r.due(FIRST_RETRY_MS - 1)).toEqual([]);
    expect(r.due(FIRST_RETRY_MS + 10)).toEqual([3, 1]);
    expect(r.due(FIRST_RETRY_MS + 10)).toEqual([]);
    expect(r.waiting).toBe(1);
    expect(r.due(10_000)).toEqual([2]);
  });
});
