// The canonical byte form of a genesis (crypto/encoding): a struct is an array of its fields
// in the order declared here. This order is part of the protocol: changing it, or adding a
// field, makes a new genesis version with a new hash tag.
import { fixedBytes, list, optional, struct, text, u8, u32, u64, u128 } from "../crypto/index.ts";
import {
  MAX_CHAIN_ID_LENGTH,
  MAX_GENESIS_ACCOUNTS,
  MAX_GENESIS_VALIDATORS,
  MAX_VALIDATOR_NAME_LENGTH,
} from "./params.ts";

export const validatorCodec = struct("GenesisValidator", {
  publicKey: fixedBytes(32),
  stake: u128,
  name: optional(text(MAX_VALIDATOR_NAME_LENGTH)),
});

export const accountCodec = struct("GenesisAccount", {
  address: fixedBytes(20),
  balance: u128,
});

export const feesCodec = struct("GenesisFees", {
  perByte: u128,
  transfer: u128,
  stake: u128,
  unstake: u128,
  registerValidator: u128,
});

export const rewardsCodec = struct("GenesisRewards", {
  blockReward: u128,
  auditShareBps: u32,
});

export const paramsCodec = struct("GenesisParams", {
  tokenDecimals: u8,
  blockIntervalMs: u32,
  proposeTimeoutMs: u32,
  voteTimeoutMs: u32,
  timeoutIncreaseMs: u32,
  committeeSize: u32,
  epochLength: u32,
  unbondingPeriodBlocks: u32,
  fees: feesCodec,
  rewards: rewardsCodec,
  // Added after rewards so that the fields before keep their positions (genesis v2).
  maxBlockTxs: u32,
  maxBlockBytes: u32,
});

export const genesisCodec = struct("Genesis", {
  chainId: text(MAX_CHAIN_ID_LENGTH),
  genesisTimeMs: u64,
  shardCount: u32,
  validators: list(validatorCodec, MAX_GENESIS_VALIDATORS),
  accounts: list(accountCodec, MAX_GENESIS_ACCOUNTS),
  params: paramsCodec,
});
