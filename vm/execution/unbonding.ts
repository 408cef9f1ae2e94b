// Unbonding releases are queued by the height at which they fall due, so a block pays out only
// the releases due at its own height: its cost grows with those, not with all stakers.
// Stake is bonded on the chain that holds the owner's balance (its shard, in a sharded network;
// the beacon registry only counts it), so a release is always a local credit.
import { decodeUnbondingQueue, unbondingQueueKey } from "../account.ts";
import type { BlockState } from "./block-state.ts";

export async function releaseDueUnbonding(block: BlockState, height: bigint): Promise<void> {
  const key = unbondingQueueKey(height);
  const bytes = await block.getRaw(key);
  if (bytes === undefined) return;
  for (const { address, amount } of decodeUnbondingQueue(bytes)) {
    const account = await block.account(address);
    block.setAccount(address, { ...account, unbonding: account.unbonding - amount, balance: account.balance + amount });
  }
  block.putRaw(key, null);
}
