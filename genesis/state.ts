// From genesis to the first state: balances, stakes, validator records and the supply totals,
// and the VM parameters. The genesis state root is derived from the genesis this way, so two
// nodes with the same genesis hash start from the same state root.
import { addressBytesOf } from "../crypto/index.ts";
import {
  type Account,
  type AuthenticatedState,
  accountKey,
  emptyAccount,
  encodeAccount,
  encodeTotals,
  encodeValidator,
  keyOfOwnerKey,
  TOTALS_KEY,
  type VmParams,
  validatorKey,
} from "../vm/index.ts";
import { shardOfAddress } from "./shard.ts";
import type { Genesis } from "./types.ts";

export function vmParamsOf(genesis: Genesis): VmParams {
  const p = genesis.params;
  return {
    chainId: genesis.chainId,
    fees: { perByte: p.fees.perByte, perType: { ...p.fees.perType } },
    unbondingPeriodBlocks: BigInt(p.unbondingPeriodBlocks),
    blockReward: p.rewards.blockReward,
    maxBlockTxs: p.maxBlockTxs,
  };
}

export interface ApplyGenesisOptions {
  /** Load only the accounts that live on this shard; all of them when omitted. */
  shard?: number;
}

/**
 * Writes the genesis allocations into an empty state (uncommitted) and returns the root it
 * would have. Accounts are written in address order, though the root depends only on content.
 */
export async function applyGenesis(
  state: AuthenticatedState,
  genesis: Genesis,
  opts: ApplyGenesisOptions = {},
): Promise<Uint8Array> {
  const onShard = (address: Uint8Array) =>
    opts.shard === undefined || shardOfAddress(address, genesis.shardCount) === opts.shard;
  const accounts = new Map<string, { address: Uint8Array; account: Account }>();
  const accountOf = (address: Uint8Array) => {
    const id = Buffer.from(address).toString("hex");
    let entry = accounts.get(id);
    if (!entry) {
      entry = { address, account: emptyAccount() };
      accounts.set(id, entry);
    }
    return entry.account;
  };
  let supply = 0n;
  for (const a of genesis.accounts) {
    if (!onShard(a.address)) continue;
    accountOf(a.address).balance += a.balance;
    supply += a.balance;
  }
  for (const v of genesis.validators) {
    const owner = addressBytesOf(v.publicKey);
    if (!onShard(owner)) continue;
    accountOf(owner).staked += v.stake;
    supply += v.stake;
    state.set(validatorKey(v.publicKey), encodeValidator({ owner, registeredAt: 0n }));
    state.set(keyOfOwnerKey(owner), v.publicKey);
  }
  for (const id of [...accounts.keys()].sort()) {
    const { address, account } = accounts.get(id) as { address: Uint8Array; account: Account };
    state.set(accountKey(address), encodeAccount(account));
  }
  state.set(TOTALS_KEY, encodeTotals({ genesisSupply: supply, minted: 0n, burned: 0n }));
  return state.pendingRoot();
}
