// Errors of a running chain. CHAIN_DIVERGED and CHAIN_OUT_OF_ORDER mean the node can no longer
// trust its own store or execution; the node stops with the message rather than go on.
import { CodedError } from "../../crypto/index.ts";

export const ChainErrorCode = {
  /** Executing a certified block gave another state root than the one it names. */
  diverged: "CHAIN_DIVERGED",
  /** A commit that is not the child of the committed tip. */
  outOfOrder: "CHAIN_OUT_OF_ORDER",
  /**
   * A certified shard block names a beacon block this node has not committed yet (its beacon
   * chain is still catching up). Not a fault: the commit is tried again later.
   */
  beaconBehind: "CHAIN_BEACON_BEHIND",
  /** The database belongs to another chain or genesis, or its records do not decode. */
  wrongDatabase: "CHAIN_WRONG_DATABASE",
} as const;
export type ChainErrorCode = (typeof ChainErrorCode)[keyof typeof ChainErrorCode];

export class ChainError extends CodedError<ChainErrorCode> {
  override name = "ChainError";
}
