// Human output by default, one JSON document on stdout with --json. Errors go to stderr in
// both modes, as text or as {"error":{"code","message"}}, so scripts can branch on the code.
export class Output {
  readonly json: boolean;

  constructor(json: boolean) {
    this.json = json;
  }

  /** Prints a result: `human` is shown to people, `data` to machines. */
  result(data: unknown, human: string): void {
    if (this.json) process.stdout.write(`${JSON.stringify(data, jsonReplacer, 2)}\n`);
    else process.stdout.write(`${human}\n`);
  }

  text(line: string): void {
    process.stdout.write(`${line}\n`);
  }

  /** Progress and hints for people; never mixed into --json stdout. */
  note(line: string): void {
    process.stderr.write(`${line}\n`);
  }

  usageError(message: string): number {
    this.error("USAGE", message);
    return 2;
  }

  failure(e: unknown): number {
    const err = e instanceof Error ? e : new Error(String(e));
    const maybeCode = (err as unknown as { code?: unknown }).code;
    const code = typeof maybeCode === "string" ? maybeCode : "ERROR";
    // Errors that list several problems (a genesis file) keep the list for machines.
    const issues = (err as unknown as { issues?: unknown }).issues;
    this.error(code, err.message, Array.isArray(issues) ? issues : undefined);
    if (process.env.UBN_DEBUG) process.stderr.write(`${err.stack}\n`);
    // Some failures have their own exit code (a locked database, a corrupt one), for scripts.
    const exitCode = (err as unknown as { exitCode?: unknown }).exitCode;
    return typeof exitCode === "number" ? exitCode : 1;
  }

  private error(code: string, message: string, issues?: unknown[]): void {
    if (this.json) process.stderr.write(`${JSON.stringify({ error: { code, message, issues } })}\n`);
    else process.stderr.write(`error: ${message}\n`);
  }
}

/** bigint amounts print as decimal strings so JSON consumers never lose precision. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}
