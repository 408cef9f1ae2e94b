// One error class for everything wrong with a genesis: the CLI prints `message`, scripts branch
// on `code`, and `issues` says where each problem is (a path into the JSON file) and what it is.
import { CodedError } from "../crypto/index.ts";

export const GenesisErrorCode = {
  /** The file or value breaks one or more rules; `issues` lists all of them. */
  invalid: "GENESIS_INVALID",
  /** A builder was asked to add a validator or account that is already there. */
  duplicate: "GENESIS_DUPLICATE",
  /** An amount typed by a person (CLI flag) is not a valid amount. */
  badAmount: "GENESIS_BAD_AMOUNT",
} as const;
export type GenesisErrorCode = (typeof GenesisErrorCode)[keyof typeof GenesisErrorCode];

export interface GenesisIssue {
  /** Where in the JSON file: `validators[1].publicKey`, `params.fees.perByte`, or `$` for the whole file. */
  path: string;
  message: string;
}

export const ROOT_PATH = "$";

export class GenesisError extends CodedError<GenesisErrorCode> {
  override name = "GenesisError";
  readonly issues: readonly GenesisIssue[];

  constructor(code: GenesisErrorCode, message: string, issues: readonly GenesisIssue[] = []) {
    super(code, message);
    this.issues = issues;
  }
}

export function isGenesisError(e: unknown): e is GenesisError {
  return e instanceof GenesisError;
}

export function formatIssue(issue: GenesisIssue): string {
  return `${issue.path}: ${issue.message}`;
}

/** A GENESIS_INVALID error whose message lists every issue, one per line, in file order. */
export function invalidGenesis(unsorted: readonly GenesisIssue[], source = "genesis"): GenesisError {
  const issues = sortIssues(unsorted);
  const head =
    issues.length === 1 ? `${source} is invalid (1 problem):` : `${source} is invalid (${issues.length} problems):`;
  const message = [head, ...issues.map((i) => `  ${formatIssue(i)}`)].join("\n");
  return new GenesisError(GenesisErrorCode.invalid, message, issues);
}

/** Builds JSON paths the way issues print them: `a.b[2].c`, with odd keys quoted. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === "number") return `${parent === ROOT_PATH ? "" : parent}[${key}]`;
  const part = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : `[${JSON.stringify(truncate(key))}]`;
  if (parent === ROOT_PATH || parent === "") return part;
  return part.startsWith("[") ? `${parent}${part}` : `${parent}.${part}`;
}

function truncate(text: string, max = 40): string {
  return text.length <= max ? text : `${text.slice(0, max)}...`;
}

const SECTION_ORDER = [ROOT_PATH, "chainId", "genesisTime", "shardCount", "validators", "accounts", "params"];

/**
 * Orders issues the way the file reads: by top-level field, then by entry index, keeping the
 * order they were found in within an entry (the sort is stable).
 */
export function sortIssues(issues: readonly GenesisIssue[]): GenesisIssue[] {
  const key = (path: string): [number, number] => {
    const m = /^([A-Za-z_$][A-Za-z0-9_]*)?(?:\[(\d+)\])?/.exec(path);
    const section = SECTION_ORDER.indexOf(m?.[1] ?? "");
    return [section < 0 ? SECTION_ORDER.length : section, m?.[2] === undefined ? -1 : Number(m[2])];
  };
  return issues
    .map((issue, i) => ({ issue, i, k: key(issue.path) }))
    .sort((a, b) => a.k[0] - b.k[0] || a.k[1] - b.k[1] || a.i - b.i)
    .map((x) => x.issue);
}
