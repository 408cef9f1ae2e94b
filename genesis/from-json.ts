// Reads the parsed JSON file into a GenesisDraft, recording an issue for every field that is
// missing, unknown, of the wrong type or malformed, and carrying on so that one run reports
// them all. Ranges, duplicates and the other rules are validate.ts's job.
import { AddressError, fromHex, parseAddress } from "../crypto/index.ts";
import { parseDecimalString } from "./amount.ts";
import { childPath, type GenesisIssue, ROOT_PATH } from "./errors.ts";
import type { JsonValue } from "./strict-json.ts";
import { parseGenesisTime } from "./time.ts";
import {
  type AccountDraft,
  type GenesisDraft,
  type GenesisParams,
  type ParamsDraft,
  TX_TYPES,
  type ValidatorDraft,
} from "./types.ts";

type JsonObject = { [key: string]: JsonValue };

const GENESIS_FIELDS = ["chainId", "genesisTime", "shardCount", "validators", "accounts", "params"] as const;
const VALIDATOR_FIELDS = ["name", "publicKey", "stake"] as const;
const ACCOUNT_FIELDS = ["address", "balance"] as const;
const INTEGER_PARAMS = [
  "tokenDecimals",
  "blockIntervalMs",
  "proposeTimeoutMs",
  "voteTimeoutMs",
  "timeoutIncreaseMs",
  "committeeSize",
  "epochLength",
  "unbondingPeriodBlocks",
  "maxBlockTxs",
  "maxBlockBytes",
] as const satisfies readonly (keyof GenesisParams)[];
const PARAM_FIELDS = [...INTEGER_PARAMS, "fees", "rewards"] as const;
const FEE_FIELDS = ["perByte", "perType"] as const;
const REWARD_FIELDS = ["blockReward", "auditShareBps"] as const;

export function genesisDraftFromJson(value: JsonValue, issues: GenesisIssue[]): GenesisDraft {
  const r = new Reader(issues);
  const root = r.object(value, ROOT_PATH, GENESIS_FIELDS, GENESIS_FIELDS);
  if (!root) return {};
  const draft: GenesisDraft = {};
  setIfDefined(draft, "chainId", r.string(root.chainId, "chainId"));
  setIfDefined(draft, "genesisTimeMs", r.time(root.genesisTime, "genesisTime"));
  setIfDefined(draft, "shardCount", r.integer(root.shardCount, "shardCount"));
  setIfDefined(
    draft,
    "validators",
    r.array(root.validators, "validators", (v, path) => readValidator(r, v, path)),
  );
  setIfDefined(
    draft,
    "accounts",
    r.array(root.accounts, "accounts", (v, path) => readAccount(r, v, path)),
  );
  setIfDefined(draft, "params", readParams(r, root.params, "params"));
  return draft;
}

function readValidator(r: Reader, value: JsonValue, path: string): ValidatorDraft {
  const o = r.object(value, path, VALIDATOR_FIELDS, ["publicKey", "stake"]);
  const out: ValidatorDraft = {};
  if (!o) return out;
  if ("name" in o) setIfDefined(out, "name", r.string(o.name, childPath(path, "name")));
  setIfDefined(out, "publicKey", r.hexKey(o.publicKey, childPath(path, "publicKey")));
  setIfDefined(out, "stake", r.amount(o.stake, childPath(path, "stake")));
  return out;
}

function readAccount(r: Reader, value: JsonValue, path: string): AccountDraft {
  const o = r.object(value, path, ACCOUNT_FIELDS, ACCOUNT_FIELDS);
  const out: AccountDraft = {};
  if (!o) return out;
  setIfDefined(out, "address", r.address(o.address, childPath(path, "address")));
  setIfDefined(out, "balance", r.amount(o.balance, childPath(path, "balance")));
  return out;
}

function readParams(r: Reader, value: JsonValue | undefined, path: string): ParamsDraft | undefined {
  if (value === undefined) return undefined; // reported by the root object
  const o = r.object(value, path, PARAM_FIELDS, PARAM_FIELDS);
  if (!o) return {};
  const out: ParamsDraft = {};
  for (const name of INTEGER_PARAMS) setIfDefined(out, name, r.integer(o[name], childPath(path, name)));

  const feesPath = childPath(path, "fees");
  const fees = o.fees === undefined ? undefined : r.object(o.fees, feesPath, FEE_FIELDS, FEE_FIELDS);
  if (fees) {
    const f: NonNullable<ParamsDraft["fees"]> = {};
    setIfDefined(f, "perByte", r.amount(fees.perByte, childPath(feesPath, "perByte")));
    const perTypePath = childPath(feesPath, "perType");
    const perType = fees.perType === undefined ? undefined : r.object(fees.perType, perTypePath, TX_TYPES, TX_TYPES);
    if (perType) {
      f.perType = {};
      for (const t of TX_TYPES) setIfDefined(f.perType, t, r.amount(perType[t], childPath(perTypePath, t)));
    }
    out.fees = f;
  }

  const rewardsPath = childPath(path, "rewards");
  const rewards = o.rewards === undefined ? undefined : r.object(o.rewards, rewardsPath, REWARD_FIELDS, REWARD_FIELDS);
  if (rewards) {
    out.rewards = {};
    setIfDefined(out.rewards, "blockReward", r.amount(rewards.blockReward, childPath(rewardsPath, "blockReward")));
    setIfDefined(
      out.rewards,
      "auditShareBps",
      r.integer(rewards.auditShareBps, childPath(rewardsPath, "auditShareBps")),
    );
  }
  return out;
}

function setIfDefined<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

/** Typed field readers: each returns undefined after recording why, or the value. */
class Reader {
  private readonly issues: GenesisIssue[];
  constructor(issues: GenesisIssue[]) {
    this.issues = issues;
  }

  private add(path: string, message: string): undefined {
    this.issues.push({ path, message });
    return undefined;
  }

  object(
    value: JsonValue | undefined,
    path: string,
    fields: readonly string[],
    required: readonly string[],
  ): JsonObject | undefined {
    if (value === undefined) return this.add(path, "required field is missing");
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      return this.add(path, `must be an object, got ${kindOf(value)}`);
    }
    for (const key of Object.keys(value)) {
      if (fields.includes(key)) continue;
      const hint = closest(key, fields);
      this.add(
        childPath(path, key),
        `unknown field${hint ? ` (did you mean "${hint}"?)` : ""}; allowed here: ${fields.join(", ")}`,
      );
    }
    for (const key of required) if (!(key in value)) this.add(childPath(path, key), "required field is missing");
    return value;
  }

  array<T>(value: JsonValue | undefined, path: string, item: (v: JsonValue, path: string) => T): T[] | undefined {
    if (value === undefined) return undefined; // reported by object()
    if (!Array.isArray(value)) return this.add(path, `must be an array, got ${kindOf(value)}`);
    return value.map((v, i) => item(v, childPath(path, i)));
  }

  string(value: JsonValue | undefined, path: string): string | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== "string") return this.add(path, `must be a string, got ${kindOf(value)}`);
    return value;
  }

  integer(value: JsonValue | undefined, path: string): number | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== "number") return this.add(path, `must be a number, got ${kindOf(value)}`);
    return value; // range and integrality: validate.ts
  }

  amount(value: JsonValue | undefined, path: string): bigint | undefined {
    if (value === undefined) return undefined;
    if (typeof value === "number") {
      return this.add(path, `must be a decimal string of base units in quotes, got the JSON number ${value}`);
    }
    if (typeof value !== "string")
      return this.add(path, `must be a decimal string of base units, got ${kindOf(value)}`);
    const parsed = parseDecimalString(value);
    return parsed.ok ? parsed.value : this.add(path, parsed.reason);
  }

  hexKey(value: JsonValue | undefined, path: string): Uint8Array | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== "string") return this.add(path, `must be a hex string, got ${kindOf(value)}`);
    if (!/^([0-9a-fA-F]{2})*$/.test(value)) {
      return this.add(path, `"${value.slice(0, 80)}" is not hex; a public key is 64 hex characters`);
    }
    return fromHex(value); // length: validate.ts
  }

  address(value: JsonValue | undefined, path: string): Uint8Array | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== "string") return this.add(path, `must be an "isc1..." address string, got ${kindOf(value)}`);
    try {
      return parseAddress(value);
    } catch (e) {
      if (e instanceof AddressError) return this.add(path, e.message);
      throw e;
    }
  }

  time(value: JsonValue | undefined, path: string): number | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== "string") return this.add(path, `must be an ISO-8601 UTC time string, got ${kindOf(value)}`);
    const parsed = parseGenesisTime(value);
    return parsed.ok ? parsed.ms : this.add(path, parsed.reason);
  }
}

function kindOf(value: JsonValue): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return `${typeof value} ${JSON.stringify(value).slice(0, 40)}`;
}

/** The allowed name a mistyped one was probably meant to be (case or up to 2 edits). */
function closest(key: string, fields: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  const exact = fields.find((f) => f.toLowerCase() === lower);
  if (exact) return exact;
  return fields.find((f) => editDistance(lower, f.toLowerCase()) <= 2);
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
    }
    prev = cur;
  }
  return prev[b.length] as number;
}
