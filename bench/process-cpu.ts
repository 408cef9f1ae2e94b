// CPU time a process has used so far (all its threads), from Linux's /proc. The devnet
// benchmark reads it for every node before and after the load: CPU per finalized transaction
// is what the efficiency target is about, and it is far steadier across runs than the knee of
// the latency curve on a shared machine.
import { readdirSync, readFileSync } from "node:fs";

/** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on Linux everywhere in practice). */
const TICKS_PER_SECOND = 100;

/** User + system CPU milliseconds of process `pid`, or null where /proc is not available. */
export function processCpuMs(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis are fixed.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null;
    return ((utime + stime) * 1000) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** The kinds of thread a node process runs, as Linux names them (`comm`). */
export type ThreadKind = "main" | "signature_workers" | "v8" | "libuv" | "other";

/**
 * CPU milliseconds per thread of `pid`, keyed "pid/tid kind", or null where /proc is not
 * available or the process has ended. A thread that ends between the listing and its read is
 * left out, not the whole process: dropping a node from one of two readings would count all of
 * its threads' CPU from zero in the other.
 */
export function threadCpuMs(pid: number | undefined): Map<string, number> | null {
  if (pid === undefined) return null;
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return null;
  }
  const out = new Map<string, number>();
  for (const tid of tids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
    } catch {
      continue;
    }
    const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    if (Number.isFinite(ticks))
      out.set(`${pid}/${tid} ${kindOf(comm, tid === String(pid))}`, (ticks * 1000) / TICKS_PER_SECOND);
  }
  return out;
}

/**
 * CPU milliseconds each kind of thread used between two readings (threadCpuMs of every node,
 * merged), and their total. A thread that ended between the readings is not counted; one
 * that started counts from zero.
 */
export function threadMsByKind(
  before: ReadonlyMap<string, number>,
  after: ReadonlyMap<string, number>,
): { total: number; byKind: Record<ThreadKind, number> } {
  const byKind: Record<ThreadKind, number> = { main: 0, signature_workers: 0, v8: 0, libuv: 0, other: 0 };
  let total = 0;
  for (const [key, ms] of after) {
    const delta = ms - (before.get(key) ?? 0);
    byKind[key.slice(key.indexOf(" ") + 1) as ThreadKind] += delta;
    total += delta;
  }
  return { total, byKind };
}

/** Each kind's share of the CPU the threads used between two readings (see threadMsByKind). */
export function threadShares(
  before: ReadonlyMap<string, number>,
  after: ReadonlyMap<string, number>,
): Record<ThreadKind, number> | null {
  const { total, byKind } = threadMsByKind(before, after);
  if (total <= 0) return null;
  for (const k of Object.keys(byKind) as ThreadKind[]) byKind[k] = Math.round((byKind[k] / total) * 100) / 100;
  return byKind;
}

/**
 * CPU milliseconds per transaction between two readings, in all and by kind of thread, with
 * `txs` transactions finalized between them (null when none were, or nothing was read).
 */
export function threadMsPerTx(
  before: ReadonlyMap<string, number>,
  after: ReadonlyMap<string, number>,
  txs: number,
): { total: number; byKind: Record<ThreadKind, number> } | null {
  const { total, byKind } = threadMsByKind(before, after);
  if (txs <= 0 || total <= 0) return null;
  const per = (ms: number) => Math.round((ms / txs) * 1000) / 1000;
  for (const k of Object.keys(byKind) as ThreadKind[]) byKind[k] = per(byKind[k]);
  return { total: per(total), byKind };
}

// Node names its threads: the main one keeps the process's name (or "MainThread"), worker_threads
// are "WorkerThread", V8's platform threads "V8Worker" and the like, libuv's pool "libuv-worker".
function kindOf(comm: string, isMain: boolean): ThreadKind {
  if (isMain || comm === "MainThread") return "main";
  if (comm === "WorkerThread") return "signature_workers";
  if (comm.startsWith("V8")) return "v8";
  if (comm.startsWith("libuv")) return "libuv";
  return "other";
}
