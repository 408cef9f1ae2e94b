// A rough network in a few lines (reordering, loss, duplicates, early timers, a crash and
// restart): the engines never commit two different blocks at one height, and keep going.
// The real fault injection lives in the simulator; this is the engine's own smoke test.
import { describe, expect, test } from "vitest";
import { Prng } from "../../../consensus/sim/prng.ts";
import { assertSameChain, fixture, makeEngine, Pump } from "./helpers.ts";

describe("engines on a rough network", () => {
  for (const seed of [1, 2, 3, 4]) {
    test(`agree on one chain and make progress (seed ${seed})`, () => {
      const rng = new Prng(seed);
      const fx = fixture(4);
      const pump = new Pump(
        fx.keys,
        (key, persisted) =>
          makeEngine(fx, key, { baseTimeoutMs: 100, maxTimeoutMs: 800, ...(persisted ? { persisted } : {}) }),
        {
          pick: (n) => (rng.int(10) < 7 ? 0 : rng.int(n)),
          lose: () => rng.int(100) < 8,
          duplicate: () => rng.int(100) < 5,
          fireTimersEarly: () => rng.int(1000) < 3,
        },
      );
      pump.start();
      let steps = pump.run(() => pump.nodes.some((n) => n.commits.length >= 15), 30_000);
      const victim = seed % 4;
      pump.crash(victim);
      steps += pump.run(() => pump.nodes.some((n, i) => i !== victim && n.commits.length >= 25), 30_000);
      pump.restart(victim);
      steps += pump.run(() => pump.nodes.every((n) => n.commits.length >= 30), 60_000);
      assertSameChain(pump.nodes);
      expect(pump.nodes.every((n) => n.commits.length >= 30)).toBe(true);
      expect(steps).toBeLessThan(120_000);
    });
  }
});
