// The simulated network between instances (an instance is one running copy of a validator; a
// twin is a second instance of the same validator). Each ordered link has a fixed base delay,
// drawn once per run around `latencyMs`; every message adds a uniform jitter in
// [0, jitterMs], so messages on one link overtake each other (reordering falls out of jitter).
// Before `lossUntilMs` each message is lost with probability `lossRate`. A partition splits the
// instances into groups for a time window; a message between groups sent inside the window is
// dropped. Messages to a crashed instance are dropped on arrival (by the runner, which knows who
// is up). After every window has closed, delivery is reliable and takes at most `maxDelayMs`.
import type { Prng } from "./prng.ts";

export interface NetworkOptions {
  /** Mean one-way base delay of a link, ms. */
  latencyMs: number;
  /** Each link's base delay is latencyMs * (1 + u * linkSpread), u uniform in [-1, 1]. */
  linkSpread: number;
  /** Per-message extra delay, uniform integer in [0, jitterMs]. */
  jitterMs: number;
  /** Probability that a message sent before `lossUntilMs` is lost. */
  lossRate: number;
  lossUntilMs: number;
}

/** Instances in different groups cannot reach each other from `fromMs` until `untilMs`. */
export interface Partition {
  /** Instance indices; every instance is in exactly one group. */
  groups: number[][];
  fromMs: number;
  untilMs: number;
}

export interface NetworkStats {
  /** Messages handed to the network (a broadcast counts once per recipient). */
  sent: number;
  lost: number;
  partitioned: number;
}

export type Route = { delayMs: number } | { dropped: "loss" | "partition" };

export class Network {
  readonly opts: NetworkOptions;
  readonly stats: NetworkStats = { sent: 0, lost: 0, partitioned: 0 };
  private readonly instances: number;
  private readonly baseDelay: Int32Array;
  private readonly rng: Prng;
  private readonly partitions: { fromMs: number; untilMs: number; side: Int32Array }[] = [];

  constructor(instances: number, opts: NetworkOptions, rng: Prng) {
    if (!(opts.latencyMs >= 1)) throw new RangeError(`latencyMs must be at least 1, got ${opts.latencyMs}`);
    if (!(opts.linkSpread >= 0 && opts.linkSpread < 1)) throw new RangeError(`linkSpread must be in [0, 1)`);
    if (!(opts.jitterMs >= 0)) throw new RangeError(`jitterMs must be >= 0, got ${opts.jitterMs}`);
    if (!(opts.lossRate >= 0 && opts.lossRate < 1)) throw new RangeError(`lossRate must be in [0, 1)`);
    this.opts = opts;
    this.instances = instances;
    this.rng = rng;
    this.baseDelay = new Int32Array(instances * instances);
    for (let i = 0; i < instances * instances; i++) {
      const u = rng.float() * 2 - 1;
      this.baseDelay[i] = Math.max(1, Math.round(opts.latencyMs * (1 + u * opts.linkSpread)));
    }
  }

  /** The longest a message can take once no partition or loss window is open (Δ after GST). */
  get maxDelayMs(): number {
    return Math.max(1, Math.round(this.opts.latencyMs * (1 + this.opts.linkSpread))) + this.opts.jitterMs;
  }

  addPartition(p: Partition): void {
    if (!(p.untilMs >= p.fromMs)) throw new RangeError(`partition ends before it starts: ${p.fromMs}..${p.untilMs}`);
    const side = new Int32Array(this.instances).fill(-1);
    p.groups.forEach((group, g) => {
      for (const i of group) {
        if (!(i >= 0 && i < this.instances) || side[i] !== -1) {
          throw new RangeError(`partition groups must list each instance once, got ${JSON.stringify(p.groups)}`);
        }
        side[i] = g;
      }
    });
    if (side.includes(-1))
      throw new RangeError(`partition groups must cover every instance: ${JSON.stringify(p.groups)}`);
    this.partitions.push({ fromMs: p.fromMs, untilMs: p.untilMs, side });
  }

  /** Can `from` reach `to` at `atMs`? */
  connected(from: number, to: number, atMs: number): boolean {
    for (const p of this.partitions) {
      if (atMs >= p.fromMs && atMs < p.untilMs && p.side[from] !== p.side[to]) return false;
    }
    return true;
  }

  /** Decides the fate of one message from `from` to `to` sent at `atMs`. */
  route(from: number, to: number, atMs: number): Route {
    this.stats.sent++;
    if (!this.connected(from, to, atMs)) {
      this.stats.partitioned++;
      return { dropped: "partition" };
    }
    // Draw only when loss is possible, so a lossless run's delays do not depend on the loss setting.
    if (this.opts.lossRate > 0 && atMs < this.opts.lossUntilMs && this.rng.chance(this.opts.lossRate)) {
      this.stats.lost++;
      return { dropped: "loss" };
    }
    const jitter = this.opts.jitterMs > 0 ? this.rng.int(this.opts.jitterMs + 1) : 0;
    return { delayMs: (this.baseDelay[from * this.instances + to] as number) + jitter };
  }
}
