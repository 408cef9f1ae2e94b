// Errors of fast sync. Each one blames the peer that sent the data.
import { CodedError } from "../../crypto/index.ts";

export const SyncErrorCode = {
  malformed: "SYNC_MALFORMED",
  notAChain: "SYNC_NOT_A_CHAIN",
  badCertificate: "SYNC_BAD_CERTIFICATE",
} as const;
export type SyncErrorCode = (typeof SyncErrorCode)[keyof typeof SyncErrorCode];

export class SyncError extends CodedError<SyncErrorCode> {
  override name = "SyncError";
}
