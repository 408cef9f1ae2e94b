// What the devnet benchmark records per step, and how it judges a step: whether the network
// fell behind (decided as the step ends, to stop the search) and whether it kept up (decided
// at the end of the run, for the figures).
import type { StepVerdict } from "./devnet-search.ts";
import type { ThreadKind } from "./process-cpu.ts";

export interface StepResult {
  offered_tps: number;
  tps: number;
  p50_ms: number | null;
  p99_ms: number | null;
  /** Samples finalized (their latencies make p50 and p99). */
  samples: number;
  /**
   * Samples the node refused for good (one refused for now is sent again and keeps its first
   * submission time), and samples not finalized by the end of the run: not in p50/p99.
   */
  samples_refused: number;
  samples_unfinalized: number;
  /** Median latency of the samples sent in the step's first and second half. */
  p50_first_half_ms: number | null;
  p50_second_half_ms: number | null;
  /**
   * Whether the network kept up: a median within 1 s that did not grow across the step (the
   * second half's median at most 1.5 x the first's + 100 ms), and no sample left unfinalized.
   * A growing median is a queue building up: a rate the network absorbs for a few seconds but
   * cannot sustain.
   */
  kept_up: boolean;
  /**
   * CPU milliseconds the validators used during the step, per transaction the observer saw
   * finalized during it (whichever step sent it), in all and by kind of thread (null without
   * Linux /proc). Steps at one rate (`--rates 900,900,...`) show the network warming up.
   */
  node_cpu_ms_per_tx: number | null;
  node_cpu_ms_per_tx_by_thread: Record<ThreadKind, number> | null;
}

/**
 * Whether the run found where the network falls behind: a step offering more than `best`'s
 * rate did not keep up. If not, the run ended while the network still kept up, and `best`'s
 * tps is only a lower bound on what it sustains (a longer --duration goes further).
 */
export function edgeFound(steps: readonly StepResult[], best: StepResult): boolean {
  return steps.some((s) => !s.kept_up && s.offered_tps > best.offered_tps);
}

/** One step's timed samples: when each was sent, and how long the finalized ones took. */
export interface StepSamples {
  finalized: { at: number; ms: number }[];
  refusedAt: number[];
}

export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/**
 * The latencies a step is judged on as it ends: those of its samples sent at least a second
 * before the end (and that `sentIn` keeps), sorted, with the refused and the still pending
 * (`pendingAt`) ones as Infinity (late).
 */
function judgedLatencies(
  s: StepSamples,
  pendingAt: readonly number[],
  stepEnd: number,
  sentIn: (at: number) => boolean = () => true,
): number[] {
  const cutoff = stepEnd - 1000;
  const keep = (at: number) => at <= cutoff && sentIn(at);
  const judged = s.finalized.filter((f) => keep(f.at)).map((f) => f.ms);
  for (const at of [...pendingAt, ...s.refusedAt]) if (keep(at)) judged.push(Infinity);
  return judged.sort((a, b) => a - b);
}

/**
 * Whether the network fell behind in a step: of its samples sent at least a second before the
 * step ended, fewer than half were final within a second (refused and still pending ones,
 * `pendingAt`, count as late).
 */
export function fellBehind(s: StepSamples, pendingAt: readonly number[], stepEnd: number): boolean {
  return behind(judgedLatencies(s, pendingAt, stepEnd));
}

function behind(judged: readonly number[]): boolean {
  const ok = judged.filter((ms) => ms <= 1000).length;
  return judged.length >= 10 && ok * 2 < judged.length;
}

/**
 * Whether the median grew across a step: the second half's above 1.5 x the first's + 100 ms.
 * The rule of StepResult.kept_up, which the search's verdict (judgeStep) applies too.
 */
export function medianGrew(firstHalf: number, secondHalf: number): boolean {
  return secondHalf > firstHalf * 1.5 + 100;
}

/**
 * How a step looked as it ended, for the search (devnet-search.ts): behind when it fell behind
 * (fellBehind) or when its median grew from the step's first half to the samples judged in its
 * second (medianGrew, with the late ones as Infinity), as the figures will count it; otherwise
 * comfortable when the median of the judged samples was at most `comfortMs`, or else it held.
 * Without the growth rule the search grew the rate after a step the figures then counted as
 * behind, and spent its last step on a rate sure to fail instead of bisecting.
 */
export function judgeStep(
  s: StepSamples,
  pendingAt: readonly number[],
  step: { start: number; end: number },
  comfortMs: number,
): StepVerdict {
  const judged = judgedLatencies(s, pendingAt, step.end);
  if (behind(judged)) return "behind";
  const middle = (step.start + step.end) / 2;
  const early = percentile(
    judgedLatencies(s, pendingAt, step.end, (at) => at < middle),
    50,
  );
  const late = percentile(
    judgedLatencies(s, pendingAt, step.end, (at) => at >= lateFrom(middle, step.end)),
    50,
  );
  if (early !== null && late !== null && medianGrew(early, late)) return "behind";
  const median = percentile(judged, 50);
  return median !== null && median <= comfortMs ? "comfortable" : "held";
}

/**
 * Where the samples judged for the second half's median start. The figures take the median of
 * the whole second half, but the verdict sees only samples sent up to a second before the end,
 * and while a queue builds up latency rises through the step: the median of [middle, end - 1 s]
 * came out below the figures' (one step read 3,050 tx/s as held, and the search spent its last
 * step on a higher rate, while the figures counted it behind, 445 then 907 ms). A window centred
 * on the second half's midpoint, [2 x midpoint - (end - 1 s), end - 1 s], has the same median
 * as the whole half under a steady rise. Steps too short for one keep [middle, end - 1 s].
 */
function lateFrom(middle: number, end: number): number {
  const cutoff = end - 1000;
  const secondMid = (middle + end) / 2;
  return cutoff > secondMid ? 2 * secondMid - cutoff : middle;
}

export function summarizeStep(step: {
  offered: number;
  /** Transactions sent in the step that became final. */
  finalizedTxs: number;
  seconds: number;
  startedAt: number;
  samples: StepSamples;
  unfinalized: number;
  /** The validators' CPU per transaction finalized during the step (threadMsPerTx). */
  cpu?: { total: number; byKind: Record<ThreadKind, number> } | null;
}): StepResult {
  const all = step.samples.finalized;
  const sorted = all.map((f) => f.ms).sort((a, b) => a - b);
  const middle = step.startedAt + step.seconds * 500;
  const half = (first: boolean) =>
    percentile(
      all
        .filter((f) => f.at < middle === first)
        .map((f) => f.ms)
        .sort((a, b) => a - b),
      50,
    );
  const p50 = percentile(sorted, 50);
  const [early, late] = [half(true), half(false)];
  const stable = early !== null && late !== null && !medianGrew(early, late);
  return {
    offered_tps: step.offered,
    tps: Math.round(step.finalizedTxs / step.seconds),
    p50_ms: p50,
    p99_ms: percentile(sorted, 99),
    samples: sorted.length,
    samples_refused: step.samples.refusedAt.length,
    samples_unfinalized: step.unfinalized,
    p50_first_half_ms: early,
    p50_second_half_ms: late,
    kept_up: p50 !== null && p50 <= 1000 && stable && step.unfinalized === 0,
    node_cpu_ms_per_tx: step.cpu?.total ?? null,
    node_cpu_ms_per_tx_by_thread: step.cpu?.byKind ?? null,
  };
}
