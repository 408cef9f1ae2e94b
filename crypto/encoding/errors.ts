// One error class for everything that can go wrong turning bytes into values, so that a caller
// (gossip handler, RPC, sync) catches exactly one type and can use `code` as a metric label.
import { CodedError } from "../coded-error.ts";

export const EncodingErrorCode = {
  oversized: "ENCODING_OVERSIZED",
  truncated: "ENCODING_TRUNCATED",
  trailingBytes: "ENCODING_TRAILING_BYTES",
  unsupportedType: "ENCODING_UNSUPPORTED_TYPE",
  tooDeep: "ENCODING_TOO_DEEP",
  nonCanonical: "ENCODING_NON_CANONICAL",
  schema: "ENCODING_SCHEMA_MISMATCH",
  unencodable: "ENCODING_UNENCODABLE_VALUE",
} as const;
export type EncodingErrorCode = (typeof EncodingErrorCode)[keyof typeof EncodingErrorCode];

export class EncodingError extends CodedError<EncodingErrorCode> {
  override name = "EncodingError";
  /** Byte offset (for malformed bytes) or field path (for schema mismatches), where known. */
  readonly at: string | undefined;

  constructor(code: EncodingErrorCode, message: string, at?: string | number) {
    super(code, at === undefined ? message : `${message} (at ${at})`);
    this.at = at === undefined ? undefined : String(at);
  }
}

export function isEncodingError(e: unknown): e is EncodingError {
  return e instanceof EncodingError;
}
