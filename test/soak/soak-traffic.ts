// What the soaks share: a steady load of transfers from many senders, sent as a wallet would
// (a transfer refused for now, or lost with a node, is sent again with the same nonce), a sample
// of the transfers seen final, and the checks at the end: every node holds the same block hash
// and state root at every height, and every sampled final transfer is still final on each.
import { senderKey } from "../../bench/devnet-load.ts";
import { MAX_CALLS_PER_POST } from "../../bench/devnet-sender.ts";
import { signedTransfer } from "../../node/devnet/transfer.ts";
import { ubn } from "../../rpc/client/calls.ts";
import { RpcErrorCode } from "../../rpc/errors.ts";
import type { TestDevnet } from "../node/e2e/devnet-harness.ts";

const ISC = 10n ** 18n;
const SOAK_SENDERS = 1000;
const BATCH_MS = 50;
/** Transfers per round whose finality is recorded, and checked on every node at the end. */
const SAMPLES_PER_ROUND = 20;

const senders = Array.from({ length: SOAK_SENDERS }, (_, i) => senderKey(i));
const sink = senderKey(1 << 30).address;

/** The genesis accounts the load spends from (TestDevnet.create's `accounts`). */
export function soakAccounts(): { address: Uint8Array; balance: bigint }[] {
  return senders.map((s) => ({ address: s.address, balance: 1000n * ISC }));
}

type Answer = { ok: true; value: unknown } | { ok: false; error: unknown } | undefined;

export class SoakTraffic {
  /** Transfers a node refused, by error code. */
  readonly refused: Record<string, number> = {};
  /** Hashes (0x) of sampled transfers seen final on node 0. */
  readonly seenFinal: string[] = [];
  private readonly net: TestDevnet;
  private readonly rate: number;
  /** The nodes the load may send to now (running, not frozen, reachable). */
  private readonly sendable: () => number[];
  private readonly nonces = senders.map(() => 0n);
  /** Hashes (0x) of transfers a node accepted since the last sample, oldest first. */
  private accepted: string[] = [];

  constructor(net: TestDevnet, rate: number, sendable: () => number[]) {
    this.net = net;
    this.rate = rate;
    this.sendable = sendable;
  }

  /** The nodes of the network, running or not. */
  get nodes(): number[] {
    return this.net.layout.nodes.map((_, i) => i);
  }

  /** Sends `rate` transfers a second in batches, each batch to the next node `sendable` names. */
  startLoad(): { stop(): Promise<void> } {
    let running = true;
    const perBatch = Math.max(1, Math.round((this.rate * BATCH_MS) / 1000));
    const loop = (async () => {
      let k = 0;
      let via = 0;
      while (running) {
        const txs: Uint8Array[] = [];
        const from: { sender: number; nonce: bigint }[] = [];
        for (let j = 0; j < perBatch; j++) {
          const i = k++ % SOAK_SENDERS;
          const nonce = this.nonces[i] as bigint;
          txs.push(signedTransfer(this.net.layout.chainId, senders[i] as (typeof senders)[number], sink, 1n, nonce));
          from.push({ sender: i, nonce });
          this.nonces[i] = nonce + 1n;
        }
        // As a wallet does: a transfer refused for now (a full pool while finality is stopped) or
        // lost with a node is sent again, with the same nonce, the next time its sender comes up;
        // without that its sender's later transfers would wait behind the gap for good.
        const answers = await this.sendSpread(txs, () => {
          const up = this.sendable();
          return up[via++ % Math.max(1, up.length)];
        });
        from.forEach(({ sender, nonce }, j) => {
          const answer = answers[j];
          if (answer?.ok === true) {
            this.accepted.push(answer.value as string);
            return;
          }
          const code = answer === undefined ? "no answer" : refusalCode(answer.error);
          this.refused[code] = (this.refused[code] ?? 0) + 1;
          // Already pooled or included: nothing to send again.
          if (code === String(RpcErrorCode.alreadyKnown) || code === String(RpcErrorCode.nonceTooLow)) return;
          if (nonce < (this.nonces[sender] as bigint)) this.nonces[sender] = nonce;
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

  /** Reads every sender's nonce from node 0's state (after pools were lost or drifted). */
  async resyncNonces(): Promise<void> {
    const client = this.net.client(0);
    for (let at = 0; at < SOAK_SENDERS; at += 100) {
      const part = senders.slice(at, at + 100);
      const answers = await client.sendBatch(part.map((s) => ubn.getAccount(s.address)));
      answers.forEach((a, j) => {
        if (!a.ok) throw a.error;
        this.nonces[at + j] = (a.value as { nonce: bigint }).nonce;
      });
    }
  }

  /** Samples the transfers accepted since the last call and keeps those final on node 0. */
  async recordFinal(): Promise<void> {
    const every = Math.max(1, Math.floor(this.accepted.length / SAMPLES_PER_ROUND));
    const sample = this.accepted.filter((_, i) => i % every === 0);
    this.accepted = [];
    const receipts = await this.net
      .client(0)
      .sendBatch(sample.map((h) => ubn.getTransactionReceipt(h as `0x${string}`)));
    receipts.forEach((r, i) => {
      if (r.ok && r.value !== null) this.seenFinal.push(sample[i] as string);
    });
  }

  /** The highest height any running node reports. */
  async highestHeight(): Promise<bigint> {
    const heights = await this.heights();
    let top = 0n;
    for (const h of heights.values()) if (h > top) top = h;
    return top;
  }

  /** Each running node's height. */
  async heights(): Promise<Map<number, bigint>> {
    const up = this.nodes.filter((i) => this.net.running[i] !== null);
    const heights = await Promise.all(up.map((i) => this.net.height(i)));
    return new Map(up.map((i, k) => [i, heights[k] as bigint]));
  }

  /** The same block hash and state root at every height on every node; returns the height checked to. */
  async checkSameChain(): Promise<bigint> {
    const heights = await Promise.all(this.nodes.map((i) => this.net.height(i)));
    let top = heights[0] as bigint;
    for (const h of heights) if (h < top) top = h;
    for (let h = 1n; h <= top; h++) {
      const blocks = await Promise.all(this.nodes.map((i) => this.net.client(i).getBlockByNumber(h)));
      for (const [i, b] of blocks.entries()) {
        if (b === null || b.hash !== blocks[0]?.hash || b.stateRoot !== blocks[0]?.stateRoot) {
          throw new Error(`node ${i} differs from node 0 at height ${h}`);
        }
      }
    }
    return top;
  }

  /** Every sampled final transfer is final on every node. */
  async checkFinalEverywhere(): Promise<void> {
    for (const i of this.nodes) {
      const client = this.net.client(i);
      for (let at = 0; at < this.seenFinal.length; at += 100) {
        const part = this.seenFinal.slice(at, at + 100);
        const receipts = await client.sendBatch(part.map((h) => ubn.getTransactionReceipt(h as `0x${string}`)));
        receipts.forEach((r, j) => {
          if (!r.ok || r.value === null) throw new Error(`node ${i} lost final transfer ${part[j]}`);
        });
      }
    }
  }

  /** Each running node's height, round, peers and pool, from its metrics, for a failure's report. */
  async nodeGauges(): Promise<string> {
    const wanted = [
      "ubn_chain_height",
      "ubn_consensus_round",
      "ubn_consensus_timeouts_total",
      "ubn_consensus_short_rounds_total",
      "ubn_peers",
      "ubn_mempool_txs",
      "ubn_sync_",
    ];
    const lines: string[] = [];
    for (const i of this.nodes) {
      const metrics = this.net.running[i]?.metrics;
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

  /**
   * Sends the transfers in posts of at most MAX_CALLS_PER_POST (the RPC server's batch limit),
   * each to the node `next` names, all at once; a post that failed answers undefined for its calls.
   */
  private async sendSpread(txs: Uint8Array[], next: () => number | undefined): Promise<Answer[]> {
    const posts: Promise<Answer[]>[] = [];
    for (let at = 0; at < txs.length; at += MAX_CALLS_PER_POST) {
      const part = txs.slice(at, at + MAX_CALLS_PER_POST);
      const node = next();
      const none = (): Answer[] => part.map(() => undefined);
      if (node === undefined || this.net.running[node] === null) {
        posts.push(Promise.resolve(none()));
        continue;
      }
      // A node that dies under a post leaves its transfers pooled somewhere, or nowhere.
      posts.push(
        this.net
          .client(node)
          .sendBatch(part.map((tx) => ubn.sendRawTransaction(tx)))
          .catch(none),
      );
    }
    return (await Promise.all(posts)).flat();
  }
}

function refusalCode(e: unknown): string {
  const data = (e as { data?: { code?: unknown } }).data;
  if (typeof data?.code === "string") return data.code;
  return String((e as { code?: unknown }).code ?? "unknown");
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A command-line value that must be a positive integer; exits 2 with a message otherwise. */
export function positive(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) {
    console.error(`--${name} must be a positive integer, got ${text}`);
    process.exit(2);
  }
  return n;
}
