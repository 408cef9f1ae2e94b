#!/usr/bin/env node
// The `ubn` command line. Runs on Node >= 24 straight from TypeScript (type stripping).
//
// A node keeps many LevelDB reads and file writes in flight; libuv's default pool of 4 threads
// made every one of them wait behind the others. The pool starts on first use, after this line.
process.env.UV_THREADPOOL_SIZE ??= "16";

import { type CommandGroup, runCli } from "./command.ts";

// Each group is loaded only when asked for: `ubn keys list` or `ubn wallet send` then starts
// without loading libp2p, LevelDB, the simulators and the benchmarks (0.2 s instead of about
// 1 s here). Help and an unknown command load them all, to list every command.
const loaders: [string, () => Promise<CommandGroup>][] = [
  ["node", async () => (await import("./commands/node.ts")).nodeCommands],
  ["devnet", async () => (await import("./commands/devnet.ts")).devnetCommands],
  ["keys", async () => (await import("./commands/keys.ts")).keysCommands],
  ["wallet", async () => (await import("./commands/wallet.ts")).walletCommands],
  ["genesis", async () => (await import("./commands/genesis.ts")).genesisCommands],
  ["bench", async () => (await import("./commands/bench.ts")).benchCommands],
  ["sim", async () => (await import("./commands/sim.ts")).simCommands],
];

const argv = process.argv.slice(2);
const asked = loaders.filter(([name]) => name === argv[0]);
const groups = await Promise.all((asked.length > 0 ? asked : loaders).map(([, load]) => load()));
process.exitCode = await runCli(argv, groups, process.env);
