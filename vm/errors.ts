// Two kinds of failure, kept apart on purpose:
// - BlockError: the block is invalid and must be rejected whole; nothing of it is applied.
//   These are failures the proposer could have seen before proposing (bad signature, wrong
//   chain, nonce gap, fee below the minimum or not payable).
// - TxFailure: the transaction is included, its fee is paid and its nonce used, but its effect
//   is rolled back and its receipt says why (e.g. the balance ran out at execution time).
import { CodedError } from "../crypto/index.ts";
export const BlockErrorCode = {
  tooManyTxs: "BLOCK_TOO_MANY_TXS",
  wrongChain: "BLOCK_WRONG_CHAIN",
  txMalformed: "BLOCK_TX_MALFORMED",
  txWrongChain: "BLOCK_TX_WRONG_CHAIN",
  txBadSignature: "BLOCK_TX_BAD_SIGNATURE",
  txBadNonce: "BLOCK_TX_BAD_NONCE",
  txFeeTooLow: "BLOCK_TX_FEE_TOO_LOW",
  txCannotPayFee: "BLOCK_TX_CANNOT_PAY_FEE",
  txInvalid: "BLOCK_TX_INVALID",
  /** The sender or fee sponsor lives on another shard. */
  txWrongShard: "BLOCK_TX_WRONG_SHARD",
  // Inbound cross-shard receipts (the shard layer proved them; these are the state's rules).
  receiptWrongChain: "BLOCK_RECEIPT_WRONG_CHAIN",
  receiptReplayed: "BLOCK_RECEIPT_REPLAYED",
  receiptGap: "BLOCK_RECEIPT_GAP",
  receiptWrongKind: "BLOCK_RECEIPT_WRONG_KIND",
} as const;
export type BlockErrorCode = (typeof BlockErrorCode)[keyof typeof BlockErrorCode];

export class BlockError extends CodedError<BlockErrorCode> {
  override name = "BlockError";
  /** Index of the offending transaction in the block, when one is to blame. */
  readonly txIndex: number | undefined;

  constructor(code: BlockErrorCode, message: string, txIndex?: number) {
    super(code, txIndex === undefined ? message : `transaction ${txIndex}: ${message}`);
    this.txIndex = txIndex;
  }
}

export const TxFailureCode = {
  insufficientBalance: "TX_INSUFFICIENT_BALANCE",
  insufficientStake: "TX_INSUFFICIENT_STAKE",
  validatorExists: "TX_VALIDATOR_EXISTS",
  nothingStaked: "TX_NOTHING_STAKED",
} as const;
export type TxFailureCode = (typeof TxFailureCode)[keyof typeof TxFailureCode];

/** Thrown by a transaction type's execution to fail the transaction (not the block). */
export class TxFailure extends CodedError<TxFailureCode> {
  override name = "TxFailure";
}

/** A transaction that can never be valid, whatever the state (stateless checks). */
export class TxInvalid extends Error {
  override name = "TxInvalid";
}
