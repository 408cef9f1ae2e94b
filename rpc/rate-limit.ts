// A token bucket per client: `burst` tokens, refilled at `perSecond`; each request takes one. Pure
// apart from the clock it is given, so tests drive time by hand.
//
// The table of buckets is bounded: a bucket that has refilled to full carries no information and
// is dropped, and past `maxClients` the least recently seen client is forgotten (it starts again
// with a full bucket, the cost of not letting a flood of source addresses grow memory).
import type { RpcRateLimit } from "./options.ts";

export type RateDecision = { ok: true } | { ok: false; retryAfterMs: number };

interface Bucket {
  tokens: number;
  at: number;
}

const DEFAULT_MAX_CLIENTS = 10_000;

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly limit: RpcRateLimit;
  private readonly now: () => number;
  private readonly maxClients: number;
  private lastSweep = Number.NEGATIVE_INFINITY;

  constructor(limit: RpcRateLimit, now: () => number, maxClients = DEFAULT_MAX_CLIENTS) {
    this.limit = limit;
    this.now = now;
    this.maxClients = maxClients;
  }

  /**
   * Takes `count` tokens for `key`, all or none: a batch is admitted whole or refused whole.
   * A batch larger than the bucket costs the whole bucket, so it is never refused forever.
   */
  take(key: string, count: number): RateDecision {
    const cost = Math.min(Math.max(count, 1), this.limit.burst);
    const now = this.now();
    const bucket = this.refilled(key, now);
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: Math.ceil(((cost - bucket.tokens) / this.limit.perSecond) * 1000) };
  }

  /** Clients currently tracked (for tests and metrics). */
  get size(): number {
    return this.buckets.size;
  }

  private refilled(key: string, now: number): Bucket {
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = { tokens: this.limit.burst, at: now };
      if (this.buckets.size >= this.maxClients) this.evict(now);
    } else {
      const elapsed = Math.max(0, now - bucket.at) / 1000;
      bucket.tokens = Math.min(this.limit.burst, bucket.tokens + elapsed * this.limit.perSecond);
      bucket.at = now;
      this.buckets.delete(key); // re-inserted below: Map order is then least recently seen first
    }
    this.buckets.set(key, bucket);
    return bucket;
  }

  private evict(now: number): void {
    // The full sweep runs at most once a second, so a flood of new addresses costs O(1) each.
    if (now - this.lastSweep >= 1000) {
      this.lastSweep = now;
      this.sweep(now);
    }
    while (this.buckets.size >= this.maxClients) {
      const oldest = this.buckets.keys().next().value as string;
      this.buckets.delete(oldest);
    }
  }

  private sweep(now: number): void {
    for (const [key, b] of this.buckets) {
      if (b.tokens + (Math.max(0, now - b.at) / 1000) * this.limit.perSecond >= this.limit.burst) {
        this.buckets.delete(key);
      }
    }
  }
}
