// stake: bond part of the sender's balance.
import { struct, u128 } from "../../../crypto/index.ts";
import { homeChainOf } from "../../cross-shard/outbox.ts";
import { BEACON_CHAIN, ReceiptKind } from "../../cross-shard/receipt.ts";
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
    // On a shard the stake goes to the beacon chain, which keeps the validator registry.
    if (homeChainOf(ctx.params.chain, ctx.sender) !== null) {
      ctx.send({
        destination: BEACON_CHAIN,
        kind: ReceiptKind.stakeDeposit,
        from: ctx.sender,
        to: ctx.sender,
        amount: body.amount,
      });
      ctx.emit("stake_out", [ctx.sender, body.amount]);
      return;
    }
    account.staked += body.amount;
    ctx.emit("stake", [ctx.sender, body.amount]);
  },
};
