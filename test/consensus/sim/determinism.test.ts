// A seed replays a run exactly: same events in the same order, same commits, same figures.
import { describe, expect, it } from "vitest";
import { createEngine } from "../../../consensus/index.ts";
import { replayCommand, runScenario, type ScenarioInput } from "../../../consensus/sim/index.ts";

describe("determinism", () => {
  for (const faults of ["none", "mixed", "twins"] as const) {
    it(`two runs of one seed produce identical traces and commit logs (${faults})`, () => {
      const scenario: ScenarioInput = { seed: 1234, validators: 5, faults, views: 30 };
      const a = runScenario(scenario, createEngine, { trace: true });
      const b = runScenario(scenario, createEngine, { trace: true });
      expect(a.trace?.length).toBeGreaterThan(100);
      expect(b.trace).toEqual(a.trace);
      expect(b.logs).toEqual(a.logs);
      expect(b).toEqual(a);
      // The digest alone (kept without a trace) matches too.
      expect(runScenario(scenario, createEngine).traceDigest).toBe(a.traceDigest);
    });
  }

  it("learning the simulator's own signatures changes nothing but the count of native checks", () => {
    for (const seed of [5, 6, 7]) {
      const scenario: ScenarioInput = { seed, validators: 4, faults: "twins", views: 30 };
      const fast = runScenario(scenario, createEngine);
      const slow = runScenario(scenario, createEngine, { nativeVerifyAll: true });
      expect(slow.nativeSignatureVerifications).toBeGreaterThan(fast.nativeSignatureVerifications);
      expect({ ...slow, nativeSignatureVerifications: 0 }).toEqual({ ...fast, nativeSignatureVerifications: 0 });
    }
  });

  it("different seeds give different runs", () => {
    const a = runScenario({ seed: 1, faults: "mixed" }, createEngine);
    const b = runScenario({ seed: 2, faults: "mixed" }, createEngine);
    expect(a.traceDigest).not.toBe(b.traceDigest);
  });

  it("prints the command that replays a scenario, with only the non-default settings", () => {
    expect(replayCommand({ seed: 17, validators: 7, faults: "twins", views: 45 })).toBe(
      "npx ubn sim --seeds 17 --validators 7 --faults twins --views 45 --latency-ms 50",
    );
    expect(
      replayCommand({
        seed: 3,
        latencyMs: 20,
        jitterMs: 1,
        linkSpread: 0,
        baseTimeoutMs: 99,
        maxTimeoutMs: 792, // 8 x base: the default, so not printed
        breakRules: { skipVoteSafetyCheck: true },
      }),
    ).toBe(
      "npx ubn sim --seeds 3 --validators 4 --faults none --views 40 --latency-ms 20 --jitter-ms 1 " +
        "--link-spread 0 --base-timeout-ms 99 --break-rule skip-vote-safety-check",
    );
  });
});
