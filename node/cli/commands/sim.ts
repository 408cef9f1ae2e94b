// ubn sim: run the consensus engine in the deterministic simulator over a range of seeds, check
// agreement, chain validity and liveness on every run, and print the command that replays each
// failing seed. See docs/simulator.md.
import { availableParallelism } from "node:os";
import { createEngine } from "../../../consensus/index.ts";
import {
  type BatchSummary,
  describeMessage,
  digestRun,
  FAULT_KINDS,
  isFaultKind,
  parseSeeds,
  type RunDigest,
  runScenario,
  runSeeds,
  runSeedsInPool,
  SCENARIO_DEFAULTS,
  type ScenarioInput,
  summarize,
} from "../../../consensus/sim/index.ts";
import { CodedError } from "../../../crypto/index.ts";
import { runShardScenariosInPool } from "../../../shard/sim/pool.ts";
import {
  runShardScenario,
  SHARD_SCENARIO_DEFAULTS,
  type ShardRunResult,
  type ShardScenario,
} from "../../../shard/sim/run.ts";
import { summarizeShardRuns } from "../../../shard/sim/summary.ts";
import { type Command, type CommandContext, type CommandGroup, stringOption, UsageError } from "../command.ts";

class SimulationFailed extends CodedError<"SIM_FAILED"> {
  override name = "SimulationFailed";
}

function intOption(ctx: CommandContext, name: string, min: number, max: number): number | undefined {
  const value = stringOption(ctx, name);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${value}"`);
  }
  return n;
}

function scenarioOptions(ctx: CommandContext): Omit<ScenarioInput, "seed"> {
  const faults = stringOption(ctx, "faults") ?? SCENARIO_DEFAULTS.faults;
  if (!isFaultKind(faults)) throw new UsageError(`--faults must be one of ${FAULT_KINDS.join("|")}, got "${faults}"`);
  const validators = intOption(ctx, "validators", 1, 1024) ?? SCENARIO_DEFAULTS.validators;
  if (faults === "twins" && validators < 4) {
    throw new UsageError(`--faults twins needs at least 4 validators (one faulty identity), got ${validators}`);
  }
  const s: Omit<ScenarioInput, "seed"> = { validators, faults };
  const set = <K extends keyof ScenarioInput>(key: K, value: ScenarioInput[K] | undefined): void => {
    if (value !== undefined) (s as ScenarioInput)[key] = value;
  };
  set("views", intOption(ctx, "views", 1, 1_000_000));
  set("latencyMs", intOption(ctx, "latency-ms", 1, 60_000));
  set("jitterMs", intOption(ctx, "jitter-ms", 0, 60_000));
  set("baseTimeoutMs", intOption(ctx, "base-timeout-ms", 1, 3_600_000));
  set("maxTimeoutMs", intOption(ctx, "max-timeout-ms", 1, 3_600_000));
  const spread = stringOption(ctx, "link-spread");
  if (spread !== undefined) {
    const x = Number(spread);
    if (spread.trim() === "" || !(x >= 0 && x < 1))
      throw new UsageError(`--link-spread must be in [0, 1), got "${spread}"`);
    s.linkSpread = x;
  }
  const rule = stringOption(ctx, "break-rule");
  if (rule !== undefined) {
    if (rule !== "skip-vote-safety-check") {
      throw new UsageError(`--break-rule must be skip-vote-safety-check, got "${rule}"`);
    }
    s.breakRules = { skipVoteSafetyCheck: true };
  }
  return s;
}

function describeScenario(s: Omit<ScenarioInput, "seed">, seeds: string): string {
  return (
    `${s.validators} validators, faults ${s.faults}, ${s.views ?? SCENARIO_DEFAULTS.views} views, ` +
    `latency ${s.latencyMs ?? SCENARIO_DEFAULTS.latencyMs} ms, seeds ${seeds}` +
    (s.breakRules?.skipVoteSafetyCheck ? ", BROKEN vote safety check (test only)" : "")
  );
}

function formatSummary(sum: BatchSummary, header: string, wallMs: number, workers: number): string {
  const lines = [
    `ubn sim: ${header}`,
    `  runs               ${sum.runs} in ${(wallMs / 1000).toFixed(1)} s wall (${workers} worker${workers === 1 ? "" : "s"})`,
    `  safety violations  ${sum.safety_violations} run(s)`,
    `  liveness failures  ${sum.liveness_failures} run(s)`,
    `  engine errors      ${sum.errors} run(s)`,
    `  commits            ${sum.commits} blocks (${(sum.commits / Math.max(1, sum.runs)).toFixed(1)} per run)`,
    `  commit latency     median ${sum.median_commit_latency_ms ?? "-"} ms, p90 ${sum.p90_commit_latency_ms ?? "-"} ms (virtual time, proposal to commit at the proposer)`,
    `  messages           ${sum.messages}, signature verifications ${sum.signature_verifications} (per node)`,
  ];
  if (sum.failures.length > 0) {
    lines.push("", "Failing seeds:");
    for (const f of sum.failures) {
      lines.push(`  seed ${f.seed} ${f.kind}: ${f.message}`, `    faults: ${f.faults}`, `    replay: ${f.replay}`);
    }
  } else {
    lines.push("", "All runs kept agreement, chain validity and liveness.");
  }
  return lines.join("\n");
}

const run: Command = {
  name: "run",
  summary: "run the consensus engine in the deterministic simulator over many seeds",
  usage: "[--validators N] [--seeds A..B] [--faults KIND] [--views V] [--json]",
  options: {
    validators: { type: "string" },
    seeds: { type: "string" },
    faults: { type: "string" },
    views: { type: "string" },
    "latency-ms": { type: "string" },
    "jitter-ms": { type: "string" },
    "link-spread": { type: "string" },
    "base-timeout-ms": { type: "string" },
    "max-timeout-ms": { type: "string" },
    "break-rule": { type: "string" },
    workers: { type: "string" },
    trace: { type: "boolean" },
  },
  optionHelp: [
    ["--validators N", `committee size, equal stake (default ${SCENARIO_DEFAULTS.validators})`],
    ["--seeds A..B", "seeds to run, inclusive, or one seed A (default 1)"],
    ["--faults KIND", `${FAULT_KINDS.join("|")} (default ${SCENARIO_DEFAULTS.faults})`],
    ["--views V", `run until an honest node commits a block of round V (default ${SCENARIO_DEFAULTS.views})`],
    ["--latency-ms L", `mean one-way link delay (default ${SCENARIO_DEFAULTS.latencyMs})`],
    ["--jitter-ms J", "per-message extra delay, uniform in [0, J] (default L/2)"],
    ["--link-spread X", `link base delays spread over L*(1±X) (default ${SCENARIO_DEFAULTS.linkSpread})`],
    ["--base-timeout-ms T", "first round timeout (default 4 times the largest message delay)"],
    ["--max-timeout-ms T", "largest round timeout (default 8 times the base)"],
    ["--workers N", "threads running seeds in parallel (default: the number of cores)"],
    ["--trace", "with one seed: print every event of the run"],
    ["--break-rule RULE", "test only: skip-vote-safety-check, to watch the checker catch it"],
  ],
  details: [
    "Every run is a pure function of its options and seed: the clock is virtual, randomness comes",
    "from the seed. Each run is checked for agreement (no two honest nodes commit different blocks",
    "at one height), chain validity and liveness after the network stabilises. The exit code is 1",
    "when any run fails; each failing seed is listed with the command that replays it.",
    "Fault kinds: crash (nodes crash, most restart from their persisted safety state), partition",
    "(the network splits, then heals), twins (a validator runs twice with one key: equivocation, to",
    "everyone or across partitions), mixed (a seeded mix of these, plus message loss). See docs/simulator.md.",
  ].join("\n"),
  async run(ctx) {
    const scenario = scenarioOptions(ctx);
    const seedsText = stringOption(ctx, "seeds") ?? "1";
    let seeds: ReturnType<typeof parseSeeds>;
    try {
      seeds = parseSeeds(seedsText);
    } catch (e) {
      throw new UsageError(`--seeds: ${(e as Error).message}`);
    }
    const count = seeds.to - seeds.from + 1;
    const header = describeScenario(scenario, seedsText);
    const started = performance.now();
    if (ctx.values.trace) {
      if (count !== 1) throw new UsageError("--trace needs a single seed (--seeds A)");
      const r = runScenario({ ...scenario, seed: seeds.from }, createEngine, { trace: true, describeMessage });
      const { logs: _logs, ...rest } = r;
      ctx.out.result(
        rest,
        [
          ...(r.trace ?? []),
          "",
          `faults: ${r.faults} (GST ${r.gstMs} ms)`,
          formatSummary(summarize([digestRun(r)], scenario), header, performance.now() - started, 1),
        ].join("\n"),
      );
      if (r.safetyViolations.length > 0 || r.livenessFailure !== null || r.errors.length > 0) {
        throw new SimulationFailed("SIM_FAILED", `seed ${r.seed} failed; see above`);
      }
      return;
    }
    const workers = Math.min(count, intOption(ctx, "workers", 1, 64) ?? availableParallelism());
    let done = 0;
    const progress = (_d: RunDigest): void => {
      done++;
      if (!ctx.out.json && count >= 50 && done % Math.ceil(count / 10) === 0) ctx.out.note(`  ${done}/${count} runs`);
    };
    if (!ctx.out.json) ctx.out.note(`Simulating ${count} run(s): ${header}`);
    const digests =
      workers === 1
        ? runSeeds({ scenario, seeds, createEngine, onRun: progress })
        : await runSeedsInPool(scenario, seeds, { workers, onRun: progress });
    const wallMs = performance.now() - started;
    const summary = summarize(digests, scenario);
    ctx.out.result(
      { ...summary, wall_ms: Math.round(wallMs), workers },
      formatSummary(summary, header, wallMs, workers),
    );
    const failed = digests.filter(
      (d) => d.safetyViolations.length > 0 || d.livenessFailure !== null || d.errors.length > 0,
    );
    if (failed.length > 0) {
      throw new SimulationFailed(
        "SIM_FAILED",
        `${failed.length} of ${count} run(s) failed (seeds ${failed.map((d) => d.seed).join(", ")}); replay commands above`,
      );
    }
  },
};

const shards: Command = {
  name: "shards",
  summary: "simulate a beacon chain and shards with cross-shard transfers over many seeds",
  usage: "[--validators N] [--shards S] [--seeds A..B] [--faults KIND] [--workers N] [--json]",
  options: {
    validators: { type: "string" },
    shards: { type: "string" },
    seeds: { type: "string" },
    faults: { type: "string" },
    "epoch-length": { type: "string" },
    "cross-shard": { type: "string" },
    workers: { type: "string" },
  },
  optionHelp: [
    ["--validators N", `validators, equal stake (default ${SHARD_SCENARIO_DEFAULTS.validators})`],
    ["--shards S", `shard chains besides the beacon chain (default ${SHARD_SCENARIO_DEFAULTS.shards})`],
    ["--seeds A..B", "seeds to run, inclusive, or one seed A (default 1)"],
    ["--faults KIND", `${FAULT_KINDS.join("|")} (default ${SHARD_SCENARIO_DEFAULTS.faults})`],
    ["--epoch-length E", `beacon blocks per epoch (default ${SHARD_SCENARIO_DEFAULTS.epochLength})`],
    ["--cross-shard X", `share of transfers to another shard (default ${SHARD_SCENARIO_DEFAULTS.crossShare})`],
    ["--workers N", "threads running seeds in parallel (default: the number of cores)"],
  ],
  details: [
    "Each run: the production engine on the beacon chain and on every shard, shard blocks built",
    "and re-executed on the real VM, committees reshuffled every epoch, receipts carried by Merkle",
    "proof against crosslinked headers, clients sending intra- and cross-shard transfers. Checked:",
    "agreement and chain validity on every chain, supply across chains after every finalized shard",
    "block, exactly-once in-order delivery, and (unless a validator stays down) that every transfer",
    "settles. Exit code 1 when any run fails. See docs/simulator.md.",
  ].join("\n"),
  async run(ctx) {
    const faults = stringOption(ctx, "faults") ?? SHARD_SCENARIO_DEFAULTS.faults;
    if (!isFaultKind(faults)) throw new UsageError(`--faults must be one of ${FAULT_KINDS.join("|")}, got "${faults}"`);
    const validators = intOption(ctx, "validators", 4, 64) ?? SHARD_SCENARIO_DEFAULTS.validators;
    const shardCount = intOption(ctx, "shards", 1, 16) ?? SHARD_SCENARIO_DEFAULTS.shards;
    const epochLength = intOption(ctx, "epoch-length", 1, 10_000) ?? SHARD_SCENARIO_DEFAULTS.epochLength;
    const crossText = stringOption(ctx, "cross-shard");
    const crossShare = crossText === undefined ? SHARD_SCENARIO_DEFAULTS.crossShare : Number(crossText);
    if (!(crossShare >= 0 && crossShare <= 1))
      throw new UsageError(`--cross-shard must be in [0, 1], got "${crossText}"`);
    let seeds: ReturnType<typeof parseSeeds>;
    try {
      seeds = parseSeeds(stringOption(ctx, "seeds") ?? "1");
    } catch (e) {
      throw new UsageError(`--seeds: ${(e as Error).message}`);
    }
    const count = seeds.to - seeds.from + 1;
    const scenarios = Array.from({ length: count }, (_, i) => ({
      seed: seeds.from + i,
      validators,
      shards: shardCount,
      faults,
      epochLength,
      crossShare,
    }));
    const workers = Math.min(count, intOption(ctx, "workers", 1, 64) ?? availableParallelism());
    const header =
      `${validators} validators, beacon + ${shardCount} shards, faults ${faults}, epochs of ${epochLength} beacon blocks, ` +
      `${Math.round(crossShare * 100)}% cross-shard, seeds ${seeds.from}..${seeds.to}`;
    if (!ctx.out.json) ctx.out.note(`Simulating ${count} sharded run(s): ${header}`);
    let done = 0;
    const started = performance.now();
    const onRun = (): void => {
      done++;
      if (!ctx.out.json && count >= 50 && done % Math.ceil(count / 10) === 0) ctx.out.note(`  ${done}/${count} runs`);
    };
    const results =
      workers === 1
        ? await runSequentially(scenarios, onRun)
        : await runShardScenariosInPool(scenarios, { workers, onRun });
    const wallMs = performance.now() - started;
    const summary = summarizeShardRuns(results);
    const lines = [
      `ubn sim shards: ${header}`,
      `  runs               ${summary.runs} in ${(wallMs / 1000).toFixed(1)} s wall (${workers} worker${workers === 1 ? "" : "s"})`,
      `  safety violations  ${summary.safety_violations} run(s) (agreement, chain validity, supply, delivery)`,
      `  progress failures  ${summary.progress_failures} run(s)`,
      `  errors             ${summary.errors} run(s)`,
      `  transfers          ${summary.transactions} final, ${summary.cross_shard_transfers} cross-shard, ${summary.receipts_delivered} receipts delivered`,
      `  supply checks      ${summary.supply_checks}, epochs ${summary.epochs}`,
      `  latency            median of per-run p50: intra ${summary.median_intra_shard_p50_ms ?? "-"} ms, cross-shard ${summary.median_cross_shard_p50_ms ?? "-"} ms (virtual)`,
    ];
    if (summary.failures.length > 0) {
      lines.push("", "Failing seeds:");
      for (const f of summary.failures) {
        lines.push(`  seed ${f.seed} ${f.kind}: ${f.message}`, `    faults: ${f.faults}`, `    replay: ${f.replay}`);
      }
    } else lines.push("", "All runs kept agreement, supply and exactly-once delivery, and settled.");
    ctx.out.result({ ...summary, wall_ms: Math.round(wallMs), workers }, lines.join("\n"));
    if (summary.failures.length > 0) {
      throw new SimulationFailed(
        "SIM_FAILED",
        `${summary.failures.length} of ${count} run(s) failed; replay commands above`,
      );
    }
  },
};

async function runSequentially(
  scenarios: readonly (Partial<ShardScenario> & { seed: number })[],
  onRun: () => void,
): Promise<ShardRunResult[]> {
  const out: ShardRunResult[] = [];
  for (const s of scenarios) {
    out.push(await runShardScenario(s));
    onRun();
  }
  return out;
}

export const simCommands: CommandGroup = {
  name: "sim",
  summary: "deterministic simulation of the consensus engine and of the sharded network",
  commands: [run, shards],
  default: "run",
};
