// The totals an operator checks before launch, as `ubn genesis validate` prints them.
import { toHex } from "../crypto/index.ts";
import { genesisHash } from "./hash.ts";
import { shardOfAddress } from "./shard.ts";
import { formatGenesisTime } from "./time.ts";
import type { Genesis } from "./types.ts";

export interface GenesisSummary {
  chainId: string;
  genesisTime: string;
  shardCount: number;
  validators: number;
  totalStake: bigint;
  accounts: number;
  /** Number of genesis accounts on each shard, index = shard. */
  accountsPerShard: number[];
  totalBalance: bigint;
  /** Stakes plus balances: all ISC that exists at genesis. */
  totalSupply: bigint;
  /** Hex of genesisHash. */
  hash: string;
}

export function summarizeGenesis(genesis: Genesis): GenesisSummary {
  const totalStake = genesis.validators.reduce((sum, v) => sum + v.stake, 0n);
  const totalBalance = genesis.accounts.reduce((sum, a) => sum + a.balance, 0n);
  const accountsPerShard = new Array<number>(genesis.shardCount).fill(0);
  for (const a of genesis.accounts) {
    const shard = shardOfAddress(a.address, genesis.shardCount);
    accountsPerShard[shard] = (accountsPerShard[shard] as number) + 1;
  }
  return {
    chainId: genesis.chainId,
    genesisTime: formatGenesisTime(genesis.genesisTimeMs),
    shardCount: genesis.shardCount,
    validators: genesis.validators.length,
    totalStake,
    accounts: genesis.accounts.length,
    accountsPerShard,
    totalBalance,
    totalSupply: totalStake + totalBalance,
    hash: toHex(genesisHash(genesis)),
  };
}
