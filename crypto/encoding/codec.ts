// Typed schemas over the canonical value model. A codec turns a typed object into a canonical
// value (a fixed-order array for structs) and checks the shape on the way back, so every
// decoder of the protocol is `decode(codec, bytes)` and fails only with EncodingError.
import { type CanonicalValue, type DecodeOptions, decodeCanonical, encodeCanonical } from "./canonical.ts";
import { EncodingError, EncodingErrorCode } from "./errors.ts";

export interface Codec<T> {
  readonly describe: string;
  toValue(value: T): CanonicalValue;
  fromValue(value: CanonicalValue, path: string): T;
}

export type CodecType<C> = C extends Codec<infer T> ? T : never;

export function encode<T>(codec: Codec<T>, value: T): Uint8Array {
  return encodeCanonical(codec.toValue(value));
}

export function decode<T>(codec: Codec<T>, bytes: Uint8Array, opts?: DecodeOptions): T {
  return codec.fromValue(decodeCanonical(bytes, opts), "$");
}

function mismatch(path: string, expected: string, got: CanonicalValue): EncodingError {
  const kind = got === null ? "null" : Array.isArray(got) ? "array" : got instanceof Uint8Array ? "bytes" : typeof got;
  return new EncodingError(EncodingErrorCode.schema, `expected ${expected}, got ${kind}`, path);
}

function uintNumber(bits: 8 | 16 | 32): Codec<number> {
  const max = 2 ** bits - 1;
  const describe = `u${bits}`;
  return {
    describe,
    toValue: (v) => {
      if (!Number.isInteger(v) || v < 0 || v > max) {
        throw new EncodingError(EncodingErrorCode.unencodable, `${v} is not a ${describe}`);
      }
      return v;
    },
    fromValue: (v, path) => {
      if (typeof v !== "number" || v < 0 || v > max) throw mismatch(path, describe, v);
      return v;
    },
  };
}

/** Unsigned integer of up to `bits` bits, always a bigint (amounts, heights, nonces). */
function uintBig(bits: 64 | 128 | 256): Codec<bigint> {
  const max = (1n << BigInt(bits)) - 1n;
  const describe = `u${bits}`;
  return {
    describe,
    toValue: (v) => {
      if (typeof v !== "bigint" || v < 0n || v > max) {
        throw new EncodingError(EncodingErrorCode.unencodable, `${String(v)} is not a ${describe}`);
      }
      return v;
    },
    fromValue: (v, path) => {
      if (typeof v !== "bigint" || v < 0n || v > max) throw mismatch(path, describe, v);
      return v;
    },
  };
}

export const u8 = uintNumber(8);
export const u16 = uintNumber(16);
export const u32 = uintNumber(32);
export const u64 = uintBig(64);
export const u128 = uintBig(128);
export const u256 = uintBig(256);

export const bool: Codec<boolean> = {
  describe: "bool",
  toValue: (v) => v,
  fromValue: (v, path) => {
    if (typeof v !== "boolean") throw mismatch(path, "bool", v);
    return v;
  },
};

/** UTF-8 text of at most `maxLength` characters. */
export function text(maxLength: number): Codec<string> {
  const describe = `string(<=${maxLength})`;
  return {
    describe,
    toValue: (v) => {
      if (typeof v !== "string" || v.length > maxLength) {
        throw new EncodingError(EncodingErrorCode.unencodable, `not a ${describe}`);
      }
      return v;
    },
    fromValue: (v, path) => {
      if (typeof v !== "string" || v.length > maxLength) throw mismatch(path, describe, v);
      return v;
    },
  };
}

/** Byte string of exactly `length` bytes. */
export function fixedBytes(length: number): Codec<Uint8Array> {
  return boundedBytes(length, length, `bytes(${length})`);
}

/** Byte string of at most `maxLength` bytes. */
export function bytes(maxLength: number): Codec<Uint8Array> {
  return boundedBytes(0, maxLength, `bytes(<=${maxLength})`);
}

function boundedBytes(min: number, max: number, describe: string): Codec<Uint8Array> {
  const ok = (v: unknown): v is Uint8Array => v instanceof Uint8Array && v.length >= min && v.length <= max;
  return {
    describe,
    toValue: (v) => {
      if (!ok(v)) throw new EncodingError(EncodingErrorCode.unencodable, `not ${describe}`);
      return v;
    },
    fromValue: (v, path) => {
      if (!ok(v)) throw mismatch(path, describe, v);
      return v;
    },
  };
}

export function list<T>(item: Codec<T>, maxItems: number): Codec<T[]> {
  const describe = `list<${item.describe}>(<=${maxItems})`;
  return {
    describe,
    toValue: (v) => {
      if (!Array.isArray(v) || v.length > maxItems) {
        throw new EncodingError(EncodingErrorCode.unencodable, `not a ${describe}`);
      }
      return v.map((x) => item.toValue(x));
    },
    fromValue: (v, path) => {
      if (!Array.isArray(v) || v.length > maxItems) throw mismatch(path, describe, v);
      return v.map((x, i) => item.fromValue(x, `${path}[${i}]`));
    },
  };
}

export function optional<T>(inner: Codec<T>): Codec<T | null> {
  return {
    describe: `${inner.describe}?`,
    toValue: (v) => (v === null ? null : inner.toValue(v)),
    fromValue: (v, path) => (v === null ? null : inner.fromValue(v, path)),
  };
}

type Shape = Record<string, Codec<any>>;
export type StructType<S extends Shape> = { [K in keyof S]: CodecType<S[K]> };

/**
 * A record written as an array in the order the fields are declared. The order is part of the
 * protocol: append new fields only in a new version of the structure.
 */
export function struct<S extends Shape>(name: string, shape: S): Codec<StructType<S>> {
  const fields = Object.entries(shape);
  return {
    describe: name,
    toValue: (v) => fields.map(([key, codec]) => codec.toValue((v as Record<string, unknown>)[key])),
    fromValue: (v, path) => {
      if (!Array.isArray(v)) throw mismatch(path, name, v);
      if (v.length !== fields.length) {
        throw new EncodingError(EncodingErrorCode.schema, `${name} has ${fields.length} fields, got ${v.length}`, path);
      }
      const out: Record<string, unknown> = {};
      for (let i = 0; i < fields.length; i++) {
        const [key, codec] = fields[i] as [string, Codec<unknown>];
        out[key] = codec.fromValue(v[i] as CanonicalValue, `${path}.${key}`);
      }
      return out as StructType<S>;
    },
  };
}
