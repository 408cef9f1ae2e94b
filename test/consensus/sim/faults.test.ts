// Each fault kind runs with the production engine and the invariant checkers pass; the fault
// plans keep the number of faulty identities within f; a crashed validator comes back.
import { describe, expect, it } from "vitest";
import { createEngine } from "../../../consensus/index.ts";
import {
  FAULT_KINDS,
  maxFaulty,
  Prng,
  planFaults,
  runScenario,
  type ScenarioResult,
} from "../../../consensus/sim/index.ts";

function expectClean(r: ScenarioResult): void {
  const why = `seed ${r.seed} (${r.faults})`;
  expect(r.errors, why).toEqual([]);
  expect(r.safetyViolations, why).toEqual([]);
  expect(r.livenessFailure, why).toBeNull();
}

describe("fault kinds", () => {
  for (const faults of FAULT_KINDS) {
    it(`${faults}: runs keep every invariant and commit blocks`, () => {
      for (let seed = 1; seed <= 10; seed++) {
        const r = runScenario({ seed, validators: 4 + (seed % 4), faults, views: 40 }, createEngine);
        expectClean(r);
        expect(r.commits, `seed ${seed}`).toBeGreaterThan(0);
        expect(r.views, `seed ${seed}`).toBeGreaterThanOrEqual(40);
        if (faults === "none") {
          expect(r.messagesDropped).toBe(0);
          expect(r.commitLatencies.length).toBeGreaterThan(0);
        }
        if (faults === "twins") expect(r.plan.twins.length).toBeGreaterThan(0);
      }
    });
  }

  it("restarted validators commit again after their restart, from their persisted state", () => {
    let restartedAndCommitted = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const r = runScenario({ seed, validators: 4, faults: "crash", views: 40 }, createEngine);
      expectClean(r);
      for (const c of r.plan.crashes) {
        if (c.restartAtMs === null) continue;
        const log = r.logs[c.validator];
        if (log?.commits.some((x) => x.atMs > (c.restartAtMs as number))) restartedAndCommitted++;
      }
    }
    expect(restartedAndCommitted).toBeGreaterThan(5);
  });
});

describe("fault plans", () => {
  const timing = { viewMs: 100, horizonMs: 3000, baseTimeoutMs: 340 };

  it("never make more than f identities faulty, and put GST after every fault", () => {
    for (let seed = 0; seed < 500; seed++) {
      const n = 4 + (seed % 7);
      const kind = FAULT_KINDS[seed % FAULT_KINDS.length] ?? "none";
      const plan = planFaults(kind, new Prng(seed), n, timing);
      const permanent = plan.crashes.filter((c) => c.restartAtMs === null).length;
      expect(plan.twins.length + permanent).toBeLessThanOrEqual(maxFaulty(n));
      expect(plan.crashes.length).toBeLessThanOrEqual(maxFaulty(n));
      for (const c of plan.crashes) {
        expect(plan.twins).not.toContain(c.validator);
        expect(plan.gstMs).toBeGreaterThanOrEqual(c.restartAtMs ?? c.atMs);
      }
      for (const p of plan.partitions) expect(plan.gstMs).toBeGreaterThanOrEqual(p.untilMs);
      if (plan.lossRate > 0) expect(plan.gstMs).toBeGreaterThanOrEqual(plan.lossUntilMs);
    }
  });

  it("twins: open plans equivocate to everyone; partitioned ones start with the copies apart", () => {
    let open = 0;
    for (let seed = 0; seed < 100; seed++) {
      const plan = planFaults("twins", new Prng(seed), 7, timing);
      expect(plan.twins.length).toBeGreaterThan(0);
      const first = plan.partitions[0];
      if (first === undefined) {
        open++;
        continue;
      }
      plan.twins.forEach((v, k) => {
        const side = (i: number) => first.groups.findIndex((g) => g.includes(i));
        expect(side(v)).not.toBe(side(7 + k));
      });
    }
    expect(open).toBeGreaterThan(30);
    expect(open).toBeLessThan(70);
  });

  it("refuses twins without a faulty identity to spare", () => {
    expect(() => planFaults("twins", new Prng(1), 3, timing)).toThrow(/at least 4 validators/);
  });
});
