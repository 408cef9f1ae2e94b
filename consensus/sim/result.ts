// What a run reports (ScenarioResult), and the small helpers that compute parts of it: the
// FNV-1a trace digest and the sum of the engines' own counters.
import type { FaultPlan } from "./faults.ts";
import type { CommitLog } from "./invariants.ts";
import type { Scenario } from "./scenario.ts";

export interface ScenarioResult {
  seed: number;
  scenario: Scenario;
  /** The fault plan, in one line. */
  faults: string;
  plan: FaultPlan;
  /** Blocks committed: the highest height an honest instance committed. */
  commits: number;
  safetyViolations: string[];
  livenessFailure: string | null;
  /** The engine threw, or the run hit the event cap: a failure of its own kind. */
  errors: string[];
  /** Messages handed to the network, one per recipient (a broadcast to n - 1 peers counts n - 1). */
  messages: number;
  messagesDelivered: number;
  /** Lost, cut by a partition, or addressed to a crashed instance. */
  messagesDropped: number;
  signatures: number;
  /** Signatures the engines asked to verify, one per node per signature. */
  signatureVerifications: number;
  /** Signatures the simulator checked with verifyNative (the shared cache's misses; see signatures.ts). */
  nativeSignatureVerifications: number;
  /**
   * Virtual ms from a proposal to its commit, measured at the proposer: from the moment an
   * honest instance is asked for the payload of round r to the moment that instance commits
   * the block it proposed in round r. Blocks whose proposer never commits them are not measured.
   */
  commitLatencies: number[];
  /** Highest round of a block committed by an honest instance. */
  views: number;
  virtualMs: number;
  gstMs: number;
  livenessWindowMs: number;
  events: number;
  /** FNV-1a over every event taken (time, kind, instance, message bytes): equal runs, equal digests. */
  traceDigest: string;
  logs: CommitLog[];
  /** Sums of the numeric fields of the engines' stats() (instances up at the end). */
  engineStats: Record<string, number>;
  trace?: string[];
}

export const FNV_OFFSET = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;

export function fnvBytes(h: number, bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ (bytes[i] as number), FNV_PRIME);
  return h;
}

export function fnvString(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h;
}

/**
 * Sums the numeric fields of several engines' stats() (engines that expose none give
 * undefined); one level of nesting, e.g. dropped messages by reason, becomes "dropped.REASON".
 */
export function sumEngineStats(all: readonly (Record<string, unknown> | undefined)[]): Record<string, number> {
  const sum: Record<string, number> = {};
  const add = (key: string, v: unknown): void => {
    if (typeof v === "number") sum[key] = (sum[key] ?? 0) + v;
    else if (typeof v === "bigint") sum[key] = (sum[key] ?? 0) + Number(v);
  };
  for (const stats of all) {
    for (const [k, v] of Object.entries(stats ?? {})) {
      if (v !== null && typeof v === "object") for (const [k2, v2] of Object.entries(v)) add(`${k}.${k2}`, v2);
      else add(k, v);
    }
  }
  return sum;
}
