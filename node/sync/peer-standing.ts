// Which peers fast sync may ask for blocks now, across catch-ups. A full node runs a catch-up
// every 250 ms, and a catch-up only remembered its own failures: a peer that claims a far
// higher tip and lets every fetch run into its 10 s timeout was asked again by the next
// catch-up, and the one after, each time holding up the blocks other peers serve.
//
// So a peer that kept a fetch waiting (it timed out) is left out for a while: 10 s after its first failure, twice as long after each further one in a row (those of fetches sent together count once), at most
// 2 minutes, and forgotten once a fetch from it succeeds. A peer with a fetch still unanswered
// is not given another, so asks to one that keeps them waiting never pile up. Peers that failed
// lately are asked last. A peer that answers with what fails the checks is not left out: it
// costs no wait, and each such answer is penalized until the peer scores ban it. The penalties
// and bans are separate: this only decides whom to ask, so a loaded honest peer is asked again
// after a short wait.
import { evictOldest } from "../evict-oldest.ts";

export interface PeerStandingOptions {
  firstBackoffMs: number;
  maxBackoffMs: number;
  /** Peers with failures remembered at most (the one that failed longest ago goes first). */
  maxPeers: number;
}

export const defaultPeerStandingOptions: PeerStandingOptions = {
  firstBackoffMs: 10_000,
  maxBackoffMs: 120_000,
  maxPeers: 1024,
};

interface Failures {
  /** Failed fetches in a row. */
  count: number;
  waitMs: number;
  until: number;
}

export class SyncPeerStanding {
  private readonly opts: PeerStandingOptions;
  private readonly now: () => number;
  private readonly failures = new Map<string, Failures>();
  private readonly inFlight = new Map<string, number>();

  /** @param now milliseconds, monotonic (only gaps are measured). */
  constructor(now: () => number, opts: Partial<PeerStandingOptions> = {}) {
    this.now = now;
    this.opts = { ...defaultPeerStandingOptions, ...opts };
  }

  /** Whether the peer may be asked for blocks now. */
  usable(peer: string): boolean {
    if (this.inFlight.has(peer)) return false;
    const f = this.failures.get(peer);
    if (f === undefined) return true;
    // A clock stepped back to before the failure ends its wait rather than stretching it.
    const now = this.now();
    return f.until <= now || now < f.until - f.waitMs;
  }

  /** Fetches in a row the peer kept waiting (0 once it served). */
  failuresOf(peer: string): number {
    return this.failures.get(peer)?.count ?? 0;
  }

  /** A fetch from the peer went out. */
  asked(peer: string): void {
    this.inFlight.set(peer, (this.inFlight.get(peer) ?? 0) + 1);
  }

  /** The fetch from the peer ended: it served (`ok`), or not (see keptWaiting). */
  answered(peer: string, ok: boolean): void {
    const left = (this.inFlight.get(peer) ?? 1) - 1;
    if (left > 0) this.inFlight.set(peer, left);
    else this.inFlight.delete(peer);
    if (ok) this.failures.delete(peer);
  }

  /** A fetch from the peer timed out (called before answered() for that fetch). */
  keptWaiting(peer: string): void {
    const before = this.failures.get(peer);
    // Windows sent to it together fail together: that is one failure, not one per window.
    if (before !== undefined && before.until > this.now()) return;
    const waitMs =
      before === undefined ? this.opts.firstBackoffMs : Math.min(2 * before.waitMs, this.opts.maxBackoffMs);
    // Re-inserted, so the map's order is the order of last failure and the oldest goes first.
    this.failures.delete(peer);
    if (this.failures.size >= this.opts.maxPeers) evictOldest(this.failures);
    this.failures.set(peer, { count: (before?.count ?? 0) + 1, waitMs, until: this.now() + waitMs });
  }
}
