// The fast-sync checks' context over the consensus engine test helpers' chain and a committee.
import type { ValidatorSet } from "../../../consensus/index.ts";
import { sha256, verifyNative } from "../../../crypto/index.ts";
import type { RangeContext } from "../../../node/sync/verify-range.ts";
import { CHAIN, GENESIS } from "../../consensus/engine/helpers.ts";

export function testRangeContext(validators: ValidatorSet): RangeContext {
  return {
    chainId: CHAIN,
    // The engine helpers hash whole payloads (the engine's default); node shard chains hash headers.
    payloadDigest: sha256,
    genesisHash: GENESIS,
    validators,
    verify: async (items) => items.map((it) => verifyNative(it.publicKey, it.message, it.signature)),
  };
}
