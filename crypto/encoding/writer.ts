// Writes the canonical form: the bytes msgpackr writes for a value of the subset (canonical.ts),
// made in two passes, one to size the output and one to fill it, so the result is allocated
// once at its exact length. msgpackr packs into a shared scratch buffer that had to be copied
// out, and writes an integer above 2^64 through a 64-bit typed array it then reverses; for the
// 46-byte account record that took 3.0 us against 0.5 here (docs/encoding.md).
// test/crypto/encoding-writer.test.ts compares this with msgpackr byte for byte.
//
// The caller has checked the value (canonical.ts findUnencodable): only integers of 32 bits as
// numbers, well-formed strings, bigints within the reader's limit, nesting within its depth.
import { allocateBytes } from "../bytes.ts";
import type { CanonicalValue } from "./canonical.ts";
import { BIGINT_EXT_TYPE, bigIntExtLength, extHeader, fitsOneWord, UINT64_ONLY_FROM } from "./reader.ts";

const textEncoder = new TextEncoder();

// 64-bit integers are written through this scratch word, not a DataView over each output
// (creating one cost 0.1 us, a sixth of writing a small record).
const word = new Uint8Array(8);
const wordView = new DataView(word.buffer);

export function writeCanonical(value: CanonicalValue): Uint8Array {
  const out = allocateBytes(sizeOf(value));
  const w = new CanonicalWriter(out);
  w.value(value);
  return out;
}

function sizeOf(v: CanonicalValue): number {
  switch (typeof v) {
    case "number":
      return numberSize(v);
    case "bigint":
      return bigintSize(v);
    case "string":
      return stringSize(v);
    case "boolean":
      return 1;
    default: {
      if (v === null) return 1;
      if (v instanceof Uint8Array) return bytesSize(v);
      let n = arrayHeaderSize(v.length);
      for (let i = 0; i < v.length; i++) n += sizeOf(v[i] as CanonicalValue);
      return n;
    }
  }
}

// The sizes of each kind of value, for codecs that write their values directly (codec.ts).

/** A 32-bit integer (canonical.ts allows no other numbers). */
export function numberSize(v: number): number {
  if (v >= 0) return v < 0x80 ? 1 : v < 0x100 ? 2 : v < 0x10000 ? 3 : 5;
  return v >= -0x20 ? 1 : v >= -0x80 ? 2 : v >= -0x8000 ? 3 : 5;
}

/** A bigint within the reader's limit (MAX_BIGINT_BYTES). */
export function bigintSize(v: bigint): number {
  if (fitsOneWord(v)) return 9;
  const length = bigIntExtLength(v);
  return extHeaderSize(length) + length;
}

/** A well-formed string. */
export function stringSize(s: string): number {
  const n = utf8Length(s);
  return lengthHeaderSize(n, 0x20) + n;
}

export function bytesSize(b: Uint8Array): number {
  return (b.length < 0x100 ? 2 : b.length < 0x10000 ? 3 : 5) + b.length;
}

/** The header of an array of `length` elements. */
export function arrayHeaderSize(length: number): number {
  return lengthHeaderSize(length, 0x10);
}

/** Header of a string (fix form below 32) or array (below 16): 1, 3 or 5 bytes, str8 2. */
function lengthHeaderSize(n: number, fixLimit: number): number {
  if (n < fixLimit) return 1;
  if (fixLimit === 0x20 && n < 0x100) return 2;
  return n < 0x10000 ? 3 : 5;
}

/** fixext (type byte only) or ext8 (and a length byte); payloads stay under 256 bytes. */
function extHeaderSize(length: number): number {
  return extHeader(length) === 0xc7 ? 3 : 2;
}

function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff) {
      // A surrogate pair: two UTF-16 units, four UTF-8 bytes (well-formed strings only here).
      n += 2;
      i++;
    } else n += 2;
  }
  return n;
}

/** Writes values into `out` from its start; the caller sized `out` exactly. */
export class CanonicalWriter {
  private readonly out: Uint8Array;
  private pos = 0;

  constructor(out: Uint8Array) {
    this.out = out;
  }

  /** Bytes written so far. */
  get written(): number {
    return this.pos;
  }

  value(v: CanonicalValue): void {
    switch (typeof v) {
      case "number":
        this.number(v);
        return;
      case "bigint":
        this.bigint(v);
        return;
      case "string":
        this.string(v);
        return;
      case "boolean":
        this.boolean(v);
        return;
      default:
        if (v === null) this.null();
        else if (v instanceof Uint8Array) this.bytes(v);
        else {
          this.arrayHeader(v.length);
          for (let i = 0; i < v.length; i++) this.value(v[i] as CanonicalValue);
        }
    }
  }

  number(v: number): void {
    const o = this.out;
    if (v >= 0) {
      if (v < 0x80) o[this.pos++] = v;
      else if (v < 0x100) {
        o[this.pos++] = 0xcc;
        o[this.pos++] = v;
      } else if (v < 0x10000) {
        o[this.pos++] = 0xcd;
        this.u16(v);
      } else {
        o[this.pos++] = 0xce;
        this.u32(v);
      }
    } else if (v >= -0x20) o[this.pos++] = v + 0x100;
    else if (v >= -0x80) {
      o[this.pos++] = 0xd0;
      o[this.pos++] = v & 0xff;
    } else if (v >= -0x8000) {
      o[this.pos++] = 0xd1;
      this.u16(v & 0xffff);
    } else {
      o[this.pos++] = 0xd2;
      this.u32(v >>> 0);
    }
  }

  private u16(v: number): void {
    this.out[this.pos++] = v >>> 8;
    this.out[this.pos++] = v & 0xff;
  }

  private u32(v: number): void {
    const o = this.out;
    o[this.pos++] = v >>> 24;
    o[this.pos++] = (v >>> 16) & 0xff;
    o[this.pos++] = (v >>> 8) & 0xff;
    o[this.pos++] = v & 0xff;
  }

  /** 64 bits, big-endian, through the scratch word. */
  private word64(v: bigint): void {
    wordView.setBigUint64(0, BigInt.asUintN(64, v));
    const o = this.out;
    for (let i = 0; i < 8; i++) o[this.pos++] = word[i] as number;
  }

  bigint(v: bigint): void {
    if (v < UINT64_ONLY_FROM && fitsOneWord(v)) {
      this.out[this.pos++] = 0xd3;
      this.word64(v);
      return;
    }
    if (fitsOneWord(v)) {
      this.out[this.pos++] = 0xcf;
      this.word64(v);
      return;
    }
    const length = bigIntExtLength(v);
    const header = extHeader(length);
    this.out[this.pos++] = header;
    if (header === 0xc7) this.out[this.pos++] = length;
    this.out[this.pos++] = BIGINT_EXT_TYPE;
    // Two's complement, big-endian, in 64-bit words: the high ones first.
    for (let shift = BigInt(length * 8 - 64); shift >= 0n; shift -= 64n) this.word64(v >> shift);
  }

  string(s: string): void {
    const n = utf8Length(s);
    this.lengthHeader(n, 0xa0, 0x20, 0xd9, 0xda, 0xdb);
    if (n === s.length) {
      for (let i = 0; i < n; i++) this.out[this.pos++] = s.charCodeAt(i);
      return;
    }
    textEncoder.encodeInto(s, this.out.subarray(this.pos, this.pos + n));
    this.pos += n;
  }

  bytes(b: Uint8Array): void {
    this.lengthHeader(b.length, 0, 0, 0xc4, 0xc5, 0xc6);
    this.out.set(b, this.pos);
    this.pos += b.length;
  }

  null(): void {
    this.out[this.pos++] = 0xc0;
  }

  boolean(v: boolean): void {
    this.out[this.pos++] = v ? 0xc3 : 0xc2;
  }

  arrayHeader(length: number): void {
    this.lengthHeader(length, 0x90, 0x10, 0, 0xdc, 0xdd);
  }

  /** The shortest header for a length: fix form (below `fixLimit`), 8-bit (if any), 16, 32. */
  private lengthHeader(n: number, fix: number, fixLimit: number, h8: number, h16: number, h32: number): void {
    const o = this.out;
    if (n < fixLimit) o[this.pos++] = fix | n;
    else if (h8 !== 0 && n < 0x100) {
      o[this.pos++] = h8;
      o[this.pos++] = n;
    } else if (n < 0x10000) {
      o[this.pos++] = h16;
      this.u16(n);
    } else {
      o[this.pos++] = h32;
      this.u32(n);
    }
  }
}
