// Token buckets keyed by peer and protocol. Each bucket refills at `ratePerSecond` up to `burst`;
// a take from an empty bucket is refused. Full buckets carry no information, so sweep() drops
// them and the map only holds peers that were busy lately.

interface Bucket {
  tokens: number;
  updatedMs: number;
}

export class RateLimiter {
  private readonly ratePerMs: number;
  private readonly burst: number;
  private readonly now: () => number;
  private readonly buckets = new Map<string, Bucket>();

  constructor(ratePerSecond: number, burst: number, now: () => number = Date.now) {
    this.ratePerMs = ratePerSecond / 1000;
    this.burst = burst;
    this.now = now;
  }

  /** Takes one token for `key`; false when the bucket is empty. */
  tryTake(key: string): boolean {
    const bucket = this.refilled(key);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Forgets the buckets that have filled up again. */
  sweep(): void {
    for (const key of [...this.buckets.keys()]) {
      if (this.refilled(key).tokens >= this.burst) this.buckets.delete(key);
    }
  }

  get size(): number {
    return this.buckets.size;
  }

  private refilled(key: string): Bucket {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = { tokens: this.burst, updatedMs: now };
      this.buckets.set(key, bucket);
    } else {
      bucket.tokens = Math.min(this.burst, bucket.tokens + Math.max(0, now - bucket.updatedMs) * this.ratePerMs);
      bucket.updatedMs = now;
    }
    return bucket;
  }
}
