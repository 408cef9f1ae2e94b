// The wallet as a user runs it: `ubn devnet` in one process (with its own $UBN_HOME, so the
// pointer file it writes is this test's alone) and `ubn wallet` processes beside it with no
// flags but what the user types. Send 1.5 ISC and wait for finality, read the balance, look the
// transaction up, and watch the account change over WebSocket.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addressOf, generateKeyPair } from "../../../crypto/index.ts";
import { runUbn, UBN } from "../../node/run-ubn.ts";

let dir: string;
let home: string;
let devnet: ChildProcess;
let devnetExit: Promise<number | null>;
const env = () => ({ UBN_HOME: home, UBN_RPC: "" });

/** Starts a process and resolves with it once a stdout line matches `ready`. */
function spawnUntil(args: string[], ready: (line: string) => boolean, lines: string[] = []) {
  const child = spawn(process.execPath, [UBN, ...args], {
    env: { ...process.env, ...env(), UBN_PASSWORD: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let stderr = "";
  child.stderr?.on("data", (d) => {
    stderr += String(d);
  });
  const up = new Promise<ChildProcess>((resolve, reject) => {
    let buffer = "";
    child.stdout?.on("data", (d) => {
      buffer += String(d);
      for (let i = buffer.indexOf("\n"); i >= 0; i = buffer.indexOf("\n")) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        lines.push(line);
        if (ready(line)) resolve(child);
      }
    });
    void exit.then((code) =>
      reject(new Error(`ubn ${args.join(" ")} exited (${code}) before it was ready: ${stderr}`)),
    );
  });
  return { child, exit, up, lines };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ubn-e2e-wallet-"));
  home = join(dir, "ubn-home");
  const started = spawnUntil(["devnet", "--validators", "4", "--home", join(dir, "devnet"), "--json"], (l) =>
    l.startsWith("{"),
  );
  devnet = await started.up;
  devnetExit = started.exit;
}, 120_000);

afterAll(async () => {
  if (devnet !== undefined && devnet.exitCode === null) {
    devnet.kill("SIGINT");
    await devnetExit;
  }
  if (process.env.UBN_KEEP_E2E === undefined) await rm(dir, { recursive: true, force: true });
}, 60_000);

describe("ubn wallet against `ubn devnet`", () => {
  const recipient = addressOf(generateKeyPair().publicKey);
  let sent: { hash: string; height: string; status: string; result: string };

  it("finds the devnet through the pointer file it left in $UBN_HOME", async () => {
    const pointer = JSON.parse(await readFile(join(home, "devnet.json"), "utf8"));
    expect(pointer).toMatchObject({ pid: devnet.pid, faucet: "faucet", password: "devnet" });
    expect(pointer.ws).toBe(pointer.rpc.replace("http", "ws"));
    const status = await runUbn(["wallet", "status", "--json"], env());
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ chainId: "ubn-devnet", rpc: pointer.rpc, peers: "3" });
  });

  it("sends 1.5 ISC from the faucet and prints the hash and the finalized height", async () => {
    const r = await runUbn(
      ["wallet", "send", "--to", recipient, "--amount", "1.5", "--wait", "finalized", "--json"],
      env(),
    );
    expect(r.code, r.stderr).toBe(0);
    sent = JSON.parse(r.stdout);
    expect(sent.hash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(sent).toMatchObject({ status: "finalized", result: "success", to: recipient, amountIsc: "1.5" });
    expect(BigInt(sent.height)).toBeGreaterThan(0n);
  });

  it("shows the recipient's balance as 1.5 ISC", async () => {
    const r = await runUbn(["wallet", "balance", recipient], env());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${recipient}: 1.5 ISC`);
  });

  it("shows the transaction as finalized, with its receipt", async () => {
    const human = await runUbn(["wallet", "tx", sent.hash], env());
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain(`finalized in block ${sent.height}`);
    expect(human.stdout).toContain(recipient);
    expect(human.stdout).toContain("1.5 ISC");
    expect(human.stdout).toContain("result     success");
    const json = JSON.parse((await runUbn(["wallet", "tx", sent.hash, "--json"], env())).stdout);
    expect(json.status).toMatchObject({ status: "finalized", height: sent.height });
    expect(json.receipt).toMatchObject({ status: "success", height: sent.height });
  });

  it("watches the account change over WebSocket and stops on Ctrl-C", async () => {
    const lines: string[] = [];
    const watching = spawnUntil(["wallet", "watch", recipient, "--json"], (l) => l.includes('"account"'), lines);
    const watcher = await watching.up;
    expect(JSON.parse(lines[0] as string)).toMatchObject({ event: "account", balanceIsc: "1.5" });
    const more = await runUbn(["wallet", "send", "--to", recipient, "--amount", "0.5", "--wait", "finalized"], env());
    expect(more.code, more.stderr).toBe(0);
    expect(more.stdout).toMatch(/finalized {2}at height \d+/);
    const deadline = Date.now() + 20_000;
    while (!lines.some((l) => l.includes('"balanceIsc":"2"')) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    const events = lines.map((l) => JSON.parse(l) as { event: string });
    expect(events.some((e) => e.event === "finalized")).toBe(true);
    expect(lines.some((l) => l.includes('"balanceIsc":"2"'))).toBe(true);
    watcher.kill("SIGINT");
    expect(await watching.exit).toBe(0);
  });

  it("removes the pointer when the devnet stops", async () => {
    devnet.kill("SIGINT");
    await devnetExit;
    expect(existsSync(join(home, "devnet.json"))).toBe(false);
  });
});
