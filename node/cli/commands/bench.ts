// ubn bench crypto: how many signatures this machine verifies per second, by each verifier.
// ubn bench vm: a block of signed transfers through the UBN VM and through @ethereumjs/vm.
// ubn bench consensus: the consensus engine in the simulator, latency and cost by committee size.
// ubn bench net: CPU per gossip message through the libp2p stack, by Yamux window-update policy.
import { defaultConsensusBenchOptions, formatConsensusBench, runConsensusBench } from "../../../bench/consensus.ts";
import { formatCryptoBench, runCryptoBench } from "../../../bench/crypto.ts";
import { defaultDevnetBenchOptions, runDevnetBench } from "../../../bench/devnet.ts";
import { formatDevnetBench } from "../../../bench/devnet-result.ts";
import { defaultNetBenchOptions, formatNetBench, runNetBench } from "../../../bench/net.ts";
import { defaultProfileOptions, formatProfile, runPerfProfile } from "../../../bench/perf-profile.ts";
import { defaultVmBenchOptions, formatVmBench, runVmBench } from "../../../bench/vm.ts";
import { type Command, type CommandGroup, stringOption, UsageError } from "../command.ts";

const DEFAULT_SECONDS = 3;

function secondsOption(value: string | undefined): number {
  if (value === undefined) return DEFAULT_SECONDS;
  const seconds = Number(value);
  if (value.trim() === "" || !Number.isFinite(seconds) || seconds <= 0 || seconds > 600) {
    throw new UsageError(`--seconds must be a number of seconds between 0 and 600, got "${value}"`);
  }
  return seconds;
}

const cryptoBench: Command = {
  name: "crypto",
  summary: "measure signature verification throughput",
  usage: "[--seconds N] [--json]",
  options: { seconds: { type: "string" } },
  optionHelp: [["--seconds N", `time spent on each of the eight figures (default ${DEFAULT_SECONDS})`]],
  details: [
    "Measures verifyNoble, noble's own verify, verifyNative (libsodium, or OpenSSL where it cannot",
    "load), OpenSSL and libsodium each on their own, and the batch verifier on all cores, plus",
    "signing and SHA-256, over a pool of signatures from 1024 signers. A run takes eight times",
    "--seconds plus about 10 s of setup. Other load on the machine lowers the figures.",
  ].join("\n"),
  async run(ctx) {
    const seconds = secondsOption(stringOption(ctx, "seconds"));
    ctx.out.note(`Measuring eight figures, about ${seconds} s each...`);
    const result = await runCryptoBench({
      seconds,
      onMeasured: (figure, value, rme) => ctx.out.note(`  ${figure}: ${Math.round(value)} ±${rme.toFixed(1)}%`),
    });
    ctx.out.result(result, formatCryptoBench(result));
  },
};

function countOption(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${value}"`);
  }
  return n;
}

const vmBench: Command = {
  name: "vm",
  summary: "execute a block of signed transfers: UBN VM vs @ethereumjs/vm",
  usage: "[--txs N] [--repeats N] [--json]",
  options: { txs: { type: "string" }, repeats: { type: "string" } },
  optionHelp: [
    ["--txs N", `transfers in the block, between as many accounts (default ${defaultVmBenchOptions.txs})`],
    ["--repeats N", `timed runs per side, median reported (default ${defaultVmBenchOptions.repeats})`],
  ],
  details: [
    "Executes one block of N signed transfers (tx i from account i to account i+1) with the UBN VM",
    "(executeBlock with signatures on all cores, state root, commit) and with @ethereumjs/vm (block",
    "decoding and runBlock: sender recovery, execution, state root), and measures single-thread",
    "verifyNative for scale. Keys and signatures are made before timing; each side runs the block once",
    "untimed first. The ethereumjs side is slow: at 10,000 transfers, about 15 s to sign and 45 s per",
    "run on 2 cores, so the default run takes about 2 minutes. See docs/benchmarks.md.",
  ].join("\n"),
  async run(ctx) {
    const txs = countOption("txs", stringOption(ctx, "txs"), defaultVmBenchOptions.txs, 2, 1_000_000);
    const repeats = countOption("repeats", stringOption(ctx, "repeats"), defaultVmBenchOptions.repeats, 1, 100);
    const result = await runVmBench({ txs, repeats, onPhase: (phase) => ctx.out.note(phase) });
    ctx.out.result(result, formatVmBench(result));
  },
};

function committeeSizes(value: string | undefined): number[] {
  if (value === undefined) return defaultConsensusBenchOptions.validators;
  const sizes = value.split(",").map((part) => part.trim());
  if (sizes.some((part) => !/^\d+$/.test(part) || Number(part) < 1 || Number(part) > 1024)) {
    throw new UsageError(`--validators must be a comma-separated list of sizes from 1 to 1024, got "${value}"`);
  }
  return sizes.map(Number);
}

const consensusBench: Command = {
  name: "consensus",
  summary: "consensus engine in the simulator: latency, throughput and cost by committee size",
  usage: "[--validators 4,16,64,128] [--latency-ms 50] [--views V] [--out FILE.svg] [--json]",
  options: {
    validators: { type: "string" },
    "latency-ms": { type: "string" },
    views: { type: "string" },
    seed: { type: "string" },
    out: { type: "string" },
  },
  optionHelp: [
    [
      "--validators LIST",
      `committee sizes, comma-separated (default ${defaultConsensusBenchOptions.validators.join(",")})`,
    ],
    ["--latency-ms L", `one-way network latency (default ${defaultConsensusBenchOptions.latencyMs})`],
    ["--views V", "views per committee (default 60, fewer above 128 validators)"],
    ["--seed N", `simulator seed (default ${defaultConsensusBenchOptions.seed})`],
    ["--out FILE", `SVG chart of latency and throughput (default ${defaultConsensusBenchOptions.out})`],
  ],
  details: [
    "Runs the production engine in the deterministic simulator without faults, one committee size",
    "after another, and reports per size: commit latency (virtual ms from proposal to commit, and in",
    "one-way network delays), views and blocks per second of virtual time, simulated views per",
    "wall-clock second (the simulator's own speed), and messages and signature verifications per",
    "committed block. The default sizes take about 10 s. Virtual time counts network delays only,",
    "not CPU time: see the verification counts for what a larger committee costs. See docs/simulator.md.",
  ].join("\n"),
  async run(ctx) {
    const validators = committeeSizes(stringOption(ctx, "validators"));
    const latencyMs = countOption(
      "latency-ms",
      stringOption(ctx, "latency-ms"),
      defaultConsensusBenchOptions.latencyMs,
      1,
      60_000,
    );
    const viewsText = stringOption(ctx, "views");
    const views = viewsText === undefined ? undefined : countOption("views", viewsText, 0, 1, 100_000);
    const seed = countOption(
      "seed",
      stringOption(ctx, "seed"),
      defaultConsensusBenchOptions.seed,
      0,
      Number.MAX_SAFE_INTEGER,
    );
    const out = stringOption(ctx, "out") ?? defaultConsensusBenchOptions.out;
    const result = runConsensusBench({
      validators,
      latencyMs,
      seed,
      out,
      ...(views === undefined ? {} : { views }),
      onPoint: (p) => ctx.out.note(`  ${p.validators} validators: ${p.views} views in ${p.wall_s} s`),
    });
    ctx.out.result(result, formatConsensusBench(result));
  },
};

const devnetBench: Command = {
  name: "devnet",
  summary: "a local network under rising open-loop load: finalized tps and latency",
  usage: "[--validators N] [--shards S] [--cross-shard F] [--duration SECONDS] [--json]",
  options: {
    validators: { type: "string" },
    shards: { type: "string" },
    "cross-shard": { type: "string" },
    duration: { type: "string" },
    rates: { type: "string" },
  },
  optionHelp: [
    ["--validators N", `validator processes (default ${defaultDevnetBenchOptions.validators})`],
    ["--shards S", "shard chains (default 1); with more, a beacon chain runs too"],
    ["--cross-shard F", "fraction of transfers to another shard, 0 to 1 (default 0)"],
    ["--rates R1,R2,...", "offered rates in tx/s, one step each (default: a rising search)"],
    [
      "--duration SECONDS",
      `seconds of load at most, in steps of ${defaultDevnetBenchOptions.stepSeconds} s (default ${defaultDevnetBenchOptions.duration})`,
    ],
  ],
  details: [
    "Measures single-core native ed25519 verification, starts a devnet, and sends signed transfers",
    "over JSON-RPC: 5 s at 6% of the ceiling (cores x verifies/s / validators) to warm up, then",
    "from 10% of it, 50% more every 5 s (15% once the median passes 500 ms) until a step falls",
    "behind (most samples take over 1 s), then bisecting towards that edge, timing one in ten from",
    "submission to finality. tps is the best step with a median latency within 1 s.",
    "See docs/benchmarks.md.",
  ].join("\n"),
  async run(ctx) {
    const validators = countOption(
      "validators",
      stringOption(ctx, "validators"),
      defaultDevnetBenchOptions.validators,
      1,
      64,
    );
    const duration = countOption(
      "duration",
      stringOption(ctx, "duration"),
      defaultDevnetBenchOptions.duration,
      5,
      3600,
    );
    const shards = countOption("shards", stringOption(ctx, "shards"), 1, 1, 16);
    const crossText = stringOption(ctx, "cross-shard");
    const crossShard = crossText === undefined ? 0 : Number(crossText);
    if (crossText !== undefined && (crossText.trim() === "" || !(crossShard >= 0 && crossShard <= 1)))
      throw new UsageError(`--cross-shard must be a fraction from 0 to 1, got "${crossText}"`);
    if (crossShard > 0 && shards < 2) throw new UsageError("--cross-shard needs --shards 2 or more");
    const ratesText = stringOption(ctx, "rates");
    const rates = ratesText?.split(",").map((r) => countOption("rates", r.trim(), 1, 1, 1_000_000));
    const result = await runDevnetBench({
      ...defaultDevnetBenchOptions,
      validators,
      shards,
      crossShard,
      duration,
      ...(rates === undefined ? {} : { rates }),
      onPhase: (p) => ctx.out.note(p),
    });
    if (ctx.out.json) {
      const { tps, p50_ms, p99_ms, ceiling_tps, efficiency, ...rest } = result;
      process.stdout.write(`${JSON.stringify({ tps, p50_ms, p99_ms, ceiling_tps, efficiency, ...rest })}\n`);
    } else ctx.out.text(formatDevnetBench(result));
  },
};

const netBench: Command = {
  name: "net",
  summary: "CPU per gossip message between two local nodes, by Yamux window-update policy",
  usage: "[--messages N] [--size BYTES] [--json]",
  options: { messages: { type: "string" }, size: { type: "string" } },
  optionHelp: [
    ["--messages N", `messages per round (default ${defaultNetBenchOptions.messages})`],
    ["--size BYTES", `bytes per message (default ${defaultNetBenchOptions.size})`],
  ],
  details: [
    "Two nodes in this process on 127.0.0.1; one gossips distinct messages to the other, in",
    "alternating rounds with a Yamux window update per data frame (the library's) and per half",
    "window (the node's). Reports the median CPU of both ends per message. See docs/benchmarks.md.",
  ].join("\n"),
  async run(ctx) {
    const messages = countOption(
      "messages",
      stringOption(ctx, "messages"),
      defaultNetBenchOptions.messages,
      100,
      1_000_000,
    );
    const size = countOption("size", stringOption(ctx, "size"), defaultNetBenchOptions.size, 1, 1_000_000);
    const result = await runNetBench({ ...defaultNetBenchOptions, messages, size }, (line) =>
      ctx.out.note(`  ${line}`),
    );
    ctx.out.result(result, formatNetBench(result));
  },
};

const profileBench: Command = {
  name: "profile",
  summary: "where a loaded devnet's CPU goes, sampled by Linux perf",
  usage: "[--rate TPS] [--seconds S] [--json]",
  options: { rate: { type: "string" }, seconds: { type: "string" } },
  optionHelp: [
    ["--rate TPS", `transfers offered per second (default ${defaultProfileOptions.rate})`],
    [
      "--seconds S",
      `seconds recorded, after ${defaultProfileOptions.warmup} s of load (default ${defaultProfileOptions.seconds})`,
    ],
  ],
  details: [
    "Runs the devnet benchmark at one rate with --perf-basic-prof in the validators and records",
    "every CPU with `perf record -e cpu-clock`, which samples only running threads (V8's profiler",
    "misplaces the time a thread waits for a core). Prints the shares of the samples by process and",
    "thread, and of the validators' main threads by module. Needs perf (Debian: linux-perf) and root",
    "or kernel.perf_event_paranoid <= 0. See docs/benchmarks.md.",
  ].join("\n"),
  async run(ctx) {
    const rate = countOption("rate", stringOption(ctx, "rate"), defaultProfileOptions.rate, 1, 1_000_000);
    const seconds = countOption("seconds", stringOption(ctx, "seconds"), defaultProfileOptions.seconds, 1, 600);
    const result = await runPerfProfile({ ...defaultProfileOptions, rate, seconds }, (p) => ctx.out.note(p));
    ctx.out.result(result, formatProfile(result));
  },
};

export const benchCommands: CommandGroup = {
  name: "bench",
  summary: "measure this machine's throughput",
  commands: [cryptoBench, vmBench, consensusBench, devnetBench, netBench, profileBench],
};
