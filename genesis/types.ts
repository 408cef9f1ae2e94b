// The genesis as the code sees it: integers that can exceed 2^53 are bigint, keys and
// addresses are bytes, the genesis time is milliseconds since the Unix epoch (UTC).
// The JSON file (docs/genesis.md) writes amounts as decimal strings, keys as hex and
// addresses as bech32m "isc1..." text; from-json.ts and to-json.ts convert.

import type { TxType } from "../vm/params.ts";

// The built-in transaction types that pay a per-type base fee are the VM's.
export { TX_TYPES, type TxType } from "../vm/params.ts";

export interface GenesisValidator {
  /** A label for people; not used by consensus, but part of the genesis hash. */
  name?: string;
  /** Ed25519 public key, 32 bytes. */
  publicKey: Uint8Array;
  /** Bonded stake in base units, > 0. */
  stake: bigint;
}

export interface GenesisAccount {
  /** The 20-byte account id (crypto addressBytesOf). */
  address: Uint8Array;
  /** Spendable balance in base units, >= 0. */
  balance: bigint;
}

export interface FeeParams {
  /** Fee per byte of an encoded transaction, base units. */
  perByte: bigint;
  /** Base fee added per transaction, by type, base units. */
  perType: Record<TxType, bigint>;
}

export interface RewardParams {
  /** ISC minted for each committed beacon block, base units. */
  blockReward: bigint;
  /** Share of each lease payment that goes to the audit pool, in basis points (1/10000). */
  auditShareBps: number;
}

export interface GenesisParams {
  /** Base units per ISC is 10^tokenDecimals. */
  tokenDecimals: number;
  blockIntervalMs: number;
  proposeTimeoutMs: number;
  voteTimeoutMs: number;
  timeoutIncreaseMs: number;
  committeeSize: number;
  epochLength: number;
  unbondingPeriodBlocks: number;
  /** A block with more transactions is invalid; the proposer packs at most this many. */
  maxBlockTxs: number;
  /** The most bytes of encoded signed transactions (their sum) one block carries. */
  maxBlockBytes: number;
  fees: FeeParams;
  rewards: RewardParams;
}

export interface Genesis {
  chainId: string;
  genesisTimeMs: number;
  shardCount: number;
  validators: GenesisValidator[];
  accounts: GenesisAccount[];
  params: GenesisParams;
}

type Draft<T> = T extends Uint8Array | bigint | string | number | boolean
  ? T
  : T extends (infer U)[]
    ? Draft<U>[]
    : { [K in keyof T]?: Draft<T[K]> };

/**
 * A genesis read from JSON before it is known to be complete: a field that was missing or
 * malformed is left out (and an issue recorded). Every Genesis is also a GenesisDraft, so
 * the validation rules run on both.
 */
export type GenesisDraft = Draft<Genesis>;

export type ValidatorDraft = NonNullable<GenesisDraft["validators"]>[number];
export type AccountDraft = NonNullable<GenesisDraft["accounts"]>[number];
export type ParamsDraft = NonNullable<GenesisDraft["params"]>;
