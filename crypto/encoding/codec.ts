// Typed schemas over the canonical value model. A codec turns a typed object into a canonical
// value (a fixed-order array for structs) and checks the shape on the way back, so every
// decoder of the protocol is `decode(codec, bytes)` and fails only with EncodingError.

import { allocateBytes } from "../bytes.ts";
import { type CanonicalValue, type DecodeOptions, decodeCanonical, encodeCanonical } from "./canonical.ts";
import { EncodingError, EncodingErrorCode } from "./errors.ts";
import { bigIntExtLength, fitsOneWord, MAX_BIGINT_BYTES } from "./reader.ts";
import { arrayHeaderSize, bigintSize, bytesSize, CanonicalWriter, numberSize, stringSize } from "./writer.ts";

export interface Codec<T> {
  readonly describe: string;
  toValue(value: T): CanonicalValue;
  fromValue(value: CanonicalValue, path: string): T;
  /**
   * Optional, with directWrite: the encoded size of `value`, or -1 when this codec cannot write
   * it directly (it is invalid, or a part has no direct writer). encode() then takes the route
   * through toValue, which names the problem.
   */
  directSize?(value: T): number;
  /** Writes what directSize measured, the bytes toValue and the generic writer would make. */
  directWrite?(w: CanonicalWriter, value: T): void;
}

export type CodecType<C> = C extends Codec<infer T> ? T : never;

// Most values are written straight from the typed object: toValue's intermediate arrays, the
// check of the whole tree for unencodable parts and the sizing pass over it were most of the
// cost of encoding an account or a receipt (docs/encoding.md). Each direct writer checks what
// its toValue checks, so a value either has the same bytes both ways or goes the old way.
export function encode<T>(codec: Codec<T>, value: T): Uint8Array {
  if (codec.directSize !== undefined && codec.directWrite !== undefined) {
    const n = codec.directSize(value);
    if (n >= 0) {
      const out = allocateBytes(n);
      const w = new CanonicalWriter(out);
      codec.directWrite(w, value);
      if (w.written !== n) throw new Error(`${codec.describe}: wrote ${w.written} bytes, measured ${n}`);
      return out;
    }
  }
  return encodeCanonical(codec.toValue(value));
}

/** The direct size of a bigint, or -1 beyond what a reader takes back (canonical.ts refuses it). */
export function directBigintSize(v: bigint): number {
  return fitsOneWord(v) || bigIntExtLength(v) <= MAX_BIGINT_BYTES ? bigintSize(v) : -1;
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
    directSize: (v) => (Number.isInteger(v) && v >= 0 && v <= max ? numberSize(v) : -1),
    directWrite: (w, v) => w.number(v),
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
    // At most 256 bits, within the reader's limit.
    directSize: (v) => (typeof v === "bigint" && v >= 0n && v <= max ? bigintSize(v) : -1),
    directWrite: (w, v) => w.bigint(v),
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
  directSize: (v) => (typeof v === "boolean" ? 1 : -1),
  directWrite: (w, v) => w.boolean(v),
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
    // A lone surrogate has no UTF-8 form: such a string goes the generic way, which refuses it.
    directSize: (v) => (typeof v === "string" && v.length <= maxLength && v.isWellFormed() ? stringSize(v) : -1),
    directWrite: (w, v) => w.string(v),
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
    directSize: (v) => (ok(v) ? bytesSize(v) : -1),
    directWrite: (w, v) => w.bytes(v),
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
    ...directListWriter(item, maxItems),
  };
}

function directListWriter<T>(item: Codec<T>, maxItems: number): Pick<Codec<T[]>, "directSize" | "directWrite"> {
  const { directSize, directWrite } = item;
  if (directSize === undefined || directWrite === undefined) return {};
  return {
    directSize: (v) => {
      if (!Array.isArray(v) || v.length > maxItems) return -1;
      let n = arrayHeaderSize(v.length);
      for (let i = 0; i < v.length; i++) {
        const size = directSize(v[i] as T);
        if (size < 0) return -1;
        n += size;
      }
      return n;
    },
    directWrite: (w, v) => {
      w.arrayHeader(v.length);
      for (let i = 0; i < v.length; i++) directWrite(w, v[i] as T);
    },
  };
}

export function optional<T>(inner: Codec<T>): Codec<T | null> {
  return {
    describe: `${inner.describe}?`,
    toValue: (v) => (v === null ? null : inner.toValue(v)),
    fromValue: (v, path) => (v === null ? null : inner.fromValue(v, path)),
    ...(inner.directSize === undefined || inner.directWrite === undefined
      ? {}
      : {
          directSize: (v: T | null) => (v === null ? 1 : (inner.directSize as (v: T) => number)(v)),
          directWrite: (w: CanonicalWriter, v: T | null) => {
            if (v === null) w.null();
            else (inner.directWrite as (w: CanonicalWriter, v: T) => void)(w, v);
          },
        }),
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
    ...directStructWriter<S>(fields),
  };
}

function directStructWriter<S extends Shape>(
  fields: [string, Codec<any>][],
): Pick<Codec<StructType<S>>, "directSize" | "directWrite"> {
  if (fields.some(([, c]) => c.directSize === undefined || c.directWrite === undefined)) return {};
  const keys = fields.map(([key]) => key);
  const sizes = fields.map(([, c]) => c.directSize as (v: unknown) => number);
  const writes = fields.map(([, c]) => c.directWrite as (w: CanonicalWriter, v: unknown) => void);
  const header = arrayHeaderSize(fields.length);
  return {
    directSize: (v) => {
      const record = v as Record<string, unknown>;
      let n = header;
      for (let i = 0; i < keys.length; i++) {
        const size = (sizes[i] as (v: unknown) => number)(record[keys[i] as string]);
        if (size < 0) return -1;
        n += size;
      }
      return n;
    },
    directWrite: (w, v) => {
      const record = v as Record<string, unknown>;
      w.arrayHeader(keys.length);
      for (let i = 0; i < keys.length; i++) {
        (writes[i] as (w: CanonicalWriter, v: unknown) => void)(w, record[keys[i] as string]);
      }
    },
  };
}
