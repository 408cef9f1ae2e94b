// The one byte form of every hashed or signed structure: MessagePack as msgpackr writes it,
// restricted to arrays (fixed field order), integers, big integers, byte strings, strings,
// booleans and null. Decoding accepts exactly the bytes that encoding the decoded value would
// produce, so each value has one accepted encoding and malleated bytes are refused.
import { Packr } from "msgpackr";
import { equalBytes } from "../bytes.ts";
import { EncodingError, EncodingErrorCode } from "./errors.ts";
import { scanValue } from "./scan.ts";

export type CanonicalValue = null | boolean | number | bigint | string | Uint8Array | CanonicalValue[];

/** Default cap for a single decoded message; callers with bigger objects pass their own. */
export const DEFAULT_MAX_BYTES = 1 << 20;

// Small integers stay JS numbers; anything that may exceed 32 bits must be a bigint, so
// that no value is ever written as a float.
const MIN_NUMBER = -(2 ** 31);
const MAX_NUMBER = 2 ** 32 - 1;

const packr = new Packr({
  useRecords: false,
  structuredClone: false,
  int64AsType: "bigint",
  useBigIntExtension: true,
  mapsAsObjects: false,
  encodeUndefinedAsNil: false,
});

export function encodeCanonical(value: CanonicalValue): Uint8Array {
  const problem = findUnencodable(value, 0);
  if (problem !== null) {
    const path = `$${problem.indices.map((i) => `[${i}]`).join("")}`;
    throw new EncodingError(EncodingErrorCode.unencodable, problem.reason, path);
  }
  // packr writes into a shared scratch buffer; copy so callers own their bytes.
  return Uint8Array.from(packr.pack(value));
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
  const end = scanValue(bytes);
  if (end !== bytes.length) {
    throw new EncodingError(EncodingErrorCode.trailingBytes, `${bytes.length - end} bytes after the value`, end);
  }
  let value: unknown;
  try {
    // msgpackr caches a DataView as a property of the buffer it reads; give it a fresh view
    // so the caller's array is left exactly as it was.
    value = packr.unpack(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    throw new EncodingError(EncodingErrorCode.truncated, `malformed MessagePack: ${(e as Error).message}`);
  }
  const normalized = normalize(value);
  // The scan admitted only the canonical subset, so the value is encodable; compare against
  // packr's scratch output directly instead of a copy of it.
  if (!equalBytes(packr.pack(normalized), bytes)) {
    throw new EncodingError(EncodingErrorCode.nonCanonical, "bytes are not the canonical encoding of their value");
  }
  return normalized;
}

// msgpackr returns Buffers for byte strings; hand out plain Uint8Arrays so equality and
// serialization behave the same wherever the value came from.
function normalize(value: unknown): CanonicalValue {
  if (value instanceof Uint8Array) {
    return Buffer.isBuffer(value) ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength) : value;
  }
  if (Array.isArray(value)) return value.map(normalize);
  return value as CanonicalValue;
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
    case "bigint":
    case "string":
    case "boolean":
      return null;
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
