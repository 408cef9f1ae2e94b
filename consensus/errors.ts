// Why the engine refused something. Inside handle() these are thrown by the checks and caught
// at the top, where the code becomes the `dropped` label of stats(); createEngine throws them
// for a configuration the host must fix (bad options, corrupt persisted state).
import { CodedError } from "../crypto/index.ts";

export const ConsensusErrorCode = {
  // Configuration (thrown by createEngine / validator-set checks).
  invalidOptions: "CONSENSUS_INVALID_OPTIONS",
  invalidValidatorSet: "CONSENSUS_INVALID_VALIDATOR_SET",
  invalidPersistedState: "CONSENSUS_INVALID_PERSISTED_STATE",
  // Messages that cannot be read or do not belong here.
  malformed: "CONSENSUS_MALFORMED_MESSAGE",
  unknownEpoch: "CONSENSUS_UNKNOWN_EPOCH",
  wrongEpoch: "CONSENSUS_WRONG_EPOCH",
  unknownValidator: "CONSENSUS_UNKNOWN_VALIDATOR",
  badSignature: "CONSENSUS_BAD_SIGNATURE",
  badCertificate: "CONSENSUS_BAD_CERTIFICATE",
  notLeader: "CONSENSUS_NOT_LEADER",
  staleRound: "CONSENSUS_STALE_ROUND",
  futureRound: "CONSENSUS_FUTURE_ROUND",
  invalidBlock: "CONSENSUS_INVALID_BLOCK",
  conflictsWithCommit: "CONSENSUS_CONFLICTS_WITH_COMMIT",
  duplicate: "CONSENSUS_DUPLICATE",
  // Safety rules said no.
  voteRefused: "CONSENSUS_VOTE_REFUSED",
  timeoutRefused: "CONSENSUS_TIMEOUT_REFUSED",
  proposalRefused: "CONSENSUS_PROPOSAL_REFUSED",
  // Host answers that no longer match anything.
  invalidPayload: "CONSENSUS_INVALID_PAYLOAD",
  unknownVerdict: "CONSENSUS_UNKNOWN_VERDICT",
  stalePayload: "CONSENSUS_STALE_PAYLOAD",
  // Sync and bounded buffers.
  unsolicitedSync: "CONSENSUS_UNSOLICITED_SYNC",
  capacity: "CONSENSUS_CAPACITY",
  // The beacon chain's checks of shard blocks.
  invalidCrosslink: "CONSENSUS_INVALID_CROSSLINK",
} as const;
export type ConsensusErrorCode = (typeof ConsensusErrorCode)[keyof typeof ConsensusErrorCode];

export class ConsensusError extends CodedError<ConsensusErrorCode> {
  override name = "ConsensusError";
}

export function isConsensusError(e: unknown): e is ConsensusError {
  return e instanceof ConsensusError;
}
