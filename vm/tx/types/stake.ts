// stake: bond part of the sender's balance. On a shard the stake stays bonded here and, for a
// registered validator, the beacon chain is told by receipt (cross-shard/stake-receipts.ts).
import { struct, u128 } from "../../../crypto/index.ts";
import { ReceiptKind } from "../../cross-shard/receipt.ts";
import { tellBeacon } from "../../cross-shard/stake-receipts.ts";
import { TxFailure, TxFailureCode, TxInvalid } from "../../errors.ts";
import type { TxHandler } from "../handler.ts";

export interface StakeBody {
  amount: bigint;
}

export const stake: TxHandler<StakeBody> = {
  type: "stake",
  tag: 2,
  body: struct("Stake", { amount: u128 }),
  check(body) {
    if (body.amount === 0n) throw new TxInvalid("stake of zero");
  },
  async execute(ctx, body) {
    const account = await ctx.account(ctx.sender);
    if (account.balance < body.amount) {
      throw new TxFailure(TxFailureCode.insufficientBalance, `balance ${account.balance} is less than ${body.amount}`);
    }
    account.balance -= body.amount;
    account.staked += body.amount;
    await tellBeacon(ctx, ReceiptKind.stakeBonded, body.amount);
    ctx.emit("stake", [ctx.sender, body.amount]);
  },
};
