// The checker must catch a broken engine: with the vote safety check switched off in every
// engine, the CI seeds must produce an agreement violation, reported with a replayable seed.
import { describe, expect, it } from "vitest";
import { createEngine } from "../../../consensus/index.ts";
import { digestRun, replayCommand, runScenario } from "../../../consensus/sim/index.ts";
import { ciScenario } from "./ci-scenarios.ts";

describe("mutation: skipVoteSafetyCheck", () => {
  it("is caught as a safety violation within the 2,000 CI seeds", () => {
    let caught: { seed: number; violation: string; replay: string } | undefined;
    let runs = 0;
    for (let seed = 0; seed < 2000 && !caught; seed++) {
      const scenario = { ...ciScenario(seed), breakRules: { skipVoteSafetyCheck: true } };
      const d = digestRun(runScenario(scenario, createEngine));
      runs++;
      if (d.safetyViolations.length > 0) {
        caught = { seed, violation: d.safetyViolations[0] as string, replay: replayCommand(scenario) };
      }
    }
    expect(caught, `no violation in ${runs} seeds`).toBeDefined();
    const found = caught as NonNullable<typeof caught>;
    console.log(
      `skipVoteSafetyCheck caught at seed ${found.seed} after ${runs} runs: ${found.violation}\n  ${found.replay}`,
    );
    expect(found.replay).toContain("--break-rule skip-vote-safety-check");
    // The same seed with the rule intact is clean: the violation comes from the broken rule.
    const clean = runScenario(ciScenario(found.seed), createEngine);
    expect(clean.safetyViolations).toEqual([]);
  }, 170_000);
});
