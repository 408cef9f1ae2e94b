// Regression: in a committee with no spare validator, one that restarts in the round after a
// timed-out round must still be able to show the TC that got it there (it is persisted with the
// safety state), or neither validator can ever form another certificate.
import { describe, expect, it } from "vitest";
import { createEngine } from "../../../consensus/index.ts";
import { makeScenario, runScenario } from "../../../consensus/sim/index.ts";

describe("restart liveness", () => {
  it("two validators recover after a restart that follows a timed-out round (seed 11)", () => {
    const result = runScenario(
      makeScenario({ seed: 11, validators: 2, faults: "mixed", views: 40, latencyMs: 50 }),
      createEngine,
    );
    expect(result.safetyViolations).toEqual([]);
    expect(result.livenessFailure).toBeNull();
  });
});
