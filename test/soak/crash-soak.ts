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
import { senderKey } from "../../bench/devnet-load.ts";
import { MAX_CALLS_PER_POST } from "../../bench/devnet-sender.ts";
import { Prng } from "../../consensus/sim/prng.ts";
import { signedTransfer } from "../../node/devnet/transfer.ts";
import { ubn } from "../../rpc/client/calls.ts";
import { RpcErrorCode } from "../../rpc/errors.ts";
import { TestDevnet, waitFor } from "../node/e2e/devnet-harness.ts";

const ISC = 10n ** 18n;
const VALIDATORS = 4;
const SENDERS = 1000;
const BATCH_MS = 50;
/** How far past its height before the crash the chain must get for a round to count as recovered. */
const PROGRESS_BLOCKS = 3n;
const RECOVERY_TIMEOUT_MS = 60_000;
/** Transfers per round whose finality is recorded, and checked on every node at the end. */
const SAMPLES_PER_ROUND = 20;

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

const senders = Array.from({ length: SENDERS }, (_, i) => senderKey(i));
const sink = senderKey(1 << 30).address;
const net = await TestDevnet.create({
  validators: VALIDATORS,
  // One client sends the whole load from one address, as the benchmark does.
  config: (c) => {
    c.rpc.rateLimit = null;
    if (process.env.UBN_SOAK_LOG !== undefined) c.log.level = process.env.UBN_SOAK_LOG;
  },
  accounts: senders.map((s) => ({ address: s.address, balance: 1000n * ISC })),
});
const nonces = senders.map(() => 0n);
/** Hashes (0x) of transfers a node accepted, oldest first; sampled each round. */
let accepted: string[] = [];
const seenFinal: string[] = [];
const recoveryMs: number[] = [];
const faults: Record<FaultMode, number> = { all: 0, two: 0, one: 0, pause: 0 };
/** Frozen nodes: the load skips them (their RPC would hold a batch until they wake). */
const paused = new Set<number>();
/** Transfers a node refused, by error code. */
const refused: Record<string, number> = {};

try {
  for (let round = 0; round < rounds; round++) {
    const mode = MODES[round % MODES.length] as FaultMode;
    const victims = pickVictims(mode);
    let load = startLoad();
    await sleep(prng.range(1500, 4000));
    const before = await highestHeight();
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
      await resyncNonces();
      load = startLoad();
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
      faults,
      recovery_ms: { p50: sorted[Math.floor(sorted.length / 2)], max: sorted[sorted.length - 1] },
      height: Number(top),
      final_checked: seenFinal.length,
      refused,
      same_chain: true,
    }),
  );
} catch (e) {
  for (const i of paused) signal(i, "SIGCONT");
  console.error(`crash soak failed: ${e instanceof Error ? e.message : String(e)}`);
  console.error(await nodeGauges());
  console.error(`refused: ${JSON.stringify(refused)}`);
  await net.stop({ failed: true });
  console.error(`network kept in ${net.layout.home}`);
  process.exit(1);
}

/** Each running node's height, round, peers and pool, from its metrics, for a failure's report. */
async function nodeGauges(): Promise<string> {
  const wanted = [
    "ubn_chain_height",
    "ubn_consensus_round",
    "ubn_consensus_timeouts_total",
    "ubn_peers",
    "ubn_mempool_txs",
  ];
  const lines: string[] = [];
  for (const i of allNodes()) {
    const metrics = net.running[i]?.metrics;
    if (metrics === undefined || metrics === null) continue;
    try {
      const text = await (await fetch(`${metrics}/metrics`)).text();
      const values = text.split("\n").filter((l) => wanted.some((w) => l.startsWith(w)));
      lines.push(`node ${i}: ${values.join(", ")}`);
    } catch (e) {
      lines.push(`node ${i}: metrics unavailable (${String(e)})`);
    }
  }
  return lines.join("\n");
}

function refusalCode(e: unknown): string {
  const data = (e as { data?: { code?: unknown } }).data;
  if (typeof data?.code === "string") return data.code;
  return String((e as { code?: unknown }).code ?? "unknown");
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

/** Sends `rate` transfers a second in batches, each batch to the next node that is up. */
function startLoad(): { stop(): Promise<void> } {
  let running = true;
  const perBatch = Math.max(1, Math.round((rate * BATCH_MS) / 1000));
  const loop = (async () => {
    let k = 0;
    let via = 0;
    while (running) {
      const txs: Uint8Array[] = [];
      const from: { sender: number; nonce: bigint }[] = [];
      for (let j = 0; j < perBatch; j++) {
        const i = k++ % SENDERS;
        const nonce = nonces[i] as bigint;
        txs.push(signedTransfer(net.layout.chainId, senders[i] as (typeof senders)[number], sink, 1n, nonce));
        from.push({ sender: i, nonce });
        nonces[i] = nonce + 1n;
      }
      // As a wallet does: a transfer refused for now (a full pool while finality is stopped) or
      // lost with a node is sent again, with the same nonce, the next time its sender comes up;
      // without that its sender's later transfers would wait behind the gap for good.
      const answers = await sendSpread(txs, () => {
        const up = allNodes().filter((i) => net.running[i] !== null && !paused.has(i));
        return up[via++ % Math.max(1, up.length)];
      });
      from.forEach(({ sender, nonce }, j) => {
        const answer = answers[j];
        if (answer?.ok === true) {
          accepted.push(answer.value as string);
          return;
        }
        const code = answer === undefined ? "no answer" : refusalCode(answer.error);
        refused[code] = (refused[code] ?? 0) + 1;
        // Already pooled or included: nothing to send again.
        if (code === String(RpcErrorCode.alreadyKnown) || code === String(RpcErrorCode.nonceTooLow)) return;
        if (nonce < (nonces[sender] as bigint)) nonces[sender] = nonce;
      });
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

type Answer = { ok: true; value: unknown } | { ok: false; error: unknown } | undefined;

/**
 * Sends the transfers in posts of at most MAX_CALLS_PER_POST (the RPC server's batch limit),
 * each to the node `next` names, all at once; a post that failed answers undefined for its calls.
 */
async function sendSpread(txs: Uint8Array[], next: () => number | undefined): Promise<Answer[]> {
  const posts: Promise<Answer[]>[] = [];
  for (let at = 0; at < txs.length; at += MAX_CALLS_PER_POST) {
    const part = txs.slice(at, at + MAX_CALLS_PER_POST);
    const node = next();
    const none = (): Answer[] => part.map(() => undefined);
    if (node === undefined) {
      posts.push(Promise.resolve(none()));
      continue;
    }
    // A node that dies under a post leaves its transfers pooled somewhere, or nowhere.
    posts.push(
      net
        .client(node)
        .sendBatch(part.map((tx) => ubn.sendRawTransaction(tx)))
        .catch(none),
    );
  }
  return (await Promise.all(posts)).flat();
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
