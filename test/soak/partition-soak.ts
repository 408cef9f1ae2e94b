// Partition soak: four validator processes, each in a network namespace of its own on one
// bridge (netns.ts), under a steady load of transfers, and round after round the links between
// some of them are cut while every process keeps running. Four kinds of cut, in turn:
//
//   isolate  one node cut from the other three: they keep finalizing; it commits nothing, and
//            once healed it catches up (by fast sync when it fell far enough behind) and votes
//   split    two against two: no side has a quorum, so no node commits past what was final
//   pair     only the link between two nodes: each still reaches the other two, and all four
//            keep finalizing (gossip goes around the cut; votes for a leader across it do not)
//   flap     one node cut and healed every second or so: connections drop and come back
//
// Each round must end, once healed, with every node 3 blocks past where the chain was; at the
// end every node must hold the same block and state root at every height, and every transfer
// seen final must still be final on every node. Unlike SIGSTOP in the crash soak, a cut node
// runs on: its round timers fire, its timeouts go nowhere, and its peers see it go silent.
//
// Needs root (it creates namespaces "ubnsoak*" and a bridge, and removes them at the end). It
// takes minutes, so it is not part of `npm test`:
//
//   npm run soak:partition -- [--rounds 8] [--rate 500] [--seed 1]
//
// It prints one JSON line and exits 0, or says what went wrong, keeps the network's directory
// and exits 1.
import { parseArgs } from "node:util";
import { Prng } from "../../consensus/sim/prng.ts";
import { TestDevnet, waitFor } from "../node/e2e/devnet-harness.ts";
import { NamespaceNetwork } from "./netns.ts";
import { positive, SoakTraffic, sleep, soakAccounts } from "./soak-traffic.ts";

const VALIDATORS = 4;
/** How far past the highest height before the heal every node must get for a round to count. */
const PROGRESS_BLOCKS = 3n;
const RECOVERY_TIMEOUT_MS = 60_000;
/**
 * Blocks a node may still commit after a cut that leaves it without a quorum: a QC already on
 * its way when the link went.
 */
const IN_FLIGHT_BLOCKS = 2n;

type CutMode = "isolate" | "split" | "pair" | "flap";
const MODES: readonly CutMode[] = ["isolate", "split", "pair", "flap"];

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "8" },
    rate: { type: "string", default: "500" },
    seed: { type: "string", default: "1" },
  },
});
const rounds = positive("rounds", values.rounds);
const rate = positive("rate", values.rate);
// The same --seed cuts the same links for the same times.
const prng = new Prng(positive("seed", values.seed));

let links: NamespaceNetwork;
try {
  links = await NamespaceNetwork.create(VALIDATORS);
} catch (e) {
  console.error(`partition soak cannot run here: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(2);
}
const net = await TestDevnet.create({
  validators: VALIDATORS,
  hostOf: (i) => links.address(i),
  prefixOf: (i) => links.exec(i),
  // One client sends the whole load from one address, as the benchmark does.
  config: (c) => {
    c.rpc.rateLimit = null;
    if (process.env.UBN_SOAK_LOG !== undefined) c.log.level = process.env.UBN_SOAK_LOG;
  },
  accounts: soakAccounts(),
});
const nodes = Array.from({ length: VALIDATORS }, (_, i) => i);
/**
 * Nodes cut off from the rest: the load skips them. A transfer one of them accepted would stay
 * in its pool until the heal, and its sender's later transfers, sent to the others, would wait
 * behind the nonce gap: within seconds no sender would have anything the others could include,
 * and the chain would stop for want of work, not of a quorum.
 */
const cutOff = new Set<number>();
// The soak reaches every node through the bridge whatever is cut between them.
const traffic = new SoakTraffic(net, rate, () => nodes.filter((i) => !cutOff.has(i)));
const recoveryMs: Record<CutMode, number[]> = { isolate: [], split: [], pair: [], flap: [] };
const cuts: Record<CutMode, number> = { isolate: 0, split: 0, pair: 0, flap: 0 };
/** Per cut that leaves a quorum: blocks a second the slowest node that must progress gained. */
const blocksPerSecond: Record<CutMode, number[]> = { isolate: [], split: [], pair: [], flap: [] };

try {
  await waitFor("every node connected to the other three", 30_000, async () => {
    const peers = await Promise.all(nodes.map(async (i) => (await net.client(i).status()).peers));
    return peers.every((p) => Number(p) >= VALIDATORS - 1) ? true : undefined;
  });
  for (let round = 0; round < rounds; round++) {
    const mode = MODES[round % MODES.length] as CutMode;
    const order = prng.shuffle(nodes);
    const load = traffic.startLoad();
    await sleep(prng.range(1500, 3000));
    const cutMs = prng.range(4000, 12_000);
    cuts[mode]++;
    const what = `round ${round} (${mode} ${order.join(",")})`;
    try {
      await cut(mode, order, cutMs, what);
      await links.heal();
      cutOff.clear();
      const healedAt = Date.now();
      const before = await traffic.highestHeight();
      await waitFor(`every node past height ${before + PROGRESS_BLOCKS}`, RECOVERY_TIMEOUT_MS, async () => {
        const heights = await traffic.heights();
        return [...heights.values()].every((h) => h > before + PROGRESS_BLOCKS) ? true : undefined;
      });
      recoveryMs[mode].push(Date.now() - healedAt);
    } finally {
      await links.heal();
      cutOff.clear();
      await load.stop();
    }
    await traffic.recordFinal();
    await traffic.resyncNonces();
  }
  // A node that fell behind while cut off must be back in consensus, not left syncing.
  await waitFor("every node out of sync mode", 30_000, async () => {
    const statuses = await Promise.all(nodes.map((i) => net.client(i).status()));
    return statuses.every((s) => !s.syncing) ? true : undefined;
  });
  const synced = await syncedBlocks();
  const top = await traffic.checkSameChain();
  await traffic.checkFinalEverywhere();
  await net.stop();
  await links.destroy();
  const all = Object.values(recoveryMs)
    .flat()
    .sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      rounds,
      rate,
      cuts,
      recovery_ms: { p50: all[Math.floor(all.length / 2)], max: all[all.length - 1] },
      // From the heal until every node is 3 blocks past the chain's height then, per round.
      recovery_ms_by_cut: recoveryMs,
      // During each cut with a quorum, from the cut (not counting blocks already on their way).
      blocks_per_s_during_cut: {
        isolate: blocksPerSecond.isolate,
        pair: blocksPerSecond.pair,
        flap: blocksPerSecond.flap,
      },
      height: Number(top),
      fast_synced_blocks: synced,
      final_checked: traffic.seenFinal.length,
      refused: traffic.refused,
      same_chain: true,
    }),
  );
} catch (e) {
  console.error(`partition soak failed: ${e instanceof Error ? e.message : String(e)}`);
  console.error(await traffic.nodeGauges());
  console.error(`refused: ${JSON.stringify(traffic.refused)}`);
  await net.stop({ failed: true });
  await links.destroy();
  console.error(`network kept in ${net.layout.home}`);
  process.exit(1);
}

/** Cuts links as `mode` says for `ms`, checking meanwhile what the nodes must (and must not) do. */
async function cut(mode: CutMode, order: number[], ms: number, what: string): Promise<void> {
  const [a, b, c, d] = order as [number, number, number, number];
  const start = await traffic.heights();
  switch (mode) {
    case "isolate": {
      cutOff.add(a);
      await links.split([a], [b, c, d]);
      const atCut = await traffic.heights();
      await sleep(ms);
      const end = await traffic.heights();
      expectProgress(mode, atCut, end, [b, c, d], ms, what);
      expectStalled(atCut, end, [a], what);
      return;
    }
    case "split": {
      await links.split([a, b], [c, d]);
      const atCut = await traffic.heights();
      await sleep(ms);
      // No side can certify anything: no node gets past the highest height final at the cut.
      const end = await traffic.heights();
      const topAtCut = max([...atCut.values()]);
      for (const [i, h] of end) {
        if (h > topAtCut + IN_FLIGHT_BLOCKS)
          throw new Error(`${what}: node ${i} reached ${h} with no quorum (${topAtCut} at the cut)`);
      }
      return;
    }
    case "pair": {
      await links.cutBetween(a, b);
      const atCut = await traffic.heights();
      await sleep(ms);
      expectProgress(mode, atCut, await traffic.heights(), nodes, ms, what);
      return;
    }
    case "flap": {
      cutOff.add(a);
      const until = Date.now() + ms;
      let atCut: Map<number, bigint> | null = null;
      while (Date.now() < until) {
        await links.split([a], [b, c, d]);
        atCut ??= await traffic.heights();
        await sleep(prng.range(300, 1500));
        await links.heal();
        await sleep(prng.range(300, 1500));
      }
      expectProgress(mode, atCut ?? start, await traffic.heights(), [b, c, d], ms, what);
      return;
    }
  }
}

/** Checks that each of `which` gained PROGRESS_BLOCKS; notes the slowest one's blocks a second. */
function expectProgress(
  mode: CutMode,
  start: Map<number, bigint>,
  end: Map<number, bigint>,
  which: number[],
  ms: number,
  what: string,
): void {
  let slowest: bigint | null = null;
  for (const i of which) {
    const from = start.get(i) as bigint;
    const to = end.get(i) as bigint;
    if (to < from + PROGRESS_BLOCKS)
      throw new Error(`${what}: node ${i} went from ${from} only to ${to} while it had a quorum`);
    if (slowest === null || to - from < slowest) slowest = to - from;
  }
  blocksPerSecond[mode].push(Math.round((Number(slowest) * 10_000) / ms) / 10);
}

function expectStalled(start: Map<number, bigint>, end: Map<number, bigint>, which: number[], what: string): void {
  for (const i of which) {
    const from = start.get(i) as bigint;
    const to = end.get(i) as bigint;
    if (to > from + IN_FLIGHT_BLOCKS) throw new Error(`${what}: node ${i} went from ${from} to ${to} while cut off`);
  }
}

function max(xs: bigint[]): bigint {
  let top = 0n;
  for (const x of xs) if (x > top) top = x;
  return top;
}

/** Blocks the nodes applied by fast sync, in all (ubn_sync_blocks_total). */
async function syncedBlocks(): Promise<number> {
  let total = 0;
  for (const i of nodes) {
    const metrics = net.running[i]?.metrics;
    if (metrics === undefined || metrics === null) continue;
    const text = await (await fetch(`${metrics}/metrics`)).text();
    for (const line of text.split("\n"))
      if (line.startsWith("ubn_sync_blocks_total")) total += Number(line.split(" ")[1]);
  }
  return total;
}
