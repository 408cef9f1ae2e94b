// Counters for the simulator and the benchmarks: messages and signature checks per committed
// block, and what was dropped and why (a ConsensusErrorCode, so the labels stay bounded).
import type { MessageKind } from "./messages.ts";

export interface EngineStats {
  /** `send` and `broadcast` actions (a broadcast counts once). */
  messagesSent: number;
  messagesReceived: number;
  sentByKind: Record<MessageKind, number>;
  receivedByKind: Record<MessageKind, number>;
  /** Signatures passed to modules.verify. */
  signaturesVerified: number;
  verifyCalls: number;
  signaturesCreated: number;
  qcsFormed: number;
  tcsFormed: number;
  localTimeouts: number;
  /** Rounds given the short timeout: their leader or vote collector had gone silent. */
  shortRounds: number;
  blocksCommitted: number;
  persists: number;
  /** Inputs (or parts of them) ignored, by ConsensusErrorCode. */
  dropped: Record<string, number>;
}

export interface EngineStatus {
  round: bigint;
  epoch: bigint;
  committedHeight: bigint;
  committedRound: bigint;
  highQcRound: bigint;
  highTcRound: bigint;
  lastVotedRound: bigint;
}

const byKind = (): Record<MessageKind, number> => ({
  proposal: 0,
  vote: 0,
  timeout: 0,
  "sync-request": 0,
  "sync-response": 0,
  certificate: 0,
});

export function newStats(): EngineStats {
  return {
    messagesSent: 0,
    messagesReceived: 0,
    sentByKind: byKind(),
    receivedByKind: byKind(),
    signaturesVerified: 0,
    verifyCalls: 0,
    signaturesCreated: 0,
    qcsFormed: 0,
    tcsFormed: 0,
    localTimeouts: 0,
    shortRounds: 0,
    blocksCommitted: 0,
    persists: 0,
    dropped: {},
  };
}
