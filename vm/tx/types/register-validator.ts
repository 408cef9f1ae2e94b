// register_validator: name the consensus key that will sign for the sender's stake. The key is
// recorded once; the beacon chain (a later issue) turns registrations into validator sets.
import { ed25519 } from "@noble/curves/ed25519.js";
import { fixedBytes, struct } from "../../../crypto/index.ts";
import { decodeValidator, encodeValidator, validatorKey } from "../../account.ts";
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
      throw new TxFailure(
        TxFailureCode.validatorExists,
        `consensus key already registered by ${Buffer.from(owner).toString("hex")}`,
      );
    }
    ctx.putRaw(key, encodeValidator({ owner: ctx.sender, registeredAt: ctx.height }));
    ctx.emit("validator_registered", [ctx.sender, body.consensusKey]);
  },
};
