// Runs the nodes of a devnet as child processes (`ubn node start --home ...`), each logging to
// its own file, and tells when each is up by reading its "node started" log line.
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEVNET_PASSWORD, type DevnetNodeLayout } from "./layout.ts";

const UBN = fileURLToPath(new URL("../cli/ubn.ts", import.meta.url));

export interface RunningNode {
  layout: DevnetNodeLayout;
  child: ChildProcess;
  rpc: string;
  metrics: string | null;
  log: string;
  /** Resolves with the exit code (or signal) when the process ends. */
  exited: Promise<number | string>;
}

/** Starts one node and resolves once it logs "node started" (rejects if it exits first or times out). */
export function startNodeProcess(
  layout: DevnetNodeLayout,
  opts: {
    timeoutMs?: number;
    env?: NodeJS.ProcessEnv;
    /**
     * A command that runs the node inside it, and must exec it in place so that signals reach
     * the node (`ip netns exec NS`, for a soak that cuts links between namespaces).
     */
    prefix?: readonly string[];
  } = {},
): Promise<RunningNode> {
  const log = join(layout.home, "node.log");
  const out = createWriteStream(log, { flags: "a" });
  const argv = [...(opts.prefix ?? []), process.execPath, UBN, "node", "start", "--home", layout.home];
  const child = spawn(argv[0] as string, argv.slice(1), {
    env: { UV_THREADPOOL_SIZE: "16", ...process.env, ...opts.env, UBN_PASSWORD: DEVNET_PASSWORD },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | string>((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal ?? -1)),
  );
  child.stderr?.pipe(out, { end: false });
  return new Promise((resolve, reject) => {
    let buffered = "";
    let started = false;
    const timer = setTimeout(() => {
      if (!started)
        reject(new Error(`${layout.name} did not start within ${opts.timeoutMs ?? 60_000} ms (see ${log})`));
    }, opts.timeoutMs ?? 60_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      out.write(chunk);
      if (started) return;
      buffered += chunk.toString("utf8");
      let nl = buffered.indexOf("\n");
      while (nl >= 0 && !started) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        try {
          const entry = JSON.parse(line) as { msg?: string; rpc?: string; metrics?: string | null };
          if (entry.msg === "node started" && typeof entry.rpc === "string") {
            started = true;
            clearTimeout(timer);
            resolve({ layout, child, rpc: entry.rpc, metrics: entry.metrics ?? null, log, exited });
          }
        } catch {
          // Not a log line of ours (a warning from Node): keep reading.
        }
        nl = buffered.indexOf("\n");
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      out.end();
      if (!started) reject(new Error(`${layout.name} exited with ${code} before it started (see ${log})`));
    });
  });
}

/** SIGTERM, then SIGKILL after `graceMs` if still running. */
export async function stopNodeProcess(n: RunningNode, graceMs = 10_000): Promise<number | string> {
  if (n.child.exitCode !== null || n.child.signalCode !== null) return n.exited;
  n.child.kill("SIGTERM");
  const timer = setTimeout(() => n.child.kill("SIGKILL"), graceMs);
  const code = await n.exited;
  clearTimeout(timer);
  return code;
}
