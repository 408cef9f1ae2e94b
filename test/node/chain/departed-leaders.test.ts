// A round whose leader, or whose vote collector (the next round's leader), is known to be down
// cannot end in a QC: the host times it out early instead of waiting the engine's full timeout.
// With one of four devnet validators killed, that took the others from 2-19 blocks in 20 s to
// 68-92 (docs/node.md, "Consensus").
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { type Action, type Input, type JolteonEngine, ROUND_TIMER } from "../../../consensus/index.ts";
import { ConsensusHost, type ConsensusHostModules, departedRounds } from "../../../node/chain/consensus-host.ts";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/**
 * A host over an engine that sets a round timer of 1,000 ms when it starts and records the
 * times of the timer inputs it gets; its round (7) is led by `proposer`, and `collector` leads
 * the next one.
 */
async function hostWith(leaders: { proposer: string; collector: string }, departed?: Set<string>) {
  const timerInputs: number[] = [];
  const started = Date.now();
  // Like the engine, a round timer that fires is set again (backed off to 2,000 ms) in the same round.
  const engine = {
    start: (): Action[] => [{ kind: "set-timer", id: ROUND_TIMER, delayMs: 1000 }],
    handle: (input: Input): Action[] => {
      if (input.kind !== "timer") return [];
      timerInputs.push(Date.now() - started);
      return [{ kind: "set-timer", id: ROUND_TIMER, delayMs: 2000 }];
    },
    status: () => ({ round: 7n }),
    roundUnderway: () => false,
    roundLeaders: () => leaders,
  } as unknown as JolteonEngine;
  const quiet = { info() {}, warn() {}, debug() {}, error() {} };
  const modules = {
    createEngine: () => engine,
    safety: { read: async () => undefined, write: async () => {} },
    now: () => Date.now(),
    log: quiet,
    departed: departed === undefined ? undefined : departedRounds(1000, (v: string) => departed.has(v)),
  } as unknown as ConsensusHostModules<unknown>;
  const host = new ConsensusHost<unknown>(modules);
  await host.start();
  return { host, timerInputs };
}

describe("round timeouts and departed validators", () => {
  test("a round led by a validator known to be down times out after a quarter of the base", async () => {
    const { host, timerInputs } = await hostWith({ proposer: "dead", collector: "up" }, new Set(["dead"]));
    await vi.advanceTimersByTimeAsync(249);
    expect(timerInputs).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(timerInputs).toEqual([250]);
    // Still in that round: the timeout is resent at the engine's pace, not every 250 ms.
    await vi.advanceTimersByTimeAsync(2000);
    expect(timerInputs).toEqual([250, 2250]);
    await host.stop();
  });

  test("so does a round whose votes go to a validator known to be down", async () => {
    const { host, timerInputs } = await hostWith({ proposer: "up", collector: "dead" }, new Set(["dead"]));
    await vi.advanceTimersByTimeAsync(250);
    expect(timerInputs).toEqual([250]);
    await host.stop();
  });

  test("a round whose leader and collector are not known to be down gets the engine's timeout", async () => {
    const { host, timerInputs } = await hostWith({ proposer: "up", collector: "also-up" }, new Set(["dead"]));
    await vi.advanceTimersByTimeAsync(999);
    expect(timerInputs).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(timerInputs).toEqual([1000]);
    await host.stop();
  });

  test("a host without the network's view waits the engine's timeout", async () => {
    const { host, timerInputs } = await hostWith({ proposer: "dead", collector: "dead" });
    await vi.advanceTimersByTimeAsync(1000);
    expect(timerInputs).toEqual([1000]);
    await host.stop();
  });

  test("the short timeout is the engine's for a silent leader: a quarter of the base", () => {
    expect(departedRounds(1000, () => true)?.roundTimeoutMs).toBe(250);
    expect(departedRounds(3000, () => true)?.roundTimeoutMs).toBe(750);
    expect(departedRounds(200, () => true)?.roundTimeoutMs).toBe(50);
    expect(departedRounds(1000, undefined)).toBeUndefined();
  });
});
