// The rules a genesis must follow, checked all at once so that one run lists every problem.
// They run on a GenesisDraft (a file being read, with broken fields left out) and on a
// complete Genesis built in code alike; a rule whose input is missing is skipped, since the
// reader already reported why it is missing.
import { formatAddress, toHex } from "../crypto/index.ts";
import { childPath, type GenesisIssue, invalidGenesis, ROOT_PATH } from "./errors.ts";
import {
  AUDIT_SHARE_BPS_MAX,
  CHAIN_ID_PATTERN,
  type IntegerParam,
  integerParamLimits,
  MAX_GENESIS_ACCOUNTS,
  MAX_GENESIS_VALIDATORS,
  MAX_SHARDS,
  MAX_VALIDATOR_NAME_LENGTH,
  MIN_SHARDS,
  U128_MAX,
} from "./params.ts";
import { validatorKeyProblem } from "./public-key.ts";
import { MAX_GENESIS_TIME_MS } from "./time.ts";
import {
  type AccountDraft,
  type Genesis,
  type GenesisDraft,
  type ParamsDraft,
  TX_TYPES,
  type ValidatorDraft,
} from "./types.ts";

export interface ValidateOptions {
  /**
   * Accept a genesis without validators. `ubn genesis init` writes one, and the add-*
   * commands read one; `validate`, `hash` and a starting node require at least one.
   */
  allowNoValidators?: boolean;
}

/** Every rule the genesis breaks, in file order where it has one. */
export function genesisIssues(genesis: GenesisDraft, opts: ValidateOptions = {}): GenesisIssue[] {
  const issues: GenesisIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });

  if (genesis.chainId !== undefined && !CHAIN_ID_PATTERN.test(genesis.chainId)) {
    add(
      "chainId",
      `"${genesis.chainId.slice(0, 60)}" is not a chain id: use 1-48 lower-case letters, digits and '-', starting with a letter or digit (e.g. "ubn-devnet-1")`,
    );
  }
  if (genesis.genesisTimeMs !== undefined) {
    checkInteger(add, "genesisTime", genesis.genesisTimeMs, 0, MAX_GENESIS_TIME_MS, "milliseconds since 1970");
  }
  if (genesis.shardCount !== undefined) checkInteger(add, "shardCount", genesis.shardCount, MIN_SHARDS, MAX_SHARDS);
  if (genesis.validators !== undefined) checkValidators(add, genesis.validators, opts);
  if (genesis.accounts !== undefined) checkAccounts(add, genesis.accounts);
  if (genesis.params !== undefined) checkParams(add, genesis.params);
  checkSupply(add, genesis);
  return issues;
}

/** Throws GenesisError (GENESIS_INVALID) listing every rule the genesis breaks. */
export function validateGenesis(genesis: Genesis, opts: ValidateOptions & { source?: string } = {}): void {
  const issues = genesisIssues(genesis, opts);
  if (issues.length > 0) throw invalidGenesis(issues, opts.source);
}

type Add = (path: string, message: string) => void;

function checkValidators(add: Add, validators: ValidatorDraft[], opts: ValidateOptions): void {
  if (validators.length === 0 && !opts.allowNoValidators) {
    add("validators", "at least one validator is required (add one with 'ubn genesis add-validator')");
  }
  if (validators.length > MAX_GENESIS_VALIDATORS) {
    add("validators", `${validators.length} validators, at most ${MAX_GENESIS_VALIDATORS} are allowed`);
  }
  const byKey = new Map<string, number>();
  const byName = new Map<string, number>();
  validators.forEach((v, i) => {
    const path = childPath("validators", i);
    if (v.name !== undefined) {
      const problem = validatorNameProblem(v.name);
      if (problem) add(childPath(path, "name"), problem);
      const first = byName.get(v.name);
      if (first === undefined) byName.set(v.name, i);
      else add(childPath(path, "name"), `"${v.name}" is already the name of validators[${first}]`);
    }
    if (v.publicKey !== undefined) {
      const keyPath = childPath(path, "publicKey");
      const problem = validatorKeyProblem(v.publicKey);
      if (problem) add(keyPath, `${toHex(v.publicKey).slice(0, 64)} ${problem}`);
      const hex = toHex(v.publicKey);
      const first = byKey.get(hex);
      if (first === undefined) {
        byKey.set(hex, i);
      } else {
        const firstName = validators[first]?.name;
        add(keyPath, `duplicate of validators[${first}] (${firstName === undefined ? "" : `${firstName}, `}${hex})`);
      }
    }
    if (v.stake !== undefined) {
      const stakePath = childPath(path, "stake");
      if (v.stake <= 0n) add(stakePath, `stake must be greater than zero, got ${v.stake}`);
      else if (v.stake > U128_MAX) add(stakePath, `${v.stake} exceeds the u128 maximum ${U128_MAX}`);
    }
  });
}

/** Why a validator name is unfit, or undefined. Names are labels for people. */
export function validatorNameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > MAX_VALIDATOR_NAME_LENGTH) {
    return `name must be 1-${MAX_VALIDATOR_NAME_LENGTH} characters, got ${name.length}`;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we refuse
  if (/[\u0000-\u001f\u007f]/.test(name)) return "name must not contain control characters";
  if (name.trim() !== name) return `name "${name}" must not start or end with whitespace`;
  return undefined;
}

function checkAccounts(add: Add, accounts: AccountDraft[]): void {
  if (accounts.length > MAX_GENESIS_ACCOUNTS) {
    add("accounts", `${accounts.length} accounts, at most ${MAX_GENESIS_ACCOUNTS} are allowed`);
  }
  const byAddress = new Map<string, number>();
  accounts.forEach((a, i) => {
    const path = childPath("accounts", i);
    if (a.address !== undefined) {
      const addressPath = childPath(path, "address");
      if (a.address.length !== 20) {
        add(addressPath, `must be 20 bytes, got ${a.address.length}`);
      } else {
        const hex = toHex(a.address);
        const first = byAddress.get(hex);
        if (first === undefined) byAddress.set(hex, i);
        else add(addressPath, `duplicate of accounts[${first}] (${formatAddress(a.address)})`);
      }
    }
    if (a.balance !== undefined) {
      const balancePath = childPath(path, "balance");
      if (a.balance < 0n) add(balancePath, `balance must not be negative, got ${a.balance}`);
      else if (a.balance > U128_MAX) add(balancePath, `${a.balance} exceeds the u128 maximum ${U128_MAX}`);
    }
  });
}

function checkParams(add: Add, params: ParamsDraft): void {
  for (const [name, { min, max }] of Object.entries(integerParamLimits) as [
    IntegerParam,
    { min: number; max: number },
  ][]) {
    const value = params[name];
    if (value !== undefined) checkInteger(add, childPath("params", name), value, min, max);
  }
  const { blockIntervalMs, proposeTimeoutMs, epochLength, unbondingPeriodBlocks } = params;
  if (blockIntervalMs !== undefined && proposeTimeoutMs !== undefined && proposeTimeoutMs <= blockIntervalMs) {
    add(
      "params.proposeTimeoutMs",
      `${proposeTimeoutMs} must be greater than blockIntervalMs (${blockIntervalMs}), or validators give up on every leader before it proposes`,
    );
  }
  if (epochLength !== undefined && unbondingPeriodBlocks !== undefined && unbondingPeriodBlocks < epochLength) {
    add(
      "params.unbondingPeriodBlocks",
      `${unbondingPeriodBlocks} is shorter than one epoch (epochLength ${epochLength}): stake could leave before its misbehaviour is punished`,
    );
  }
  const fees = params.fees;
  if (fees?.perByte !== undefined) checkAmount(add, "params.fees.perByte", fees.perByte);
  if (fees?.perType !== undefined) {
    for (const t of TX_TYPES) {
      const fee = fees.perType[t];
      if (fee !== undefined) checkAmount(add, childPath("params.fees.perType", t), fee);
    }
  }
  const rewards = params.rewards;
  if (rewards?.blockReward !== undefined) checkAmount(add, "params.rewards.blockReward", rewards.blockReward);
  if (rewards?.auditShareBps !== undefined) {
    checkInteger(add, "params.rewards.auditShareBps", rewards.auditShareBps, 0, AUDIT_SHARE_BPS_MAX, "basis points");
  }
}

function checkSupply(add: Add, genesis: GenesisDraft): void {
  let stakes = 0n;
  let balances = 0n;
  for (const v of genesis.validators ?? []) if (v.stake !== undefined && v.stake > 0n) stakes += v.stake;
  for (const a of genesis.accounts ?? []) if (a.balance !== undefined && a.balance > 0n) balances += a.balance;
  if (stakes + balances > U128_MAX) {
    add(
      ROOT_PATH,
      `total supply ${stakes + balances} (stakes ${stakes} + balances ${balances}) exceeds the u128 maximum ${U128_MAX}`,
    );
  }
}

function checkInteger(add: Add, path: string, value: number, min: number, max: number, unit?: string): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    add(path, `must be an integer from ${min} to ${max}${unit ? ` (${unit})` : ""}, got ${value}`);
  }
}

function checkAmount(add: Add, path: string, value: bigint): void {
  if (value < 0n) add(path, `must not be negative, got ${value}`);
  else if (value > U128_MAX) add(path, `${value} exceeds the u128 maximum ${U128_MAX}`);
}
