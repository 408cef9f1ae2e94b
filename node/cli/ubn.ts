#!/usr/bin/env node
// The `ubn` command line. Runs on Node >= 24 straight from TypeScript (type stripping).
import { runCli } from "./command.ts";
import { keysCommands } from "./commands/keys.ts";

const groups = [keysCommands];

process.exitCode = await runCli(process.argv.slice(2), groups, process.env);
