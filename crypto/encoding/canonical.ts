// The one byte form of every hashed or signed structure: MessagePack as msgpackr writes it
// (with the options in test/crypto/msgpackr-reference.ts), restricted to arrays (fixed field
// order), integers, big integers, byte strings, strings, booleans and null. writer.ts writes it
// and reader.ts reads it; the reader accepts exactly the bytes that encoding the decoded value
// would produce, so each value has one accepted encoding and malleated bytes are refused.
import { EncodingError, EncodingErrorCode } from "./errors.ts";
import { bigIntExtLength, fitsOneWord, MAX_BIGINT_BYTES, readCanonical } from "./reader.ts";
import { writeCanonical } from "./writer.ts";

export type CanonicalValue = null | boolean | number | bigint | string | Uint8Array | CanonicalValue[];

/** Default cap for a single decoded message; callers with bigger objects pass their own. */
export const DEFAULT_MAX_BYTES = 1 << 20;

// Small integers stay JS numbers; anything that may exceed 32 bits must be a bigint, so
// that no value is ever written as a float.
const MIN_NUMBER = -(2 ** 31);
const MAX_NUMBER = 2 ** 32 - 1;

export function encodeCanonical(value: CanonicalValue): Uint8Array {
  const problem = findUnencodable(value, 0);
  if (problem !== null) {
    const path = `$${problem.indices.map((i) => `[${i}]`).join("")}`;
    throw new EncodingError(EncodingErrorCode.unencodable, problem.reason, path);
  }
  return writeCanonical(value);
}

export interface DecodeOptions {
  maxBytes?: number;
}

export function decodeCanonical(bytes: Uint8Array, opts: DecodeOptions = {}): CanonicalValue {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  if (!(bytes instanceof Uint8Array)) {
    throw new EncodingError(EncodingErrorCode.unsupportedType, "input is not a byte array");
  }
  if (bytes.length > maxBytes) {
    throw new EncodingError(EncodingErrorCode.oversized, `${bytes.length} bytes exceeds the limit of ${maxBytes}`);
  }
  if (bytes.length === 0) throw new EncodingError(EncodingErrorCode.truncated, "empty input");
  return readCanonical(bytes);
}

/** Why `value` cannot be encoded and where (indices from the top), or null if it can. */
interface Unencodable {
  reason: string;
  indices: number[];
}

// The path is put together only on failure, on the way back up: building a path string for
// every element on the way down was more than half the cost of encoding a transaction.
function findUnencodable(value: unknown, depth: number): Unencodable | null {
  if (depth > 32) return { reason: "nesting deeper than 32", indices: [] };
  switch (typeof value) {
    case "boolean":
      return null;
    case "bigint":
      // Beyond this no decoder takes it back (reader.ts); the check costs a shift below 2^64.
      if (fitsOneWord(value)) return null;
      return bigIntExtLength(value) <= MAX_BIGINT_BYTES
        ? null
        : { reason: `integer needs more than ${MAX_BIGINT_BYTES} bytes`, indices: [] };
    case "string":
      // A lone surrogate has no UTF-8 form: msgpackr would write bytes no decoder accepts.
      return value.isWellFormed() ? null : { reason: "string with a lone surrogate", indices: [] };
    case "number":
      if (Number.isInteger(value) && value >= MIN_NUMBER && value <= MAX_NUMBER) return null;
      return { reason: `number ${value} is not a 32-bit integer (use bigint for larger values)`, indices: [] };
    case "object":
      if (value === null || value instanceof Uint8Array) return null;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const inner = findUnencodable(value[i], depth + 1);
          if (inner !== null) {
            inner.indices.unshift(i);
            return inner;
          }
        }
        return null;
      }
  }
  return { reason: `cannot encode ${describe(value)}`, indices: [] };
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return value.constructor?.name ?? "object";
  return typeof value;
}
