// A real local network for end-to-end tests: validator processes (`ubn node start`) on
// loopback, each with its own LevelDB, talking libp2p; the test talks to them over JSON-RPC
// and kills them with SIGKILL like a crash would.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunnerTask } from "vitest";
import { addressBytesOf, decryptKey, findKeyFile, formatAddress, generateKeyPair } from "../../../crypto/index.ts";
import {
  createDevnetLayout,
  DEVNET_PASSWORD,
  type DevnetLayout,
  type DevnetLayoutOptions,
} from "../../../node/devnet/layout.ts";
import { type RunningNode, startNodeProcess, stopNodeProcess } from "../../../node/devnet/processes.ts";
import { signedTransfer, type TransferSigner, transferSigner } from "../../../node/devnet/transfer.ts";
import { RpcClient } from "../../../rpc/index.ts";

// Lines of each node's log printed when a test fails: the CI run keeps only its own output.
const LOG_TAIL_LINES = 25;
const LOG_LINE_CHARS = 600;

export class TestDevnet {
  readonly layout: DevnetLayout;
  readonly running: (RunningNode | null)[];
  faucet!: TransferSigner;
  private faucetNonce = 0n;

  /** The command node i runs inside (its network namespace, for a soak), if any. */
  private readonly prefixOf: ((index: number) => readonly string[]) | undefined;

  private constructor(layout: DevnetLayout, prefixOf?: (index: number) => readonly string[]) {
    this.layout = layout;
    this.running = layout.nodes.map(() => null);
    this.prefixOf = prefixOf;
  }

  static async create(
    opts: DevnetLayoutOptions & { start?: number[]; prefixOf?: (index: number) => readonly string[] },
  ): Promise<TestDevnet> {
    const home = await mkdtemp(join(tmpdir(), "ubn-e2e-"));
    const layout = await createDevnetLayout(home, opts);
    const net = new TestDevnet(layout, opts.prefixOf);
    net.faucet = transferSigner(await decryptKey(await findKeyFile(join(home, "keystore"), "faucet"), DEVNET_PASSWORD));
    const which = opts.start ?? layout.nodes.map((_, i) => i).filter((i) => layout.nodes[i]?.validator);
    await Promise.all(which.map((i) => net.start(i)));
    return net;
  }

  async start(i: number): Promise<RunningNode> {
    const layout = this.layout.nodes[i] as DevnetLayout["nodes"][number];
    const n = await startNodeProcess(layout, { prefix: this.prefixOf?.(i) });
    this.running[i] = n;
    return n;
  }

  /** SIGKILL: the process gets no chance to flush or close anything. */
  async kill(i: number): Promise<void> {
    const n = this.running[i];
    if (n === null || n === undefined) return;
    n.child.kill("SIGKILL");
    await n.exited;
    this.running[i] = null;
  }

  client(i: number): RpcClient {
    const n = this.running[i];
    if (n === null || n === undefined) throw new Error(`node ${i} is not running`);
    return new RpcClient(n.rpc);
  }

  /** Submits a transfer of `amount` base units from the faucet to a new address; returns (tx hash, recipient). */
  async transfer(via: number, amount = 1000n, to = addressBytesOf(generateKeyPair().publicKey)) {
    const tx = signedTransfer(this.layout.chainId, this.faucet, to, amount, this.faucetNonce);
    const hash = await this.client(via).sendRawTransaction(tx);
    this.faucetNonce++;
    return { hash, to: formatAddress(to) };
  }

  async height(i: number): Promise<bigint> {
    return this.client(i).blockNumber();
  }

  /**
   * Stops every node. After a failed test (`failed`, see anyFailed) the network's directory is
   * kept and the end of each node's log goes to stderr, so that a failure in CI can be read
   * from its output; otherwise the directory goes unless UBN_KEEP_E2E is set.
   */
  async stop(opts: { failed?: boolean } = {}): Promise<void> {
    await Promise.all(this.running.map((n) => (n === null ? undefined : stopNodeProcess(n))));
    if (opts.failed === true) {
      process.stderr.write(await this.logTails());
      return;
    }
    if (process.env.UBN_KEEP_E2E === undefined) await rm(this.layout.home, { recursive: true, force: true });
  }

  private async logTails(): Promise<string> {
    const out = [`a test failed: the network's directory is kept at ${this.layout.home}`];
    for (const node of this.layout.nodes) {
      const path = join(node.home, "node.log");
      const text = await readFile(path, "utf8").catch(() => null);
      if (text === null) continue;
      const lines = text.trimEnd().split("\n").slice(-LOG_TAIL_LINES);
      out.push(`--- last ${lines.length} lines of ${path}`);
      for (const line of lines) out.push(line.length > LOG_LINE_CHARS ? `${line.slice(0, LOG_LINE_CHARS)}...` : line);
    }
    return `${out.join("\n")}\n`;
  }
}

/**
 * An afterAll hook: runs `first` (stopping a test's own peers, say), then stops the network
 * `current` returns, keeping its logs if a test failed.
 */
export function stopAfterAll(current: () => TestDevnet | undefined, first?: () => Promise<unknown>) {
  // biome-ignore lint/correctness/noEmptyPattern: vitest hands hooks the suite second, and insists that the first parameter be a destructuring pattern
  return async ({}, suite: Readonly<RunnerTask>) => {
    await first?.();
    await current()?.stop({ failed: anyFailed(suite) });
  };
}

/** Whether a test in `task` (a test, a suite or a file) failed: for afterAll and afterEach. */
export function anyFailed(task: Readonly<RunnerTask>): boolean {
  if (task.result?.state === "fail") return true;
  return "tasks" in task && task.tasks.some(anyFailed);
}

/** Polls `check` until it returns a value (not undefined) or `ms` pass. */
export async function waitFor<T>(
  what: string,
  ms: number,
  check: () => Promise<T | undefined>,
  everyMs = 100,
): Promise<T> {
  const until = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > until)
      throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ""}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
