// One error class for a state whose store does not hold what the tree needs: a node missing or
// not hashing to its key (a damaged or foreign database), or a root asked for that was never
// committed. Codes double as metric labels.
import { CodedError } from "../../crypto/index.ts";
export const StateErrorCode = {
  missingNode: "STATE_MISSING_NODE",
  corruptNode: "STATE_CORRUPT_NODE",
  corruptRoot: "STATE_CORRUPT_ROOT",
  unknownRoot: "STATE_UNKNOWN_ROOT",
  /** The journal of commits whose nodes are not stored yet is damaged or does not rebuild the root. */
  corruptJournal: "STATE_CORRUPT_JOURNAL",
  commitInProgress: "STATE_COMMIT_IN_PROGRESS",
  /** stackOn() or commitLayer() on a state with pending writes (a bug in the caller). */
  pendingWrites: "STATE_PENDING_WRITES",
  /** commit() of writes standing on a layer, which only commitLayer() can store (a bug in the caller). */
  onLayer: "STATE_ON_LAYER",
} as const;
export type StateErrorCode = (typeof StateErrorCode)[keyof typeof StateErrorCode];

export class StateError extends CodedError<StateErrorCode> {
  override name = "StateError";
}

export function isStateError(e: unknown): e is StateError {
  return e instanceof StateError;
}
