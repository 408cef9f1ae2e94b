// Crash soak: four validator processes under a steady load of transfers, and round after round
// some of them fail at a moment picked from the seed: killed with SIGKILL (all four at once,
// two, or one) and started again, or frozen with SIGSTOP (one or two) and woken with SIGCONT.
// Each round must end with the chain moving again on every node; at the end every node must
// hold the same block and state root at every height, and every transfer seen final before a
// fault must still be final on every node.
//
// The end-to-end tests kill validators on an idle or lightly used chain; this kills them while
// blocks are being proposed, voted on, written and committed, which is where a write that is
// not yet on disk when a vote leaves would show. It takes minutes, so it is not part of
// `npm test`:
//
//   npm run soak:crash -- [--rounds 12] [--rate 1000] [--seed 1]
//
// It prints one JSON line and exits 0, or says what went wrong, keeps the network's directory
// and exits 1.
import { parseArgs } from "node:util";
import { Prng } from "../../consensus/sim/prng.ts";
import { TestDevnet, waitFor } from "../node/e2e/devnet-harness.ts";
import { positive, SoakTraffic, sleep, soakAccounts } from "./soak-traffic.ts";

const VALIDATORS = 4;
/** How far past its height before the crash the chain must get for a round to count as recovered. */
const PROGRESS_BLOCKS = 3n;
const RECOVERY_TIMEOUT_MS = 60_000;

/** Killed with SIGKILL: all four, two (finality stops), one; or one or two frozen with SIGSTOP. */
type FaultMode = "all" | "two" | "one" | "pause";
const MODES: readonly FaultMode[] = ["all", "two", "one", "pause"];

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "12" },
    rate: { type: "string", default: "1000" },
    seed: { type: "string", default: "1" },
  },
});
const rounds = positive("rounds", values.rounds);
const rate = positive("rate", values.rate);
// The same --seed kills the same nodes after the same delays.
const prng = new Prng(positive("seed", values.seed));

const net = await TestDevnet.create({
  validators: VALIDATORS,
  // One client sends the whole load from one address, as the benchmark does.
  config: (c) => {
    c.rpc.rateLimit = null;
    if (process.env.UBN_SOAK_LOG !== undefined) c.log.level = process.env.UBN_SOAK_LOG;
  },
  accounts: soakAccounts(),
});
const recoveryMs: number[] = [];
const faults: Record<FaultMode, number> = { all: 0, two: 0, one: 0, pause: 0 };
/** Frozen nodes: the load skips them (their RPC would hold a batch until they wake). */
const paused = new Set<number>();
const traffic = new SoakTraffic(net, rate, () => allNodes().filter((i) => net.running[i] !== null && !paused.has(i)));

try {
  for (let round = 0; round < rounds; round++) {
    const mode = MODES[round % MODES.length] as FaultMode;
    const victims = pickVictims(mode);
    let load = traffic.startLoad();
    await sleep(prng.range(1500, 4000));
    const before = await traffic.highestHeight();
    faults[mode]++;
    let resumedAt: number;
    if (mode === "pause") {
      // A frozen process (a stalled VM, a long swap): it keeps its connections and its state,
      // and wakes up rounds behind, with its timers overdue.
      for (const i of victims) paused.add(i);
      for (const i of victims) signal(i, "SIGSTOP");
      await sleep(prng.range(2000, 6000));
      for (const i of victims) signal(i, "SIGCONT");
      for (const i of victims) paused.delete(i);
      resumedAt = Date.now();
    } else {
      await Promise.all(victims.map((i) => net.kill(i)));
      // With one or two down the others go on (or stall, with two); either way for a moment.
      if (mode !== "all") await sleep(prng.range(500, 2000));
      await load.stop();
      await Promise.all(victims.map((i) => net.start(i)));
      resumedAt = Date.now();
      // The pools died with the processes (or drifted from the chain): nonces start over from state.
      await waitFor("the restarted nodes' RPC", 30_000, async () => {
        await Promise.all(victims.map((i) => net.height(i)));
        return true;
      });
      await traffic.resyncNonces();
      load = traffic.startLoad();
    }
    try {
      await waitFor(`every node past height ${before + PROGRESS_BLOCKS}`, RECOVERY_TIMEOUT_MS, async () => {
        const heights = await Promise.all(allNodes().map((i) => net.height(i)));
        return heights.every((h) => h > before + PROGRESS_BLOCKS) ? true : undefined;
      });
    } catch (e) {
      await load.stop();
      throw new Error(`round ${round} (${mode}: ${victims}): no progress from height ${before}: ${e}`);
    }
    recoveryMs.push(Date.now() - resumedAt);
    await load.stop();
    await traffic.recordFinal();
    await traffic.resyncNonces();
  }
  const top = await traffic.checkSameChain();
  await traffic.checkFinalEverywhere();
  await net.stop();
  const sorted = [...recoveryMs].sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      rounds,
      rate,
      faults,
      recovery_ms: { p50: sorted[Math.floor(sorted.length / 2)], max: sorted[sorted.length - 1] },
      height: Number(top),
      final_checked: traffic.seenFinal.length,
      refused: traffic.refused,
      same_chain: true,
    }),
  );
} catch (e) {
  for (const i of paused) signal(i, "SIGCONT");
  console.error(`crash soak failed: ${e instanceof Error ? e.message : String(e)}`);
  console.error(await traffic.nodeGauges());
  console.error(`refused: ${JSON.stringify(traffic.refused)}`);
  await net.stop({ failed: true });
  console.error(`network kept in ${net.layout.home}`);
  process.exit(1);
}

function allNodes(): number[] {
  return Array.from({ length: VALIDATORS }, (_, i) => i);
}

function pickVictims(mode: FaultMode): number[] {
  if (mode === "all") return allNodes();
  const count = mode === "two" ? 2 : mode === "one" ? 1 : prng.range(1, 2);
  return prng.shuffle(allNodes()).slice(0, count);
}

function signal(i: number, sig: "SIGSTOP" | "SIGCONT"): void {
  net.running[i]?.child.kill(sig);
}
