// ubn node start: run a validator (or a full node) from a home directory until SIGINT/SIGTERM.
//
// Exit codes: 0 stopped by a signal; 1 any other failure; 2 usage; 3 the database is held by
// another process (a second node on the same home); 4 the database is damaged or belongs to
// another chain. In cases 3 and 4 nothing was written.

import { CodedError } from "../../../crypto/index.ts";
import { UbnNode } from "../../node.ts";
import { isStorageError, StorageErrorCode } from "../../storage/level-kv.ts";
import { type Command, type CommandGroup, requiredOption, stringOption } from "../command.ts";
import { readPassword } from "../password.ts";

export const EXIT_DB_LOCKED = 3;
export const EXIT_DB_CORRUPT = 4;

const start: Command = {
  name: "start",
  summary: "run a node from a home directory (genesis.json, config.json, keystore/)",
  usage: "--home DIR [--password-file FILE]",
  options: { home: { type: "string" }, "password-file": { type: "string" } },
  optionHelp: [
    ["--home DIR", "the node's directory: genesis.json, config.json, keystore/, data/"],
    ["--password-file FILE", "keystore password (else $UBN_PASSWORD, else a prompt)"],
  ],
  details:
    "Logs are JSON lines on stdout. Stops cleanly on SIGINT or SIGTERM.\n" +
    "Exit codes: 3 the database is in use by another process, 4 it is damaged or of another chain.",
  async run(ctx) {
    const home = requiredOption(ctx, "home");
    // Handlers first: a signal while the node starts (a first fast sync can take a while) stops
    // it once it is up, instead of killing the process at an arbitrary point.
    let node: UbnNode | undefined;
    let stopRequested = false;
    const stop = () => {
      stopRequested = true;
      if (node !== undefined) void node.stop();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    try {
      node = await UbnNode.start({
        home,
        password: () =>
          readPassword({ passwordFile: stringOption(ctx, "password-file"), env: ctx.env, confirm: false }),
      });
    } catch (e) {
      throw withExitCode(e);
    }
    const done = node.done();
    if (stopRequested) void node.stop();
    const outcome = await done;
    if (outcome !== null) {
      await node.stop();
      throw outcome;
    }
  },
};

function withExitCode(e: unknown): unknown {
  if (isStorageError(e)) {
    if (e.code === StorageErrorCode.locked) return Object.assign(e, { exitCode: EXIT_DB_LOCKED });
    if (e.code === StorageErrorCode.corrupt) return Object.assign(e, { exitCode: EXIT_DB_CORRUPT });
  }
  if (e instanceof CodedError && e.code === "CHAIN_WRONG_DATABASE") {
    return Object.assign(e, { exitCode: EXIT_DB_CORRUPT });
  }
  return e;
}

export const nodeCommands: CommandGroup = {
  name: "node",
  summary: "run a UBN node",
  commands: [start],
};
