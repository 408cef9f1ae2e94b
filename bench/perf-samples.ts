// Reading `perf script -F comm,pid,tid,ip,sym,dso` output: one stack per sample, leaf first,
// JIT-compiled JavaScript named through the /tmp/perf-PID.map files that `--perf-basic-prof`
// makes Node write. A sample is charged to the module of the JavaScript function nearest its
// leaf (ours by file, a package by name, Node's by its `node:` id), to garbage collection when
// the collector is anywhere on the stack, and to the kernel or native code when no JavaScript
// frame is. Callers above an async function resumed from a microtask are not reliable in these
// stacks, so nothing here looks further up than the first JavaScript frame.

export interface PerfFrame {
  sym: string;
  dso: string;
}

export interface PerfSample {
  comm: string;
  pid: number;
  tid: number;
  /** Leaf first. */
  frames: PerfFrame[];
}

const HEADER = /^(\S.*?)\s+(\d+)\/(\d+)\s*$/;
const FRAME = /^\s+[0-9a-f]+\s+(.*?)\s+\((.*)\)\s*$/;

/** Parses perf script's text; lines it does not recognise are skipped. */
export function parsePerfScript(text: string): PerfSample[] {
  const out: PerfSample[] = [];
  let current: PerfSample | null = null;
  for (const line of text.split("\n")) {
    if (line.trim() === "") {
      if (current !== null) out.push(current);
      current = null;
      continue;
    }
    const header = line.startsWith(" ") || line.startsWith("\t") ? null : HEADER.exec(line);
    if (header !== null) {
      if (current !== null) out.push(current);
      current = { comm: header[1] as string, pid: Number(header[2]), tid: Number(header[3]), frames: [] };
      continue;
    }
    const frame = FRAME.exec(line);
    if (frame !== null && current !== null) current.frames.push({ sym: frame[1] as string, dso: frame[2] as string });
  }
  if (current !== null) out.push(current);
  return out;
}

const OUR_FILE =
  /file:\/\/\/\S*?\/(?!node_modules\/)((?:bench|consensus|crypto|genesis|node|rpc|shard|test|vm)\/[^\s:]+)/;
const PACKAGE = /\/node_modules\/((?:@[^/\s]+\/)?[^/\s]+)\//;
const NODE_INTERNAL = /\s(node:[^\s:]+)/;
const GC = /Heap::|Scavenger|MarkCompact|MinorMS|ConcurrentMarking|Sweeper/;

/** The module a JavaScript frame belongs to, or null for a native or kernel frame. */
export function moduleOf(sym: string): string | null {
  if (!sym.startsWith("JS:")) return null;
  const pkg = PACKAGE.exec(sym);
  if (pkg !== null) return `npm:${pkg[1]}`;
  const ours = OUR_FILE.exec(sym);
  if (ours !== null) return `ubn:${ours[1]}`;
  const internal = NODE_INTERNAL.exec(sym);
  if (internal !== null) return internal[1] as string;
  return "js:other";
}

/** What a sample is charged to (see the file's comment). */
export function chargeOf(sample: PerfSample): string {
  const { frames } = sample;
  if (frames.some((f) => GC.test(f.sym))) return "gc";
  for (const f of frames) {
    const m = moduleOf(f.sym);
    if (m !== null) return m;
  }
  const leaf = frames[0];
  if (leaf === undefined) return "unknown";
  if (leaf.dso.includes("kernel")) return "kernel";
  if (frames.some((f) => f.sym.startsWith("uv_") || f.sym.startsWith("uv__"))) return "libuv";
  return `native:${leaf.dso.split("/").pop()}`;
}

/** What kind of thread of a Node process took a sample, from the thread's name. */
export function threadKindOf(sample: PerfSample): string {
  if (sample.tid === sample.pid) return "main";
  if (sample.comm === "WorkerThread") return "workers";
  if (sample.comm.startsWith("V8")) return "v8";
  if (sample.comm.startsWith("libuv")) return "libuv";
  return "other";
}

/** Shares of `keys` in descending order, the first `top`, rounded to 0.1%. */
export function shares(keys: readonly string[], top: number): { name: string; share: number }[] {
  const counts = new Map<string, number>();
  for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, top)
    .map(([name, n]) => ({ name, share: Math.round((1000 * n) / Math.max(1, keys.length)) / 1000 }));
}
