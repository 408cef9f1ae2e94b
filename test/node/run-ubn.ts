// Runs the real `ubn` command in a child process, the way an operator would.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

export const UBN = fileURLToPath(new URL("../../node/cli/ubn.ts", import.meta.url));

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runUbn(args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [UBN, ...args],
      { env: { ...process.env, UBN_PASSWORD: "", ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
