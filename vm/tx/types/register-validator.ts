// register_validator: name the consensus key that will sign for the sender's stake. A key is
// registered once and an account registers one key (its stake backs that key). On a shard of
// a sharded network the beacon chain is told by receipt of the stake bonded so far; later
// stake and unstake transactions tell it of each change (cross-shard/stake-receipts.ts).
import { ed25519 } from "@noble/curves/ed25519.js";
import { fixedBytes, struct, toHex } from "../../../crypto/index.ts";
import { decodeValidator, encodeValidator, keyOfOwnerKey, validatorKey } from "../../account.ts";
import { ReceiptKind } from "../../cross-shard/receipt.ts";
import { tellBeacon } from "../../cross-shard/stake-receipts.ts";
import { TxFailure, TxFailureCode, TxInvalid } from "../../errors.ts";
import type { TxHandler } from "../handler.ts";

export interface RegisterValidatorBody {
  /** Ed25519 public key used for consensus votes. */
  consensusKey: Uint8Array;
}

export const registerValidator: TxHandler<RegisterValidatorBody> = {
  type: "register_validator",
  tag: 4,
  body: struct("RegisterValidator", { consensusKey: fixedBytes(32) }),
  check(body) {
    let point: InstanceType<typeof ed25519.Point>;
    try {
      point = ed25519.Point.fromBytes(body.consensusKey, false);
    } catch {
      throw new TxInvalid("consensus key is not a valid Ed25519 point");
    }
    if (point.isSmallOrder()) throw new TxInvalid("consensus key is a point of small order");
  },
  async execute(ctx, body) {
    const account = await ctx.account(ctx.sender);
    if (account.staked === 0n) {
      throw new TxFailure(TxFailureCode.nothingStaked, "stake before registering a validator");
    }
    const key = validatorKey(body.consensusKey);
    const existing = await ctx.getRaw(key);
    if (existing !== undefined) {
      const owner = decodeValidator(existing).owner;
      throw new TxFailure(TxFailureCode.validatorExists, `consensus key already registered by ${toHex(owner)}`);
    }
    const ownKey = await ctx.getRaw(keyOfOwnerKey(ctx.sender));
    if (ownKey !== undefined) {
      throw new TxFailure(TxFailureCode.validatorExists, `this account already registered key ${toHex(ownKey)}`);
    }
    ctx.putRaw(key, encodeValidator({ owner: ctx.sender, registeredAt: ctx.height }));
    ctx.putRaw(keyOfOwnerKey(ctx.sender), body.consensusKey);
    await tellBeacon(ctx, ReceiptKind.stakeBonded, account.staked, body.consensusKey);
    ctx.emit("validator_registered", [ctx.sender, body.consensusKey]);
  },
};
