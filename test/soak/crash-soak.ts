// Crash soak: four validator processes under a steady load of transfers, and round after round
// some of them are killed with SIGKILL at a moment the load does not choose (one, two, or all
// four at once), then started again. Each round must end with the chain moving again on every
// node; at the end every node must hold the same block and state root at every height, and every
// transfer seen final before a crash must still be final on every node.
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
import { senderKey } from "../../bench/devnet-load.ts";
import { Prng } from "../../consensus/sim/prng.ts";
import { signedTransfer } from "../../node/devnet/transfer.ts";
import { ubn } from "../../rpc/client/calls.ts";
import { TestDevnet, waitFor } from "../node/e2e/devnet-harness.ts";

const ISC = 10n ** 18n;
const VALIDATORS = 4;
const SENDERS = 300;
const BATCH_MS = 50;
/** How far past its height before the crash the chain must get for a round to count as recovered. */
const PROGRESS_BLOCKS = 3n;
const RECOVERY_TIMEOUT_MS = 60_000;
/** Transfers per round whose finality is recorded, and checked on every node at the end. */
const SAMPLES_PER_ROUND = 20;

type KillMode = "all" | "two" | "one";
const MODES: readonly KillMode[] = ["all", "two", "one"];

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

const senders = Array.from({ length: SENDERS }, (_, i) => senderKey(i));
const sink = senderKey(1 << 30).address;
const net = await TestDevnet.create({
  validators: VALIDATORS,
  // One client sends the whole load from one address, as the benchmark does.
  config: (c) => {
    c.rpc.rateLimit = null;
  },
  accounts: senders.map((s) => ({ address: s.address, balance: 1000n * ISC })),
});
const nonces = senders.map(() => 0n);
/** Hashes (0x) of transfers a node accepted, oldest first; sampled each round. */
let accepted: string[] = [];
const seenFinal: string[] = [];
const recoveryMs: number[] = [];
const kills: Record<KillMode, number> = { all: 0, two: 0, one: 0 };

try {
  for (let round = 0; round < rounds; round++) {
    const mode = MODES[round % MODES.length] as KillMode;
    const victims = pickVictims(mode);
    const load = startLoad();
    await sleep(prng.range(1500, 4000));
    const before = await highestHeight();
    await Promise.all(victims.map((i) => net.kill(i)));
    kills[mode]++;
    // With one or two down the others go on (or stall, with two); either way for a moment.
    if (mode !== "all") await sleep(prng.range(500, 2000));
    await load.stop();
    await Promise.all(victims.map((i) => net.start(i)));
    const restartedAt = Date.now();
    // The pools died with the processes (or drifted from the chain): nonces start over from state.
    await waitFor("the restarted nodes' RPC", 30_000, async () => {
      await Promise.all(victims.map((i) => net.height(i)));
      return true;
    });
    await resyncNonces();
    const again = startLoad();
    try {
      await waitFor(`every node past height ${before + PROGRESS_BLOCKS}`, RECOVERY_TIMEOUT_MS, async () => {
        const heights = await Promise.all(allNodes().map((i) => net.height(i)));
        return heights.every((h) => h > before + PROGRESS_BLOCKS) ? true : undefined;
      });
    } catch (e) {
      await again.stop();
      throw new Error(`round ${round} (killed ${mode}: ${victims}): no progress from height ${before}: ${e}`);
    }
    recoveryMs.push(Date.now() - restartedAt);
    await again.stop();
    await recordFinal();
    await resyncNonces();
  }
  const top = await checkSameChain();
  await checkFinalEverywhere();
  await net.stop();
  const sorted = [...recoveryMs].sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      rounds,
      rate,
      kills,
      recovery_ms: { p50: sorted[Math.floor(sorted.length / 2)], max: sorted[sorted.length - 1] },
      height: Number(top),
      final_checked: seenFinal.length,
      same_chain: true,
    }),
  );
} catch (e) {
  console.error(`crash soak failed: ${e instanceof Error ? e.message : String(e)}`);
  await net.stop({ failed: true });
  console.error(`network kept in ${net.layout.home}`);
  process.exit(1);
}

function allNodes(): number[] {
  return Array.from({ length: VALIDATORS }, (_, i) => i);
}

function pickVictims(mode: KillMode): number[] {
  if (mode === "all") return allNodes();
  return prng.shuffle(allNodes()).slice(0, mode === "two" ? 2 : 1);
}

/** Sends `rate` transfers a second in batches, each batch to the next node that is up. */
function startLoad(): { stop(): Promise<void> } {
  let running = true;
  const perBatch = Math.max(1, Math.round((rate * BATCH_MS) / 1000));
  const loop = (async () => {
    let k = 0;
    let via = 0;
    while (running) {
      const txs = [];
      for (let j = 0; j < perBatch; j++) {
        const i = k++ % SENDERS;
        txs.push(
          signedTransfer(net.layout.chainId, senders[i] as (typeof senders)[number], sink, 1n, nonces[i] as bigint),
        );
        nonces[i] = (nonces[i] as bigint) + 1n;
      }
      const up = allNodes().filter((i) => net.running[i] !== null);
      const node = up[via++ % Math.max(1, up.length)];
      if (node !== undefined) {
        try {
          const results = await net.client(node).sendBatch(txs.map((tx) => ubn.sendRawTransaction(tx)));
          for (const r of results) if (r.ok) accepted.push(r.value as string);
        } catch {
          // The node died under the batch: those transfers may or may not be pooled anywhere.
        }
      }
      await sleep(BATCH_MS);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

async function highestHeight(): Promise<bigint> {
  const up = allNodes().filter((i) => net.running[i] !== null);
  const heights = await Promise.all(up.map((i) => net.height(i)));
  let top = 0n;
  for (const h of heights) if (h > top) top = h;
  return top;
}

async function resyncNonces(): Promise<void> {
  const client = net.client(0);
  for (let at = 0; at < SENDERS; at += 100) {
    const part = senders.slice(at, at + 100);
    const answers = await client.sendBatch(part.map((s) => ubn.getAccount(s.address)));
    answers.forEach((a, j) => {
      if (!a.ok) throw a.error;
      nonces[at + j] = (a.value as { nonce: bigint }).nonce;
    });
  }
}

/** Samples this round's accepted transfers and keeps those final on node 0. */
async function recordFinal(): Promise<void> {
  const sample = accepted.filter((_, i) => i % Math.max(1, Math.floor(accepted.length / SAMPLES_PER_ROUND)) === 0);
  accepted = [];
  const client = net.client(0);
  const receipts = await client.sendBatch(sample.map((h) => ubn.getTransactionReceipt(h as `0x${string}`)));
  receipts.forEach((r, i) => {
    if (r.ok && r.value !== null) seenFinal.push(sample[i] as string);
  });
}

/** The same block hash and state root at every height on every node; returns the height checked to. */
async function checkSameChain(): Promise<bigint> {
  const heights = await Promise.all(allNodes().map((i) => net.height(i)));
  let top = heights[0] as bigint;
  for (const h of heights) if (h < top) top = h;
  for (let h = 1n; h <= top; h++) {
    const blocks = await Promise.all(allNodes().map((i) => net.client(i).getBlockByNumber(h)));
    for (const [i, b] of blocks.entries()) {
      if (b === null || b.hash !== blocks[0]?.hash || b.stateRoot !== blocks[0]?.stateRoot) {
        throw new Error(`node ${i} differs from node 0 at height ${h}`);
      }
    }
  }
  return top;
}

async function checkFinalEverywhere(): Promise<void> {
  for (const i of allNodes()) {
    const client = net.client(i);
    for (let at = 0; at < seenFinal.length; at += 100) {
      const part = seenFinal.slice(at, at + 100);
      const receipts = await client.sendBatch(part.map((h) => ubn.getTransactionReceipt(h as `0x${string}`)));
      receipts.forEach((r, j) => {
        if (!r.ok || r.value === null) throw new Error(`node ${i} lost final transfer ${part[j]}`);
      });
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function positive(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) {
    console.error(`--${name} must be a positive integer, got ${text}`);
    process.exit(2);
  }
  return n;
}
