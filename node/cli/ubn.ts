#!/usr/bin/env node
// The `ubn` command line. Runs on Node >= 24 straight from TypeScript (type stripping).
//
// A node keeps many LevelDB reads and file writes in flight; libuv's default pool of 4 threads
// made every one of them wait behind the others. The pool starts on first use, after this line.
process.env.UV_THREADPOOL_SIZE ??= "16";

import { runCli } from "./command.ts";
import { benchCommands } from "./commands/bench.ts";
import { devnetCommands } from "./commands/devnet.ts";
import { genesisCommands } from "./commands/genesis.ts";
import { keysCommands } from "./commands/keys.ts";
import { nodeCommands } from "./commands/node.ts";
import { simCommands } from "./commands/sim.ts";
import { walletCommands } from "./commands/wallet.ts";

const groups = [
  nodeCommands,
  devnetCommands,
  keysCommands,
  walletCommands,
  genesisCommands,
  benchCommands,
  simCommands,
];

process.exitCode = await runCli(process.argv.slice(2), groups, process.env);
