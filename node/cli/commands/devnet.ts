// ubn devnet: a whole local network on this machine: keys, a genesis, and N validator
// processes on loopback; stops them all on Ctrl-C. With --home DIR an existing devnet there is
// started again (its chain continues); without, a fresh one is made in a temporary directory.
// While it runs, $UBN_HOME/devnet.json points `ubn wallet` at it (see wallet/devnet-pointer.ts).
import { existsSync } from "node:fs";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createDevnetLayout, DEVNET_PASSWORD, type DevnetNodeLayout } from "../../devnet/layout.ts";
import { type RunningNode, startNodeProcess, stopNodeProcess } from "../../devnet/processes.ts";
import { type Command, type CommandContext, type CommandGroup, stringOption, UsageError } from "../command.ts";
import { ubnHome } from "../home.ts";
import { removeDevnetPointer, writeDevnetPointer } from "../wallet/devnet-pointer.ts";

function count(ctx: CommandContext, name: string, fallback: number, max: number): number {
  const v = stringOption(ctx, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > max)
    throw new UsageError(`--${name} must be a whole number from 1 to ${max}, got "${v}"`);
  return n;
}

const run: Command = {
  name: "run",
  summary: "run N validators on loopback until Ctrl-C",
  usage: "[--validators N] [--shards S] [--home DIR]",
  options: { validators: { type: "string" }, shards: { type: "string" }, home: { type: "string" } },
  optionHelp: [
    ["--validators N", "validator processes (default 4)"],
    ["--shards S", "shard chains (default 1); with more than one, a beacon chain runs too"],
    ["--home DIR", "keep the devnet here; an existing one is restarted (default: a new temporary directory)"],
  ],
  details:
    "Each node logs to DIR/<node>/node.log. The faucet key (1,000,000,000 ISC) is in DIR/keystore,\n" +
    "password 'devnet'. With --json, one line listing each node's rpc and metrics URL is printed\n" +
    "once every node is up.",
  async run(ctx) {
    const given = stringOption(ctx, "home");
    if (given !== undefined && resolve(given) === resolve(ubnHome(ctx.env)))
      throw new UsageError(
        `--home must not be $UBN_HOME itself (${given}): the devnet's files would mix with your own`,
      );
    const home = given ?? (await mkdtemp(join(tmpdir(), "ubn-devnet-")));
    let nodes: DevnetNodeLayout[];
    let chainId: string;
    if (existsSync(join(home, "devnet.json"))) {
      const saved = JSON.parse(await readFile(join(home, "devnet.json"), "utf8")) as {
        chainId: string;
        nodes: DevnetNodeLayout[];
      };
      nodes = saved.nodes;
      chainId = saved.chainId;
      if (
        stringOption(ctx, "validators") !== undefined &&
        Number(stringOption(ctx, "validators")) !== nodes.filter((n) => n.validator).length
      ) {
        throw new UsageError(
          `the devnet in ${home} has ${nodes.filter((n) => n.validator).length} validators; use another --home for a new one`,
        );
      }
    } else {
      const layout = await createDevnetLayout(home, {
        validators: count(ctx, "validators", 4, 64),
        shards: count(ctx, "shards", 1, 16),
      });
      nodes = layout.nodes;
      chainId = layout.chainId;
    }
    if (!ctx.out.json) ctx.out.note(`starting ${nodes.length} nodes in ${home} ...`);
    const running: RunningNode[] = [];
    let stopping = false;
    const stopAll = async () => {
      stopping = true;
      await Promise.all(running.map((n) => stopNodeProcess(n)));
    };
    const signalled = new Promise<void>((resolve) => {
      const onSignal = () => resolve();
      process.once("SIGINT", onSignal);
      process.once("SIGTERM", onSignal);
    });
    // Each node joins `running` as soon as it is up, so a failure (or Ctrl-C) while others are
    // still starting stops every process that did start; settling all first means none is left
    // half-started behind.
    const outcomes = await Promise.allSettled(
      nodes.map((n) =>
        startNodeProcess(n).then((r) => {
          running.push(r);
          return r;
        }),
      ),
    );
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
    if (failed !== undefined) {
      await stopAll();
      throw failed.reason;
    }
    running.sort((a, b) => nodes.indexOf(a.layout) - nodes.indexOf(b.layout));
    for (const n of running) {
      void n.exited.then((code) => {
        if (!stopping) ctx.out.note(`${n.layout.name} exited (${code}); see ${n.log}`);
      });
    }
    try {
      // The pointer is in place before the "up" line, so a script that waits for that line can
      // run `ubn wallet` at once.
      const first = running[0] as RunningNode;
      const pointer = await writeDevnetPointer(ctx.env, {
        pid: process.pid,
        chainId,
        home,
        rpc: first.rpc,
        ws: first.rpc.replace(/^http/, "ws"),
        keystore: join(home, "keystore"),
        faucet: "faucet",
        password: DEVNET_PASSWORD,
      });
      const summary = {
        chainId,
        home,
        pointer,
        nodes: running.map((n) => ({
          name: n.layout.name,
          rpc: n.rpc,
          metrics: n.metrics,
          pid: n.child.pid,
          log: n.log,
        })),
      };
      if (ctx.out.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
      else {
        ctx.out.text(`devnet ${chainId} is up (${running.length} validators), home ${home}`);
        for (const n of summary.nodes)
          ctx.out.text(`  ${n.name.padEnd(14)} rpc ${n.rpc}  metrics ${n.metrics ?? "-"}  log ${n.log}`);
        ctx.out.text(`faucet key: ${join(home, "keystore")} (password devnet). Ctrl-C stops every node.`);
        ctx.out.text(`'ubn wallet' talks to this devnet while it runs (${pointer}).`);
      }
      await signalled;
      if (!ctx.out.json) ctx.out.note("stopping ...");
    } finally {
      await removeDevnetPointer(ctx.env);
      await stopAll();
    }
  },
};

export const devnetCommands: CommandGroup = {
  name: "devnet",
  summary: "run a local network of validators",
  commands: [run],
  default: "run",
};
