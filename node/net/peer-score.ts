// How much we trust each peer, as one number per hex id: 0 is neutral, penalties push it down,
// and it decays back toward 0 (halving every `halfLifeMs`) so an honest peer that tripped once
// recovers. At the threshold the peer is banned for `banMs`, and its score starts over at 0
// when the ban ends: the ban was the punishment.
//
// Pure bookkeeping with an injected clock; Network does the disconnecting and refusing.

export interface PeerScoresOptions {
  /** A negative score at which the peer is banned. */
  threshold: number;
  banMs: number;
  halfLifeMs?: number;
  now?: () => number;
}

interface Entry {
  score: number;
  updatedMs: number;
}

/**
 * Decay is applied in whole steps, so penalties within one step add up exactly: five of 10 in a
 * burst reach -50 rather than -49.99. The part of a step not yet applied is kept, not lost.
 */
const DECAY_STEP_MS = 1_000;

/** Scores closer to 0 than this are dropped by sweep(); they would decay to nothing anyway. */
const NEGLIGIBLE = 0.5;

export class PeerScores {
  private readonly threshold: number;
  private readonly banMs: number;
  private readonly halfLifeMs: number;
  private readonly now: () => number;
  private readonly entries = new Map<string, Entry>();
  private readonly bans = new Map<string, number>();

  constructor(opts: PeerScoresOptions) {
    this.threshold = opts.threshold;
    this.banMs = opts.banMs;
    this.halfLifeMs = opts.halfLifeMs ?? 60_000;
    this.now = opts.now ?? Date.now;
  }

  score(peer: string): number {
    const entry = this.entries.get(peer);
    return entry === undefined ? 0 : this.decayed(entry);
  }

  /**
   * Lowers the score by `weight`; returns true when this penalty started a ban. A banned peer
   * is not scored further: it is already refused.
   */
  penalize(peer: string, weight: number): boolean {
    if (this.isBanned(peer)) return false;
    const now = this.now();
    const entry = this.entries.get(peer) ?? { score: 0, updatedMs: now };
    const steps = this.decaySteps(entry);
    const score = this.decayed(entry) - weight;
    if (score > this.threshold) {
      this.entries.set(peer, { score, updatedMs: entry.updatedMs + steps * DECAY_STEP_MS });
      return false;
    }
    this.entries.delete(peer);
    this.bans.set(peer, now + this.banMs);
    return true;
  }

  isBanned(peer: string): boolean {
    const until = this.bans.get(peer);
    if (until === undefined) return false;
    if (this.now() < until) return true;
    this.bans.delete(peer);
    return false;
  }

  /** Epoch ms at which the peer's ban ends, if it is banned. */
  bannedUntil(peer: string): number | undefined {
    return this.isBanned(peer) ? this.bans.get(peer) : undefined;
  }

  /** Drops expired bans and negligible scores, so the maps only hold peers that matter now. */
  sweep(): void {
    const now = this.now();
    for (const [peer, until] of this.bans) if (now >= until) this.bans.delete(peer);
    for (const [peer, entry] of this.entries) {
      if (Math.abs(this.decayed(entry)) < NEGLIGIBLE) this.entries.delete(peer);
    }
  }

  private decayed(entry: Entry): number {
    return entry.score * 0.5 ** ((this.decaySteps(entry) * DECAY_STEP_MS) / this.halfLifeMs);
  }

  private decaySteps(entry: Entry): number {
    return Math.max(0, Math.floor((this.now() - entry.updatedMs) / DECAY_STEP_MS));
  }
}
