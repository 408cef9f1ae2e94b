// Why the pool refused a transaction. The codes are stable: RPC returns them to wallets, gossip
// scores peers by them, and metrics use them as labels (a fixed set, so labels stay bounded).
import { CodedError } from "../../crypto/index.ts";

export const MempoolErrorCode = {
  /** Not the canonical encoding of a signed transaction. */
  malformed: "MEMPOOL_MALFORMED",
  /** Over MAX_TX_BYTES, refused before decoding. */
  tooLarge: "MEMPOOL_TOO_LARGE",
  /** Signed for another chain id. */
  wrongChain: "MEMPOOL_WRONG_CHAIN",
  /** A stateless check of the envelope or payload fails (zero amount, sponsor = sender...). */
  invalid: "MEMPOOL_INVALID",
  /** A sender or sponsor signature does not verify, or a sponsor lacks its signature. */
  badSignature: "MEMPOOL_BAD_SIGNATURE",
  /** The offered fee is below the chain's required fee for this size and type. */
  feeTooLow: "MEMPOOL_FEE_TOO_LOW",
  /** The nonce is already used: a replay, or a transaction overtaken by another. */
  nonceTooLow: "MEMPOOL_NONCE_TOO_LOW",
  /** The nonce is too far above the sender's account nonce to be held. */
  nonceGap: "MEMPOOL_NONCE_GAP",
  /** The fee payer's balance is below the offered fee. */
  cannotPayFee: "MEMPOOL_CANNOT_PAY_FEE",
  /** Already in the pool, earlier in the same batch, or recently included in a block. */
  duplicate: "MEMPOOL_DUPLICATE",
  /** Same sender and nonce as a queued transaction, without a fee at least 10% higher. */
  replacementUnderpriced: "MEMPOOL_REPLACEMENT_UNDERPRICED",
  /**
   * The pool is full: it holds nothing of lower priority that could make room, or (the node's
   * overload guard, node/chain/chain-runner.ts) it is at its count limit, where nothing new is
   * looked at until blocks drain it.
   */
  full: "MEMPOOL_FULL",
  /** The sender already has maxPerSender transactions queued. */
  senderFull: "MEMPOOL_SENDER_FULL",
  /** The pool was constructed with options it cannot work with. */
  invalidOptions: "MEMPOOL_INVALID_OPTIONS",
} as const;
export type MempoolErrorCode = (typeof MempoolErrorCode)[keyof typeof MempoolErrorCode];

/** A refusal: a verdict on a transaction, built without a stack trace (crypto/coded-error.ts). */
export class MempoolError extends CodedError<MempoolErrorCode> {
  override name = "MempoolError";

  constructor(code: MempoolErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, { ...options, stackless: true });
  }
}

export function isMempoolError(e: unknown): e is MempoolError {
  return e instanceof MempoolError;
}

/** The refusal of the transaction at `index` of a batch; the message names its position. */
export function refusal(index: number, code: MempoolErrorCode, message: string): MempoolError {
  return new MempoolError(code, `transaction ${index}: ${message}`);
}
