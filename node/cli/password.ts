// Where a keystore password comes from, in order: --password-file, the UBN_PASSWORD
// environment variable, then an interactive prompt with echo off. Never a command-line value,
// which would land in shell history and in `ps` output.
import { readFile } from "node:fs/promises";
import { UsageError } from "./command.ts";

export interface PasswordSource {
  passwordFile?: string | undefined;
  env: NodeJS.ProcessEnv;
  /** Ask twice when creating a key, to catch a typo that would lock the key away. */
  confirm: boolean;
}

export async function readPassword(src: PasswordSource): Promise<string> {
  if (src.passwordFile !== undefined) {
    const text = await readFile(src.passwordFile, "utf8");
    // Editors add a final newline; a password never ends in one.
    const password = text.replace(/\r?\n$/, "");
    if (password.length === 0) throw new UsageError(`password file ${src.passwordFile} is empty`);
    return password;
  }
  const fromEnv = src.env.UBN_PASSWORD;
  if (fromEnv !== undefined && fromEnv.length > 0) return fromEnv;
  if (!process.stdin.isTTY) {
    throw new UsageError("no password: pass --password-file FILE or set UBN_PASSWORD (no terminal to prompt on)");
  }
  const first = await prompt("Password: ");
  if (first.length === 0) throw new UsageError("empty password");
  if (src.confirm && (await prompt("Repeat password: ")) !== first) throw new UsageError("passwords do not match");
  return first;
}

/** Reads one line from the terminal without echoing it. */
function prompt(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding("utf8");
    let value = "";
    const done = (result: string | Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off("data", onData);
      process.stderr.write("\n");
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n") return done(value);
        if (ch === "\u0003") return done(new UsageError("cancelled"));
        if (ch === "\u007f" || ch === "\b") value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on("data", onData);
  });
}
