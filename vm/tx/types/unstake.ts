// unstake: start unbonding part of the stake. The amount leaves `staked` now and returns to the
// balance when the block at height + unbondingPeriodBlocks executes (see execution/unbonding.ts).
// On a shard, a registered validator's stake leaves the beacon registry at the next epoch
// after the beacon takes the receipt; the unbonding period must outlast that (docs/sharding.md).
import { struct, u128 } from "../../../crypto/index.ts";
import { ReceiptKind } from "../../cross-shard/receipt.ts";
import { tellBeacon } from "../../cross-shard/stake-receipts.ts";
import { TxFailure, TxFailureCode, TxInvalid } from "../../errors.ts";
import type { TxHandler } from "../handler.ts";

export interface UnstakeBody {
  amount: bigint;
}

export const unstake: TxHandler<UnstakeBody> = {
  type: "unstake",
  tag: 3,
  body: struct("Unstake", { amount: u128 }),
  check(body) {
    if (body.amount === 0n) throw new TxInvalid("unstake of zero");
  },
  async execute(ctx, body) {
    const account = await ctx.account(ctx.sender);
    if (account.staked < body.amount) {
      throw new TxFailure(TxFailureCode.insufficientStake, `staked ${account.staked} is less than ${body.amount}`);
    }
    account.staked -= body.amount;
    account.unbonding += body.amount;
    const releaseHeight = ctx.height + ctx.params.unbondingPeriodBlocks;
    await ctx.scheduleUnbonding(releaseHeight, ctx.sender, body.amount);
    await tellBeacon(ctx, ReceiptKind.stakeUnbonded, body.amount);
    ctx.emit("unstake", [ctx.sender, body.amount, releaseHeight]);
  },
};
