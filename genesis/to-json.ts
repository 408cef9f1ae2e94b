// The genesis as the JSON file people read and edit: fixed member order, 2-space indentation,
// a final newline, amounts as decimal strings. Validators and accounts stay in the order
// given (the builder appends); the hash does not depend on that order (hash.ts).
import { formatAddress, toHex } from "../crypto/index.ts";
import { formatGenesisTime } from "./time.ts";
import { type Genesis, TX_TYPES } from "./types.ts";

export function genesisToJsonValue(genesis: Genesis): Record<string, unknown> {
  const p = genesis.params;
  return {
    chainId: genesis.chainId,
    genesisTime: formatGenesisTime(genesis.genesisTimeMs),
    shardCount: genesis.shardCount,
    validators: genesis.validators.map((v) => ({
      ...(v.name === undefined ? {} : { name: v.name }),
      publicKey: toHex(v.publicKey),
      stake: v.stake.toString(),
    })),
    accounts: genesis.accounts.map((a) => ({ address: formatAddress(a.address), balance: a.balance.toString() })),
    params: {
      tokenDecimals: p.tokenDecimals,
      blockIntervalMs: p.blockIntervalMs,
      proposeTimeoutMs: p.proposeTimeoutMs,
      voteTimeoutMs: p.voteTimeoutMs,
      timeoutIncreaseMs: p.timeoutIncreaseMs,
      committeeSize: p.committeeSize,
      epochLength: p.epochLength,
      unbondingPeriodBlocks: p.unbondingPeriodBlocks,
      maxBlockTxs: p.maxBlockTxs,
      maxBlockBytes: p.maxBlockBytes,
      fees: {
        perByte: p.fees.perByte.toString(),
        perType: Object.fromEntries(TX_TYPES.map((t) => [t, p.fees.perType[t].toString()])),
      },
      rewards: { blockReward: p.rewards.blockReward.toString(), auditShareBps: p.rewards.auditShareBps },
    },
  };
}

export function genesisToJson(genesis: Genesis): string {
  return `${JSON.stringify(genesisToJsonValue(genesis), null, 2)}\n`;
}
