// Building a genesis step by step, as `ubn genesis init` and `add-*` do. Each function returns
// a new Genesis and leaves its input alone; each refuses a result that breaks a rule, and
// refuses to add a validator or account that is already there (GENESIS_DUPLICATE), naming it.
// A genesis without validators is accepted here, since validators are added after init.
import {
  AddressError,
  formatAddress,
  fromHex,
  HexError,
  PUBLIC_KEY_LENGTH,
  parseAddress,
  toHex,
} from "../crypto/index.ts";
import { GenesisError, GenesisErrorCode, type GenesisIssue, invalidGenesis } from "./errors.ts";
import { DEFAULT_SHARD_COUNT, defaultGenesisParams } from "./params.ts";
import { parseGenesisTime } from "./time.ts";
import type { Genesis, GenesisAccount, GenesisParams, GenesisValidator } from "./types.ts";
import { genesisIssues } from "./validate.ts";

export interface InitGenesisOptions {
  chainId: string;
  /** Default 4. */
  shardCount?: number;
  /** ISO-8601 UTC; default: now, rounded down to the second. */
  genesisTime?: string;
  /** Default defaultGenesisParams. */
  params?: GenesisParams;
}

export function initGenesis(opts: InitGenesisOptions): Genesis {
  const issues: GenesisIssue[] = [];
  let genesisTimeMs = Math.floor(Date.now() / 1000) * 1000;
  if (opts.genesisTime !== undefined) {
    const parsed = parseGenesisTime(opts.genesisTime);
    if (parsed.ok) genesisTimeMs = parsed.ms;
    else issues.push({ path: "genesisTime", message: parsed.reason });
  }
  const genesis: Genesis = {
    chainId: opts.chainId,
    genesisTimeMs,
    shardCount: opts.shardCount ?? DEFAULT_SHARD_COUNT,
    validators: [],
    accounts: [],
    params: structuredClone(opts.params ?? defaultGenesisParams),
  };
  issues.push(...genesisIssues(genesis, { allowNoValidators: true }));
  if (issues.length > 0) throw invalidGenesis(issues);
  return genesis;
}

export interface AddValidatorOptions {
  /** 32 bytes, or their hex (0x optional). */
  publicKey: Uint8Array | string;
  /** Base units; see parseAmount for text input. */
  stake: bigint;
  name?: string;
}

export function addValidator(genesis: Genesis, opts: AddValidatorOptions): Genesis {
  const publicKey = typeof opts.publicKey === "string" ? publicKeyFromHex(opts.publicKey) : opts.publicKey;
  const hex = toHex(publicKey);
  const sameKey = genesis.validators.findIndex((v) => toHex(v.publicKey) === hex);
  if (sameKey >= 0) {
    const existing = genesis.validators[sameKey] as GenesisValidator;
    const label = existing.name === undefined ? "" : ` (${existing.name})`;
    throw duplicate(
      `validators[${sameKey}].publicKey`,
      `validator ${hex} is already in the genesis as validators[${sameKey}]${label}`,
    );
  }
  if (opts.name !== undefined) {
    const sameName = genesis.validators.findIndex((v) => v.name === opts.name);
    if (sameName >= 0) {
      throw duplicate(
        `validators[${sameName}].name`,
        `a validator named "${opts.name}" is already in the genesis as validators[${sameName}]`,
      );
    }
  }
  const validator: GenesisValidator = {
    ...(opts.name === undefined ? {} : { name: opts.name }),
    publicKey: Uint8Array.from(publicKey),
    stake: opts.stake,
  };
  return checked({ ...genesis, validators: [...genesis.validators, validator] });
}

export interface AddAccountOptions {
  /** 20 bytes, or an "isc1..." address. */
  address: Uint8Array | string;
  /** Base units; see parseAmount for text input. */
  balance: bigint;
}

export function addAccount(genesis: Genesis, opts: AddAccountOptions): Genesis {
  const address = typeof opts.address === "string" ? addressFromText(opts.address) : opts.address;
  const hex = toHex(address);
  const same = genesis.accounts.findIndex((a) => toHex(a.address) === hex);
  if (same >= 0) {
    const existing = genesis.accounts[same] as GenesisAccount;
    throw duplicate(
      `accounts[${same}].address`,
      `account ${formatAddress(address)} is already in the genesis as accounts[${same}] (balance ${existing.balance})`,
    );
  }
  const account: GenesisAccount = { address: Uint8Array.from(address), balance: opts.balance };
  return checked({ ...genesis, accounts: [...genesis.accounts, account] });
}

function checked(genesis: Genesis): Genesis {
  const issues = genesisIssues(genesis, { allowNoValidators: true });
  if (issues.length > 0) throw invalidGenesis(issues);
  return genesis;
}

function duplicate(path: string, message: string): GenesisError {
  return new GenesisError(GenesisErrorCode.duplicate, message, [{ path, message }]);
}

function badInput(path: string, message: string): GenesisError {
  return new GenesisError(GenesisErrorCode.invalid, message, [{ path, message }]);
}

function publicKeyFromHex(text: string): Uint8Array {
  try {
    return fromHex(text.trim(), PUBLIC_KEY_LENGTH);
  } catch (e) {
    if (e instanceof HexError) throw badInput("publicKey", `invalid public key: ${e.message}`);
    throw e;
  }
}

function addressFromText(text: string): Uint8Array {
  try {
    return parseAddress(text);
  } catch (e) {
    if (e instanceof AddressError) throw badInput("address", e.message);
    throw e;
  }
}
