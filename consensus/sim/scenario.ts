// What a run is made of, its defaults, and the command line that replays it.
import { type FaultKind, isFaultKind } from "./faults.ts";

export interface BreakRules {
  skipVoteSafetyCheck?: boolean;
}

export interface Scenario {
  seed: number;
  validators: number;
  faults: FaultKind;
  /** The run lasts until an honest instance commits a block of this round (or the time cap). */
  views: number;
  /** Mean one-way link delay, ms. */
  latencyMs: number;
  /** Per-message jitter, uniform in [0, jitterMs]. */
  jitterMs: number;
  /** Each link's base delay is latencyMs * (1 ± linkSpread). */
  linkSpread: number;
  baseTimeoutMs: number;
  maxTimeoutMs: number;
  /** Test-only: passed to every engine to break one safety rule (see interface.ts). */
  breakRules?: BreakRules;
}

export type ScenarioInput = Partial<Scenario> & { seed: number };

export const SCENARIO_DEFAULTS = {
  validators: 4,
  faults: "none" as FaultKind,
  views: 40,
  latencyMs: 50,
  linkSpread: 0.2,
} as const;

/** Jitter when not given: half the latency. */
export function defaultJitterMs(latencyMs: number): number {
  return Math.round(latencyMs / 2);
}

/** The longest a message takes after GST (Δ). Must match Network.maxDelayMs. */
export function maxDelayMs(s: Pick<Scenario, "latencyMs" | "linkSpread" | "jitterMs">): number {
  return Math.max(1, Math.round(s.latencyMs * (1 + s.linkSpread))) + s.jitterMs;
}

/** Base round timeout when not given: four Δ (a round needs two), rounded up to 10 ms. */
export function defaultBaseTimeoutMs(s: Pick<Scenario, "latencyMs" | "linkSpread" | "jitterMs">): number {
  return Math.ceil((4 * maxDelayMs(s)) / 10) * 10;
}

/** Largest round timeout when not given: eight base timeouts (three doublings). */
export function defaultMaxTimeoutMs(baseTimeoutMs: number): number {
  return 8 * baseTimeoutMs;
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new RangeError(message);
}

/** Fills in defaults and checks ranges; throws RangeError with the offending value. */
export function makeScenario(input: ScenarioInput): Scenario {
  const latencyMs = input.latencyMs ?? SCENARIO_DEFAULTS.latencyMs;
  const linkSpread = input.linkSpread ?? SCENARIO_DEFAULTS.linkSpread;
  const jitterMs = input.jitterMs ?? defaultJitterMs(latencyMs);
  const timing = { latencyMs, linkSpread, jitterMs };
  const baseTimeoutMs = input.baseTimeoutMs ?? defaultBaseTimeoutMs(timing);
  const s: Scenario = {
    seed: input.seed,
    validators: input.validators ?? SCENARIO_DEFAULTS.validators,
    faults: input.faults ?? SCENARIO_DEFAULTS.faults,
    views: input.views ?? SCENARIO_DEFAULTS.views,
    latencyMs,
    jitterMs,
    linkSpread,
    baseTimeoutMs,
    maxTimeoutMs: input.maxTimeoutMs ?? defaultMaxTimeoutMs(baseTimeoutMs),
  };
  if (input.breakRules && Object.values(input.breakRules).some(Boolean)) s.breakRules = { ...input.breakRules };
  check(Number.isSafeInteger(s.seed) && s.seed >= 0, `seed must be a non-negative integer, got ${s.seed}`);
  check(Number.isInteger(s.validators) && s.validators >= 1, `validators must be at least 1, got ${s.validators}`);
  check(isFaultKind(s.faults), `unknown fault kind "${s.faults}"`);
  check(Number.isInteger(s.views) && s.views >= 1, `views must be a positive integer, got ${s.views}`);
  check(Number.isInteger(latencyMs) && latencyMs >= 1, `latencyMs must be a positive integer, got ${latencyMs}`);
  check(Number.isInteger(jitterMs) && jitterMs >= 0, `jitterMs must be a non-negative integer, got ${jitterMs}`);
  check(linkSpread >= 0 && linkSpread < 1, `linkSpread must be in [0, 1), got ${linkSpread}`);
  check(baseTimeoutMs > 0, `baseTimeoutMs must be positive, got ${baseTimeoutMs}`);
  check(s.maxTimeoutMs >= baseTimeoutMs, `maxTimeoutMs (${s.maxTimeoutMs}) must be >= baseTimeoutMs`);
  return s;
}

/** The `npx ubn sim` command that replays exactly this scenario (non-default settings only). */
export function replayCommand(input: ScenarioInput): string {
  const s = makeScenario(input);
  const args = [
    `--seeds ${s.seed}`,
    `--validators ${s.validators}`,
    `--faults ${s.faults}`,
    `--views ${s.views}`,
    `--latency-ms ${s.latencyMs}`,
  ];
  if (s.jitterMs !== defaultJitterMs(s.latencyMs)) args.push(`--jitter-ms ${s.jitterMs}`);
  if (s.linkSpread !== SCENARIO_DEFAULTS.linkSpread) args.push(`--link-spread ${s.linkSpread}`);
  if (s.baseTimeoutMs !== defaultBaseTimeoutMs(s)) args.push(`--base-timeout-ms ${s.baseTimeoutMs}`);
  if (s.maxTimeoutMs !== defaultMaxTimeoutMs(s.baseTimeoutMs)) args.push(`--max-timeout-ms ${s.maxTimeoutMs}`);
  if (s.breakRules?.skipVoteSafetyCheck) args.push("--break-rule skip-vote-safety-check");
  return `npx ubn sim ${args.join(" ")}`;
}
