// The checks of a transaction that need neither state nor signature verification, cheapest
// first: size; then the hash against what the pool holds or has seen included, so the copies
// of a transaction that gossip brings from every peer cost a hash and no decoding; then
// decoding and the stateless rules (the block's own decodeAndCheck, so the pool and a block
// can never disagree on them); then the fee against the fee schedule.
import { toHex } from "../../crypto/index.ts";
import {
  BlockError,
  type BlockErrorCode,
  type DecodedTx,
  decodeAndCheck,
  MAX_TX_BYTES,
  requiredFeeForSize,
  transactionHash,
  type VmParams,
} from "../../vm/index.ts";
import { MempoolError, MempoolErrorCode, refusal } from "./errors.ts";
import type { PoolTx } from "./pool-tx.ts";

/** A transaction that passed the stateless checks; arrival time and order are set on admission. */
export type Candidate = Omit<PoolTx, "addedAtMs" | "seq">;

export type Screened = { ok: true; candidate: Candidate } | { ok: false; hash: Uint8Array | null; error: MempoolError };

// decodeAndCheck reports through block codes; these are the only ones it uses.
const FROM_BLOCK_CODE: Partial<Record<BlockErrorCode, MempoolErrorCode>> = {
  BLOCK_TX_MALFORMED: MempoolErrorCode.malformed,
  BLOCK_TX_WRONG_CHAIN: MempoolErrorCode.wrongChain,
  BLOCK_TX_BAD_SIGNATURE: MempoolErrorCode.badSignature,
  BLOCK_TX_INVALID: MempoolErrorCode.invalid,
};

/**
 * `index` is the position in the batch, named in error messages; `duplicateOf` says why a hash
 * is a duplicate ("already in the pool"...), or null.
 */
export function screen(
  bytes: Uint8Array,
  index: number,
  params: VmParams,
  duplicateOf: (hashKey: string) => string | null,
): Screened {
  if (bytes.length > MAX_TX_BYTES) {
    const error = refusal(index, MempoolErrorCode.tooLarge, `${bytes.length} bytes, at most ${MAX_TX_BYTES}`);
    return { ok: false, hash: null, error };
  }
  const hash = transactionHash(bytes);
  const hashKey = toHex(hash);
  const duplicate = duplicateOf(hashKey);
  if (duplicate !== null) {
    return { ok: false, hash, error: refusal(index, MempoolErrorCode.duplicate, `the transaction is ${duplicate}`) };
  }
  let decoded: DecodedTx;
  try {
    decoded = decodeAndCheck(bytes, index, params.chainId);
  } catch (e) {
    const code = e instanceof BlockError ? FROM_BLOCK_CODE[e.code] : undefined;
    if (!(e instanceof BlockError) || code === undefined) throw e;
    // The block error's message already names the position ("transaction i: ...").
    const error = new MempoolError(code, e.message, { cause: e });
    return { ok: false, hash: code === MempoolErrorCode.malformed ? null : hash, error };
  }
  const { tx, sender, payer } = decoded;
  const required = requiredFeeForSize(tx.payload.type, bytes.length, params);
  if (tx.fee < required) {
    const message = `fee ${tx.fee} is below the required ${required} (${bytes.length} bytes, ${tx.payload.type})`;
    return { ok: false, hash, error: refusal(index, MempoolErrorCode.feeTooLow, message) };
  }
  const senderKey = toHex(sender);
  const tip = tx.fee - required;
  return {
    ok: true,
    candidate: {
      hash,
      hashKey,
      bytes,
      tx,
      sender,
      senderKey,
      payer,
      payerKey: payer === sender ? senderKey : toHex(payer),
      nonce: tx.nonce,
      fee: tx.fee,
      tip,
      tipPerByte: Number(tip) / bytes.length,
      size: bytes.length,
    },
  };
}
