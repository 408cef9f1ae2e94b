// The seeded scenarios of the CI sweep: seed s runs fault kind FAULT_KINDS[s mod 5] with 4 to 7
// validators and 30 to 45 views (both drawn from the seed), so every slice of seeds covers
// every fault kind and committee shape. A failure names its seed and the command replaying it.
import { expect } from "vitest";
import { FAULT_KINDS, failuresOf, Prng, runScenariosInPool, type ScenarioInput } from "../../../consensus/sim/index.ts";

export function ciScenario(seed: number): ScenarioInput {
  const rng = new Prng(seed ^ 0x5eed);
  return {
    seed,
    faults: FAULT_KINDS[seed % FAULT_KINDS.length] as ScenarioInput["faults"] & string,
    validators: rng.range(4, 7),
    views: rng.range(30, 45),
  };
}

export interface SweepResult {
  runs: number;
  byKind: Record<string, number>;
  commits: number;
  /** Agreement or chain validity broken, or the engine threw: each with its replay command. */
  unsafe: string[];
  /** Liveness failures, each with its replay command. */
  stalled: string[];
  wallMs: number;
}

/**
 * Runs seeds [from, to) on two worker threads (vitest gives a 2-core machine one test worker,
 * so the threads are what puts both cores to work) and sorts the failures into unsafe runs and
 * stalled runs, each with its replay command.
 */
export async function sweep(from: number, to: number, workers = 2): Promise<SweepResult> {
  const started = performance.now();
  const out: SweepResult = { runs: 0, byKind: {}, commits: 0, unsafe: [], stalled: [], wallMs: 0 };
  const scenarios = Array.from({ length: to - from }, (_, i) => ciScenario(from + i));
  const digests = await runScenariosInPool(scenarios, { workers });
  digests.forEach((d, i) => {
    const { seed: _s, ...scenario } = scenarios[i] as ScenarioInput;
    out.runs++;
    out.byKind[scenario.faults as string] = (out.byKind[scenario.faults as string] ?? 0) + 1;
    out.commits += d.commits;
    for (const f of failuresOf(d, scenario)) {
      const text = `seed ${f.seed} ${f.kind}: ${f.message}\n  faults: ${f.faults}\n  replay: ${f.replay}`;
      (f.kind === "liveness" ? out.stalled : out.unsafe).push(text);
    }
  });
  out.wallMs = performance.now() - started;
  return out;
}

/** Every run kept agreement and chain validity and the engine never threw. */
export function expectSafeSweep(r: SweepResult, runs: number): void {
  expect(r.unsafe, r.unsafe.join("\n")).toEqual([]);
  expect(r.runs).toBe(runs);
  for (const kind of FAULT_KINDS) expect(r.byKind[kind], kind).toBeGreaterThan(0);
  expect(r.commits).toBeGreaterThan(runs * 5);
}

/** Every run made progress after GST (invariants.ts). */
export function expectLiveSweep(r: SweepResult): void {
  expect(r.stalled, `${r.stalled.length} of ${r.runs} runs stalled after GST:\n${r.stalled.join("\n")}`).toEqual([]);
}
