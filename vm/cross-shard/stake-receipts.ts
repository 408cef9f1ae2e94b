// On a shard of a sharded network, a change of a registered validator's bonded stake is also
// told to the beacon chain, whose registry draws committees from it: a stake receipt to the
// beacon names the consensus key the owner registered and the amount. The stake itself stays
// bonded here (its balance, nonce and unbonding queue live on this shard), so the receipt
// moves no value. An account with no registered key is not a validator: nothing is sent, and
// registering a key later tells the beacon everything staked so far.
import { keyOfOwnerKey } from "../account.ts";
import type { TxContext } from "../execution/tx-context.ts";
import { homeChainOf } from "./outbox.ts";
import { BEACON_CHAIN, type ReceiptKind } from "./receipt.ts";

export async function tellBeacon(
  ctx: TxContext,
  kind: typeof ReceiptKind.stakeBonded | typeof ReceiptKind.stakeUnbonded,
  amount: bigint,
  validator?: Uint8Array,
): Promise<void> {
  if (amount === 0n || homeChainOf(ctx.params.chain, ctx.sender) === null) return;
  const key = validator ?? (await ctx.getRaw(keyOfOwnerKey(ctx.sender)));
  if (key === undefined) return;
  ctx.send({ destination: BEACON_CHAIN, kind, from: ctx.sender, to: ctx.sender, amount, validator: key });
}
