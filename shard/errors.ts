// Why a shard block, header chain or inbound receipt was refused. String codes so callers can
// branch, label metrics and score peers without parsing messages.
import { CodedError } from "../crypto/index.ts";

export const ShardErrorCode = {
  // Header chains (crosslinks carry them).
  emptyHeaderChain: "SHARD_EMPTY_HEADER_CHAIN",
  tooManyHeaders: "SHARD_TOO_MANY_HEADERS",
  brokenHeaderChain: "SHARD_BROKEN_HEADER_CHAIN",
  wrongShard: "SHARD_WRONG_SHARD",
  // A block against its parent, its body and its own execution.
  bodyMismatch: "SHARD_BODY_MISMATCH",
  badHeader: "SHARD_BAD_HEADER",
  unknownBeacon: "SHARD_UNKNOWN_BEACON_BLOCK",
  rootMismatch: "SHARD_ROOT_MISMATCH",
  // Inbound receipts.
  notCrosslinked: "SHARD_NOT_CROSSLINKED",
  wrongDestination: "SHARD_WRONG_DESTINATION",
  wrongSource: "SHARD_WRONG_SOURCE",
  forgedProof: "SHARD_FORGED_PROOF",
  replayed: "SHARD_REPLAYED_RECEIPT",
  outOfOrder: "SHARD_RECEIPT_OUT_OF_ORDER",
  emptyBundle: "SHARD_EMPTY_BUNDLE",
} as const;
export type ShardErrorCode = (typeof ShardErrorCode)[keyof typeof ShardErrorCode];

export class ShardError extends CodedError<ShardErrorCode> {
  override name = "ShardError";
}

export function isShardError(e: unknown): e is ShardError {
  return e instanceof ShardError;
}
