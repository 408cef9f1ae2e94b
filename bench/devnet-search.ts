// The devnet benchmark's search for the highest rate a network sustains, one step at a time.
// A fixed ramp (30% more every 5 s) could not reach past 29% of the ceiling in the 30 s that
// issue 5's command gives it, whatever the network could carry. This one grows fast while the
// steps are comfortable, slowly once latency rises, and once a step falls behind it bisects
// between the highest rate that held and the lowest that did not. The run drains the backlog
// of a step that fell behind before the next (devnet.ts), so each step is judged on its own.

/** How a step looked as it ended (judgeStep in devnet-steps.ts). */
export type StepVerdict = "comfortable" | "held" | "behind";

export interface SearchOptions {
  /** Seconds of load at most, in steps of `stepSeconds`. */
  duration: number;
  stepSeconds: number;
  /** The warm-up step's rate, as a fraction of the ceiling. */
  start: number;
  /** The first searching step's rate, as a fraction of the ceiling. */
  searchStart: number;
  /** Growth after a comfortable step, and after one that held less comfortably. */
  fastGrowth: number;
  slowGrowth: number;
  /** The search ends once the rate that held and the one that fell behind are this close (a ratio). */
  resolution: number;
}

export class RateSearch {
  readonly steps: number;
  private readonly opts: SearchOptions;
  private readonly ceiling: number;
  private done = 0;
  private rate: number;
  private held: number | null = null;
  private behind: number | null = null;

  constructor(opts: SearchOptions, ceiling: number) {
    this.opts = opts;
    this.ceiling = ceiling;
    this.steps = Math.max(1, Math.floor(opts.duration / opts.stepSeconds));
    this.rate = this.share(opts.start);
  }

  /** The warm-up step's rate. */
  first(): number {
    return this.rate;
  }

  /** Whether some step has fallen behind: the next ones bisect, each after a drain. */
  get bracketed(): boolean {
    return this.behind !== null;
  }

  /** Records the verdict on the step just run; returns the next step's rate, or null when done. */
  next(verdict: StepVerdict): number | null {
    this.done++;
    if (this.done >= this.steps) return null;
    if (this.done === 1) {
      // The warm-up is not judged: the network starts cold.
      this.rate = this.share(this.opts.searchStart);
      return this.rate;
    }
    if (verdict === "behind") this.behind = Math.min(this.behind ?? Infinity, this.rate);
    else this.held = Math.max(this.held ?? 0, this.rate);
    if (this.behind === null) {
      if (this.rate >= this.ceiling) return null;
      const growth = verdict === "comfortable" ? this.opts.fastGrowth : this.opts.slowGrowth;
      this.rate = Math.min(Math.round(this.ceiling), Math.round(this.rate * growth));
      return this.rate;
    }
    // While no step has held, nothing says even the warm-up's rate can be carried (it is not
    // judged): the low end is half the lower of it and the rate that fell behind, so a network
    // that cannot carry the warm-up's rate (8 validators and a beacon on 2 cores) is still
    // searched downwards instead of bisected onto a rate it never held.
    if (this.held === null) {
      this.rate = Math.max(
        1,
        Math.round(Math.sqrt((Math.min(this.share(this.opts.start), this.behind) / 2) * this.behind)),
      );
      return this.rate;
    }
    const low = this.held;
    if (this.behind / low <= this.opts.resolution) return null;
    this.rate = Math.round(Math.sqrt(low * this.behind));
    return this.rate;
  }

  /**
   * The most transactions a search can send (the load is signed before the network starts).
   * Step i never offers more than the fastest growth would have reached by then, capped at the
   * ceiling: slower growth stays below it, and bisection only tries rates below one tried.
   */
  static mostTransactions(opts: SearchOptions, ceiling: number): number {
    const search = new RateSearch(opts, ceiling);
    let total = Math.ceil(search.first() * opts.stepSeconds);
    let rate = search.share(opts.searchStart);
    for (let i = 1; i < search.steps; i++) {
      total += Math.ceil(rate * opts.stepSeconds);
      // The same arithmetic as next()'s growth, so that its rounding cannot pass this bound.
      rate = Math.min(Math.round(ceiling), Math.round(rate * opts.fastGrowth));
    }
    return total;
  }

  private share(fraction: number): number {
    return Math.max(1, Math.round(Math.min(1, fraction) * this.ceiling));
  }
}
