// ubn bench profile: where a loaded devnet's CPU goes, counted by Linux perf. V8's own profiler
// samples on a timer, so with four validators on two cores a thread that waits for a core has
// its waiting charged to wherever it stopped; perf samples only threads that are running, and
// sees native code (OpenSSL, the garbage collector, libuv, the kernel) as well. This runs the
// devnet benchmark at one rate with --perf-basic-prof in the validators, records every CPU for
// a while once the load has run for a warm-up, and charges the samples (perf-samples.ts).
import { spawn } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultDevnetBenchOptions, runDevnetBench } from "./devnet.ts";
import { chargeOf, type PerfSample, parsePerfScript, shares, threadKindOf } from "./perf-samples.ts";

export interface ProfileOptions {
  /** Offered load in transfers per second. */
  rate: number;
  /** Seconds of load before recording starts. */
  warmup: number;
  /** Seconds recorded. */
  seconds: number;
  /** Sampling frequency per CPU. */
  frequency: number;
  /** Entries listed for the validators' main threads. */
  top: number;
}

export const defaultProfileOptions: ProfileOptions = { rate: 700, warmup: 12, seconds: 10, frequency: 499, top: 30 };

export interface ProfileResult {
  rate: number;
  tps: number;
  p50_ms: number | null;
  node_cpu_ms_per_tx: number | null;
  samples: number;
  /** Shares of all samples: validators by kind of thread, the benchmark's client, idle, other. */
  by_thread: { name: string; share: number }[];
  /** Shares of the validators' main-thread samples, by what they are charged to. */
  validator_main: { name: string; share: number }[];
}

/** Thrown when perf is missing or may not record (a clear message for the operator). */
export class PerfUnavailableError extends Error {
  override name = "PerfUnavailableError";
}

function run(cmd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }),
    );
  });
}

async function checkPerf(): Promise<void> {
  const version = await run("perf", ["--version"]).catch(() => null);
  if (version === null || version.code !== 0) {
    throw new PerfUnavailableError("perf is not installed (Debian: apt-get install linux-perf)");
  }
  const paranoid = await readFile("/proc/sys/kernel/perf_event_paranoid", "utf8").catch(() => "");
  if (process.getuid?.() !== 0 && Number(paranoid.trim()) > 0) {
    throw new PerfUnavailableError(
      `recording every CPU needs root or kernel.perf_event_paranoid <= 0 (it is ${paranoid.trim()})`,
    );
  }
}

/** The kind of process and thread that took a sample. */
function ownerOf(s: PerfSample, validators: ReadonlySet<number>, client: number): string {
  if (validators.has(s.pid)) return `validators_${threadKindOf(s)}`;
  if (s.pid === client) return "client";
  if (s.pid === 0) return "idle";
  return "other";
}

export async function runPerfProfile(
  opts: ProfileOptions,
  say: (line: string) => void = () => {},
): Promise<ProfileResult> {
  await checkPerf();
  const data = join(tmpdir(), `ubn-profile-${process.pid}.perf`);
  // The validators inherit this; their JIT code is then named in /tmp/perf-PID.map.
  const nodeOptions = process.env.NODE_OPTIONS;
  process.env.NODE_OPTIONS = `${nodeOptions ?? ""} --perf-basic-prof`.trim();
  let validators: number[] = [];
  let recording: Promise<{ code: number | null; stderr: string }> | undefined;
  try {
    const bench = await runDevnetBench({
      ...defaultDevnetBenchOptions,
      rates: [opts.rate],
      duration: opts.warmup + opts.seconds + 3,
      onPhase: say,
      onLoad: (pids) => {
        validators = pids;
        recording = new Promise((resolve) => setTimeout(resolve, opts.warmup * 1000)).then(() => {
          say(`recording every CPU for ${opts.seconds} s ...`);
          return run("perf", [
            "record",
            "-a",
            "-e",
            "cpu-clock",
            "-F",
            String(opts.frequency),
            "-g",
            "-o",
            data,
            "--",
            "sleep",
            String(opts.seconds),
          ]);
        });
      },
    });
    const recorded = await recording;
    if (recorded === undefined || recorded.code !== 0) {
      throw new PerfUnavailableError(`perf record failed: ${recorded?.stderr.trim() ?? "the load never started"}`);
    }
    say("reading the samples ...");
    const script = await run("perf", ["script", "-i", data, "-F", "comm,pid,tid,ip,sym,dso"]);
    const samples = parsePerfScript(script.stdout);
    const validatorSet = new Set(validators);
    const main = samples.filter((s) => validatorSet.has(s.pid) && s.tid === s.pid);
    const step = bench.steps[0];
    return {
      rate: opts.rate,
      tps: step?.tps ?? bench.tps,
      p50_ms: step?.p50_ms ?? bench.p50_ms,
      node_cpu_ms_per_tx: bench.node_cpu_ms_per_tx,
      samples: samples.length,
      by_thread: shares(
        samples.map((s) => ownerOf(s, validatorSet, process.pid)),
        20,
      ),
      validator_main: shares(main.map(chargeOf), opts.top),
    };
  } finally {
    if (nodeOptions === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = nodeOptions;
    await rm(data, { force: true });
    for (const pid of validators) await rm(`/tmp/perf-${pid}.map`, { force: true });
  }
}

export function formatProfile(r: ProfileResult): string {
  const pct = (x: number) => `${(100 * x).toFixed(1).padStart(5)}%`;
  return [
    `${r.tps} tx/s finalized of ${r.rate} offered, p50 ${r.p50_ms} ms, ${r.samples} samples`,
    "",
    "all samples, by process and thread:",
    ...r.by_thread.map((e) => `  ${pct(e.share)}  ${e.name}`),
    "",
    "validators' main threads, by the module of the JavaScript nearest the leaf:",
    ...r.validator_main.map((e) => `  ${pct(e.share)}  ${e.name}`),
  ].join("\n");
}
