// How the devnet benchmark judges a step: pure functions over the samples' times.
import { describe, expect, test } from "vitest";
import {
  edgeFound,
  fellBehind,
  judgeStep,
  type StepResult,
  type StepSamples,
  summarizeStep,
} from "../../bench/devnet-steps.ts";

const START = 1_000_000;
/** Samples sent every 50 ms over a 5 s step, the i-th taking latency(i) ms. */
function step(latency: (i: number) => number): StepSamples {
  return { finalized: Array.from({ length: 100 }, (_, i) => ({ at: START + i * 50, ms: latency(i) })), refusedAt: [] };
}

describe("devnet benchmark steps", () => {
  test("a steady median under a second kept up; a growing one did not, even under a second at the median", () => {
    const steady = summarizeStep({
      offered: 500,
      finalizedTxs: 2500,
      seconds: 5,
      startedAt: START,
      samples: step(() => 400),
      unfinalized: 0,
    });
    expect(steady).toMatchObject({ tps: 500, p50_ms: 400, kept_up: true, node_cpu_ms_per_tx: null });
    // 300 ms in the first half, 900 ms in the second: a queue building up.
    const growing = summarizeStep({
      offered: 900,
      finalizedTxs: 4500,
      seconds: 5,
      startedAt: START,
      samples: step((i) => (i < 50 ? 300 : 900)),
      unfinalized: 0,
    });
    expect(growing.p50_ms).toBeLessThanOrEqual(1000);
    expect(growing).toMatchObject({ p50_first_half_ms: 300, p50_second_half_ms: 900, kept_up: false });
    expect(
      summarizeStep({
        offered: 500,
        finalizedTxs: 2490,
        seconds: 5,
        startedAt: START,
        samples: step(() => 400),
        unfinalized: 1,
      }).kept_up,
    ).toBe(false);
  });

  test("a step carries the validators' CPU per transaction measured over it", () => {
    const byKind = { main: 0.7, signature_workers: 0.5, v8: 0.15, libuv: 0.2, other: 0 };
    const s = summarizeStep({
      offered: 900,
      finalizedTxs: 4500,
      seconds: 5,
      startedAt: START,
      samples: step(() => 400),
      unfinalized: 0,
      cpu: { total: 1.55, byKind },
    });
    expect(s.node_cpu_ms_per_tx).toBe(1.55);
    expect(s.node_cpu_ms_per_tx_by_thread).toEqual(byKind);
  });

  test("fell behind when most samples judged by the step's end took over a second, pending and refused ones counting as late", () => {
    const end = START + 5000;
    expect(
      fellBehind(
        step(() => 400),
        [],
        end,
      ),
    ).toBe(false);
    expect(
      fellBehind(
        step(() => 1500),
        [],
        end,
      ),
    ).toBe(true);
    // Half the samples never finalized by the end of the step: late.
    const half: StepSamples = { finalized: step(() => 400).finalized.filter((_, i) => i % 2 === 0), refusedAt: [] };
    const pending = step(() => 0)
      .finalized.filter((_, i) => i % 2 === 1)
      .map((f) => f.at);
    expect(fellBehind(half, pending.slice(0, 10), end)).toBe(false);
    // Half on time, the other half refused, and ten more still pending: behind.
    expect(fellBehind({ ...half, refusedAt: pending }, pending.slice(0, 10), end)).toBe(true);
    // Too few samples to judge.
    expect(fellBehind({ finalized: [{ at: START, ms: 5000 }], refusedAt: [] }, [], end)).toBe(false);
  });

  test("the edge is found only when a step above the reported one fell behind", () => {
    const at = (offered_tps: number, kept_up: boolean): StepResult =>
      ({ offered_tps, tps: offered_tps, kept_up }) as StepResult;
    const rising = [at(300, true), at(400, true), at(500, true)];
    expect(edgeFound(rising, rising[2] as StepResult)).toBe(false);
    const capped = [at(300, true), at(400, true), at(500, false), at(650, false)];
    expect(edgeFound(capped, capped[1] as StepResult)).toBe(true);
    // A step below the reported one that fell behind (a cold start) finds no edge.
    const cold = [at(300, false), at(400, true), at(500, true)];
    expect(edgeFound(cold, cold[2] as StepResult)).toBe(false);
  });
});

describe("judging a step as it ends, for the search", () => {
  const end = START + 5000;
  const window = { start: START, end };
  test("comfortable within the median it is given, held above it, behind when most are late", () => {
    expect(
      judgeStep(
        step(() => 400),
        [],
        window,
        500,
      ),
    ).toBe("comfortable");
    expect(
      judgeStep(
        step(() => 700),
        [],
        window,
        500,
      ),
    ).toBe("held");
    expect(
      judgeStep(
        step(() => 1500),
        [],
        window,
        500,
      ),
    ).toBe("behind");
  });

  test("samples still pending or refused count as late", () => {
    // 30 samples final at 400 ms; with 50 pending most are late, with 30 the median is.
    const s: StepSamples = {
      finalized: Array.from({ length: 30 }, (_, i) => ({ at: START + i * 40, ms: 400 })),
      refusedAt: [],
    };
    // 30 of them sent in the step's first half (the second then has none to judge).
    const pending = Array.from({ length: 50 }, (_, i) => START + 1200 + i * 40);
    expect(judgeStep(s, pending, window, 500)).toBe("behind");
    expect(judgeStep(s, pending.slice(0, 30), window, 500)).toBe("held");
    expect(judgeStep({ ...s, refusedAt: pending.slice(0, 30) }, [], window, 500)).toBe("held");
    expect(judgeStep(s, pending.slice(0, 5), window, 500)).toBe("comfortable");
  });

  test("a median that grows across the step counts as behind, as the figures will count it", () => {
    // A steady rise, 300 to 1,092 ms: the figures compare medians of 500 and 900 ms (behind);
    // the second half's samples judged at the end (those of its first 1.5 s) have 820.
    const rising = step((i) => 300 + 8 * i);
    expect(
      summarizeStep({ offered: 900, finalizedTxs: 4500, seconds: 5, startedAt: START, samples: rising, unfinalized: 0 })
        .kept_up,
    ).toBe(false);
    expect(judgeStep(rising, [], window, 500)).toBe("behind");
    expect(
      judgeStep(
        step((i) => 300 + 5 * i),
        [],
        window,
        400,
      ),
    ).toBe("held"); // a gentler rise, 500 then 675 ms: within 1.5 x 500 + 100
    // 300 ms in the first half, 900 in the second: under a second, yet a queue building up.
    const growing = step((i) => (i < 50 ? 300 : 900));
    expect(fellBehind(growing, [], end)).toBe(false);
    expect(judgeStep(growing, [], window, 500)).toBe("behind");
    expect(
      summarizeStep({
        offered: 900,
        finalizedTxs: 4500,
        seconds: 5,
        startedAt: START,
        samples: growing,
        unfinalized: 0,
      }).kept_up,
    ).toBe(false);
    // 300 then 500 (within 1.5 x 300 + 100) held; 500 then 300 (a cold start) too.
    expect(
      judgeStep(
        step((i) => (i < 50 ? 300 : 500)),
        [],
        window,
        250,
      ),
    ).toBe("held");
    expect(
      judgeStep(
        step((i) => (i < 50 ? 500 : 300)),
        [],
        window,
        250,
      ),
    ).toBe("held");
  });

  test("the second half is judged on its samples sent a second before the end, the pending ones late", () => {
    // The first half final at 300 ms; of the second half's judged samples (sent 2.5-4 s), the
    // ones sent from 3 s on still pending: more than half of them, so its median is late.
    const s: StepSamples = {
      finalized: Array.from({ length: 60 }, (_, i) => ({ at: START + i * 50, ms: 300 })),
      refusedAt: [],
    };
    const pending = Array.from({ length: 40 }, (_, i) => START + 3000 + i * 50);
    expect(judgeStep(s, pending, window, 500)).toBe("behind");
    // Sent after the cutoff (4 s on), pending samples are not judged yet.
    const lateOnly = pending.filter((at) => at > end - 1000);
    expect(judgeStep(s, lateOnly, window, 500)).toBe("comfortable");
  });
});
