// Defaults and limits of the genesis parameters. docs/genesis.md explains each one; keep the
// two in step.
import { DEFAULT_MAX_BLOCK_TXS } from "../vm/params.ts";
import type { GenesisParams } from "./types.ts";

export const U128_MAX = (1n << 128n) - 1n;

export const MIN_SHARDS = 1;
export const MAX_SHARDS = 1024;
export const DEFAULT_SHARD_COUNT = 4;
export const MAX_GENESIS_VALIDATORS = 10_000;
export const MAX_GENESIS_ACCOUNTS = 1_000_000;
export const CHAIN_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,47}$/;
export const MAX_CHAIN_ID_LENGTH = 48;
export const MAX_VALIDATOR_NAME_LENGTH = 64;

const ISC = 10n ** 18n;

export const defaultGenesisParams: GenesisParams = {
  tokenDecimals: 18,
  blockIntervalMs: 1000,
  proposeTimeoutMs: 3000,
  voteTimeoutMs: 2000,
  timeoutIncreaseMs: 500,
  committeeSize: 4,
  epochLength: 32,
  // 14 days of 1-second blocks.
  unbondingPeriodBlocks: 1_209_600,
  maxBlockTxs: DEFAULT_MAX_BLOCK_TXS, // 20,000
  maxBlockBytes: 1_000_000,
  fees: {
    perByte: 1_000_000_000n, // 10^-9 ISC
    perType: {
      transfer: ISC / 1000n, // 0.001 ISC
      stake: ISC / 1000n,
      unstake: ISC / 1000n,
      register_validator: ISC, // 1 ISC, against registration spam
    },
  },
  rewards: {
    blockReward: ISC, // 1 ISC per beacon block
    auditShareBps: 500, // 5%
  },
};

export type IntegerParam = Exclude<keyof GenesisParams, "fees" | "rewards">;

/** Inclusive ranges of the integer parameters. */
export const integerParamLimits: Record<IntegerParam, { min: number; max: number }> = {
  tokenDecimals: { min: 0, max: 24 },
  // Local devnets and tests run 10-50 ms blocks; production genesis files keep 1000.
  blockIntervalMs: { min: 10, max: 600_000 },
  proposeTimeoutMs: { min: 100, max: 3_600_000 },
  voteTimeoutMs: { min: 100, max: 3_600_000 },
  timeoutIncreaseMs: { min: 0, max: 600_000 },
  committeeSize: { min: 4, max: 1024 },
  epochLength: { min: 1, max: 1_000_000 },
  unbondingPeriodBlocks: { min: 1, max: 0xffff_ffff },
  maxBlockTxs: { min: 1, max: 100_000 },
  // Counts only the encoded transactions. Consensus caps a block payload at 1 MiB
  // (consensus/messages.ts MAX_PAYLOAD_BYTES = 1,048,576 bytes), and the payload also carries a
  // small header (time, state and receipts roots) and the list framing of the transactions
  // (2 bytes per transaction under 256 bytes, 3 above). The maximum, 1008 KiB, leaves room for
  // the framing of a block packed with the smallest transactions (about 135 bytes: 7,646 of
  // them, 15.3 KB of framing) plus the header.
  maxBlockBytes: { min: 1024, max: 1_032_192 },
};

export const AUDIT_SHARE_BPS_MAX = 10_000;
