// The devnet benchmark's search: fast growth while comfortable, slow once latency rises, then
// bisection between the rate that held and the one that fell behind.
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { defaultDevnetBenchOptions } from "../../bench/devnet.ts";
import { RateSearch, type StepVerdict } from "../../bench/devnet-search.ts";

/** The rates a search offers when each step is judged by `verdictAt(rate)`. */
function run(duration: number, ceiling: number, verdictAt: (rate: number) => StepVerdict): number[] {
  const search = new RateSearch({ ...defaultDevnetBenchOptions, duration }, ceiling);
  const rates: number[] = [];
  for (let rate: number | null = search.first(); rate !== null; rate = search.next(verdictAt(rate))) rates.push(rate);
  return rates;
}

describe("the devnet benchmark's search", () => {
  test("30 s of comfortable steps reach half the ceiling: 6% to warm up, then 10% x 1.5 a step", () => {
    expect(run(30, 10_000, () => "comfortable")).toEqual([600, 1000, 1500, 2250, 3375, 5063]);
  });

  test("grows by 15% once a step's median passes the comfortable one", () => {
    expect(run(30, 10_000, (r) => (r < 2000 ? "comfortable" : "held"))).toEqual([600, 1000, 1500, 2250, 2588, 2976]);
  });

  test("after a step falls behind, bisects until the bracket is within 10%", () => {
    const edge = 3000;
    const rates = run(60, 10_000, (r) => (r > edge ? "behind" : "comfortable"));
    expect(rates).toEqual([600, 1000, 1500, 2250, 3375, 2756, 3050, 2899]);
    // The best rate that held is within 10% of the edge.
    const held = Math.max(...rates.filter((r) => r <= edge));
    expect(edge / held).toBeLessThan(1.1);
  });

  test("ignores the warm-up's verdict; a first search step behind bisects down towards half the warm-up", () => {
    expect(run(30, 10_000, (r) => (r === 600 ? "behind" : r >= 1000 ? "behind" : "comfortable"))).toEqual([
      600, 1000, 548, 740, 860, 927,
    ]);
  });

  test("finds an edge below the warm-up's rate: while nothing held, it keeps going down", () => {
    // A network that cannot carry even the warm-up's 6% (8 validators and a beacon on 2 cores).
    const rates = run(60, 10_000, (r) => (r > 200 ? "behind" : "comfortable"));
    expect(rates).toEqual([600, 1000, 548, 387, 274, 194, 231, 212]);
    expect(run(60, 10_000, () => "behind").slice(0, 6)).toEqual([600, 1000, 548, 387, 274, 194]);
  });

  test("never offers more than the ceiling, and stops there", () => {
    expect(run(100, 1000, () => "comfortable")).toEqual([60, 100, 150, 225, 338, 507, 761, 1000]);
  });

  test("the load signed up front covers whatever the verdicts", () => {
    const verdict = fc.constantFrom<StepVerdict>("comfortable", "held", "behind");
    fc.assert(
      fc.property(
        fc.integer({ min: 5, max: 120 }),
        fc.integer({ min: 1, max: 20_000 }),
        fc.array(verdict, { minLength: 24, maxLength: 24 }),
        (duration, ceiling, verdicts) => {
          const opts = { ...defaultDevnetBenchOptions, duration };
          let i = 0;
          const rates = run(duration, ceiling, () => verdicts[i++ % verdicts.length] as StepVerdict);
          const sent = rates.reduce((n, r) => n + Math.ceil(r * opts.stepSeconds), 0);
          expect(sent).toBeLessThanOrEqual(RateSearch.mostTransactions(opts, ceiling));
          expect(rates.length).toBeLessThanOrEqual(Math.max(1, Math.floor(duration / opts.stepSeconds)));
          for (const r of rates) expect(r).toBeLessThanOrEqual(Math.max(1, Math.round(ceiling)));
        },
      ),
    );
  });
});
