// The consensus engine's timers on this process's clock, with one rule of our own: the round
// timer is held while this validator has nothing for consensus to carry (no transaction in its
// pool, none in an executed block waiting for its commit, no cross-shard work) and nobody is
// timing the round out (no timeout of it counted here).
//
// Why: with empty blocks off, an idle chain's leader waits for transactions while the others
// used to time its round out. When load came back after a quiet spell, the leader's proposal
// arrived in a round the others had already left, and the chain restarted a second or two
// later (docs/benchmarks.md, "the step after an overload"). CometBFT's create_empty_blocks =
// false waits for transactions the same way. Holding a timer only delays a timeout, which the
// protocol allows any validator at any time: safety does not rest on timers, and the engine
// stays deterministic (it never learns of the hold).
//
// Liveness: a validator with work runs its timer and, when it fires, broadcasts a timeout.
// Once any timeout of the round is counted here the round is under way and the timer runs, so
// one busy validator brings the others' timeouts along and a timeout certificate still forms.
// Stale messages (a late timeout of the round before) do not count, so an idle network falls
// quiet instead of timing rounds out one after another. For the validators to agree that
// nothing is left to carry, a leader with nothing to propose announces the QC that commits
// their last blocks (consensus/core.ts announceHighQc).
import { ROUND_TIMER, type TimerId } from "../../consensus/index.ts";

export class HostTimers {
  private readonly timers = new Map<TimerId, NodeJS.Timeout>();
  private readonly fire: (id: TimerId) => void;
  private readonly hasWork: (() => boolean) | undefined;
  /** The round timer's delay as the engine last set it (a held timer runs it in full). */
  private roundDelayMs = 0;
  /** The engine has a round timer set that has neither fired nor been cancelled. */
  private roundPending = false;
  /** ...and it is held, not running. */
  private roundHeld = false;

  /** `hasWork` undefined: never hold (empty blocks on, or a chain that always proposes). */
  constructor(fire: (id: TimerId) => void, hasWork?: () => boolean) {
    this.fire = fire;
    this.hasWork = hasWork;
  }

  /** Whether the round timer is held now (for logs and tests). */
  get held(): boolean {
    return this.roundHeld;
  }

  set(id: TimerId, delayMs: number): void {
    this.stopTimer(id);
    if (id === ROUND_TIMER) {
      this.roundDelayMs = delayMs;
      this.roundPending = true;
      this.roundHeld = false;
    }
    this.run(id, delayMs);
  }

  cancel(id: TimerId): void {
    this.stopTimer(id);
    if (id === ROUND_TIMER) {
      this.roundPending = false;
      this.roundHeld = false;
    }
  }

  /** Every timer off, none pending (the engine stopped). */
  clear(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.roundPending = false;
    this.roundHeld = false;
  }

  /**
   * Holds or runs the round timer: call after every engine input, and whenever what this
   * validator could carry changed. A released timer runs its full delay from now. The engine is
   * asked about the round only when this validator has no work (under load it always has).
   */
  update(roundUnderway: () => boolean): void {
    if (!this.roundPending || this.hasWork === undefined) return;
    const hold = !this.hasWork() && !roundUnderway();
    if (hold === this.roundHeld) return;
    this.roundHeld = hold;
    if (hold) this.stopTimer(ROUND_TIMER);
    else this.run(ROUND_TIMER, this.roundDelayMs);
  }

  private run(id: TimerId, delayMs: number): void {
    const t = setTimeout(() => {
      this.timers.delete(id);
      if (id === ROUND_TIMER) this.roundPending = false;
      this.fire(id);
    }, delayMs);
    this.timers.set(id, t);
  }

  private stopTimer(id: TimerId): void {
    const t = this.timers.get(id);
    if (t !== undefined) clearTimeout(t);
    this.timers.delete(id);
  }
}
