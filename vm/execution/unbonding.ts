// Unbonding releases are queued by the height at which they fall due, so a block pays out only
// the releases due at its own height: its cost grows with those, not with all stakers.
// On the beacon chain of a sharded network the balance lives on the owner's shard, so the
// release leaves by an unbond-return receipt instead of a local credit.
import { decodeUnbondingQueue, unbondingQueueKey } from "../account.ts";
import { type BlockOutbox, isBeacon } from "../cross-shard/outbox.ts";
import { ReceiptKind } from "../cross-shard/receipt.ts";
import { shardOfAddress } from "../cross-shard/shard-of.ts";
import type { BlockState } from "./block-state.ts";

const NO_ORIGIN = new Uint8Array(32);

export async function releaseDueUnbonding(
  block: BlockState,
  height: bigint,
  chain?: { id: number; shardCount: number },
  outbox?: BlockOutbox,
): Promise<void> {
  const key = unbondingQueueKey(height);
  const bytes = await block.getRaw(key);
  if (bytes === undefined) return;
  for (const { address, amount } of decodeUnbondingQueue(bytes)) {
    const account = await block.account(address);
    if (chain !== undefined && outbox !== undefined && isBeacon(chain)) {
      block.setAccount(address, { ...account, unbonding: account.unbonding - amount });
      const destination = shardOfAddress(address, chain.shardCount);
      await outbox.emit({
        destination,
        kind: ReceiptKind.unbondReturn,
        origin: NO_ORIGIN,
        from: address,
        to: address,
        amount,
      });
      continue;
    }
    block.setAccount(address, { ...account, unbonding: account.unbonding - amount, balance: account.balance + amount });
  }
  block.putRaw(key, null);
}
