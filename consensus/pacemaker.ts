// When to give up on a round. The round only moves forward, to one past the highest QC or TC
// seen. Its timeout doubles with every round since the last certified block and is capped, so
// with honest leaders the chain runs at network speed (every round ends with a QC and the
// timeout stays at its base) and after a run of failed leaders it waits long enough for a
// slow network to catch up.
import type { TimerId } from "./interface.ts";

export const ROUND_TIMER: TimerId = "consensus/round";
/**
 * Retries open block fetches (synchronizer.ts) every base timeout while any is open. Retrying
 * only on local timeouts left a validator whose fetch went unanswered stuck when rounds kept
 * succeeding without it: it sees every QC, so its rounds never time out.
 */
export const SYNC_TIMER: TimerId = "consensus/sync";

/** min(base * 2^n, max) without overflow for any n. */
export function roundTimeoutMs(baseMs: number, maxMs: number, n: bigint): number {
  let d = baseMs;
  for (let i = 0n; i < n && d < maxMs; i++) d *= 2;
  return Math.min(d, maxMs);
}

/**
 * The timeout of a round that cannot end in a QC because its leader or vote collector is down
 * (silent-validators.ts; the node's rule for peers it saw disconnect): a quarter of the base.
 * The base leaves room for four message delays where a round needs two, so this is about one:
 * time enough for a proposal already on its way from a leader that is up after all.
 */
export function shortRoundTimeoutMs(baseMs: number): number {
  return Math.max(1, Math.floor(baseMs / 4));
}

export class Pacemaker {
  round = 0n;
  /** Local timeouts in the current round, so a repeated timeout backs off too. */
  private localTimeouts = 0n;
  private readonly baseMs: number;
  private readonly maxMs: number;

  constructor(baseMs: number, maxMs: number) {
    this.baseMs = baseMs;
    this.maxMs = maxMs;
  }

  /** The round after the highest certificate; larger than the current round or null. */
  nextRound(highQcRound: bigint, highTcRound: bigint): bigint | null {
    const next = (highQcRound > highTcRound ? highQcRound : highTcRound) + 1n;
    return next > this.round ? next : null;
  }

  /** Enters `round`; returns its timeout. `highQcRound` tells how many rounds failed in a row. */
  enter(round: bigint, highQcRound: bigint): number {
    this.round = round;
    this.localTimeouts = 0n;
    return this.duration(highQcRound);
  }

  /** A local timeout fired in the current round; returns when to fire again. */
  timedOut(highQcRound: bigint): number {
    this.localTimeouts++;
    return this.duration(highQcRound);
  }

  /** The current round's timeout as things stand (no local timeout counted anew). */
  currentTimeoutMs(highQcRound: bigint): number {
    return this.duration(highQcRound);
  }

  private duration(highQcRound: bigint): number {
    const failedRounds = this.round - 1n - highQcRound;
    return roundTimeoutMs(this.baseMs, this.maxMs, (failedRounds > 0n ? failedRounds : 0n) + this.localTimeouts);
  }
}
