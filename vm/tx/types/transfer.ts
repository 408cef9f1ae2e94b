// transfer: move ISC from the sender's balance to another account.
import { fixedBytes, struct, u128 } from "../../../crypto/index.ts";
import { homeChainOf } from "../../cross-shard/outbox.ts";
import { ReceiptKind } from "../../cross-shard/receipt.ts";
import { TxFailure, TxFailureCode, TxInvalid } from "../../errors.ts";
import type { TxHandler } from "../handler.ts";

export interface TransferBody {
  /** The recipient's 20-byte address. */
  to: Uint8Array;
  amount: bigint;
}

export const transfer: TxHandler<TransferBody> = {
  type: "transfer",
  tag: 1,
  body: struct("Transfer", { to: fixedBytes(20), amount: u128 }),
  check(body) {
    if (body.amount === 0n) throw new TxInvalid("transfer of zero");
  },
  async execute(ctx, body) {
    const from = await ctx.account(ctx.sender);
    if (from.balance < body.amount) {
      throw new TxFailure(
        TxFailureCode.insufficientBalance,
        `balance ${from.balance} is less than the amount ${body.amount}`,
      );
    }
    from.balance -= body.amount;
    // A recipient on another shard is credited there, by receipt, once this block is crosslinked.
    const chain = ctx.params.chain;
    const destination = homeChainOf(chain, body.to);
    if (destination !== null && destination !== chain?.id) {
      ctx.send({ destination, kind: ReceiptKind.transfer, from: ctx.sender, to: body.to, amount: body.amount });
      ctx.emit("transfer_out", [ctx.sender, body.to, body.amount, BigInt(destination)]);
      return;
    }
    const to = await ctx.account(body.to);
    to.balance += body.amount;
    ctx.emit("transfer", [ctx.sender, body.to, body.amount]);
  },
};
