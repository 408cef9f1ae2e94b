// Reads the canonical form in one pass: structure, limits and canonicity are checked while the
// value is built. The canonical form is what msgpackr writes (canonical.ts), so each rule below
// is the choice msgpackr's encoder makes for that value: the shortest header for an integer,
// string, byte string or array; int64 for every bigint that fits it, uint64 only above it, and
// the 0x42 extension only beyond both, in whole 64-bit words as few as hold the value's sign.
//
// This replaced decoding with msgpackr and then encoding the result again to compare bytes,
// which cost a whole encode per decode (the re-encode was the largest single item in the
// validators' MessagePack time). test/crypto/encoding-reader.test.ts holds that older check as
// the reference and compares both on random values and on mutated bytes.
//
// Hostile input costs linear time and no large allocation: every declared length is checked
// against the bytes that remain before anything is read, and nesting is bounded.
import type { CanonicalValue } from "./canonical.ts";
import { EncodingError, EncodingErrorCode } from "./errors.ts";

export const MAX_DEPTH = 32;
/** msgpackr's extension type for integers outside the 64-bit range. */
export const BIGINT_EXT_TYPE = 0x42;
/**
 * Largest big-integer payload accepted: five signed 64-bit words, which every integer of 256
 * bits or fewer fits, down to -2^256 (a u256 at its top, as msgpackr writes it, takes 40 bytes).
 */
export const MAX_BIGINT_BYTES = 40;

const INT64_MIN = -(1n << 63n);
const UINT64_END = 1n << 64n;
/** From here up to 2^64 a bigint is written as uint64; below, as int64. */
export const UINT64_ONLY_FROM = 1n << 63n;

/** Whether the encoder writes this bigint in one 64-bit word (int64 or uint64), not the extension. */
export function fitsOneWord(v: bigint): boolean {
  return v >= INT64_MIN && v < UINT64_END;
}

// Fatal, so that bytes that are not UTF-8 (which no string encodes to) are caught; the BOM is
// kept as the character it is.
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

// 64-bit integers are read through this scratch word: a DataView over each input would cost
// more to create (0.1 us) than the rest of decoding a small record.
const word = new Uint8Array(8);
const wordView = new DataView(word.buffer);

/**
 * Decodes one value that must fill `bytes` exactly. Structural errors (truncation, a type
 * outside the subset, nesting, oversized big integers) are reported first, then trailing
 * bytes, then a non-canonical form: the same precedence as scanning before decoding.
 */
export function readCanonical(bytes: Uint8Array): CanonicalValue {
  const reader = new CanonicalReader(bytes);
  const value = reader.value(0);
  if (reader.pos !== bytes.length) {
    const extra = bytes.length - reader.pos;
    throw new EncodingError(EncodingErrorCode.trailingBytes, `${extra} bytes after the value`, reader.pos);
  }
  if (reader.firstNonCanonical >= 0) {
    throw new EncodingError(
      EncodingErrorCode.nonCanonical,
      "bytes are not the canonical encoding of their value",
      reader.firstNonCanonical,
    );
  }
  return value;
}

class CanonicalReader {
  pos = 0;
  /** Where the first value in a non-canonical form starts, or -1; reported once all parsed. */
  firstNonCanonical = -1;
  private readonly bytes: Uint8Array;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }

  value(depth: number): CanonicalValue {
    this.need(1);
    const at = this.pos;
    const b = this.bytes[this.pos++] as number;
    if (b <= 0x7f) return b;
    if (b >= 0xe0) return b - 0x100;
    if (b >= 0x90 && b <= 0x9f) return this.array(b & 0x0f, depth, at, true);
    if (b >= 0xa0 && b <= 0xbf) return this.string(b & 0x1f, at, true);
    switch (b) {
      case 0xc0:
        return null;
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xcc:
        return this.uint(this.u8(), 0x80, at);
      case 0xcd:
        return this.uint(this.u16(), 0x100, at);
      case 0xce:
        return this.uint(this.u32(), 0x10000, at);
      case 0xd0:
        return this.negative((this.u8() << 24) >> 24, -0x20, at);
      case 0xd1:
        return this.negative((this.u16() << 16) >> 16, -0x80, at);
      case 0xd2:
        return this.negative(this.u32() | 0, -0x8000, at);
      case 0xcf: {
        const v = this.word().getBigUint64(0);
        // Below 2^63 the encoder writes int64.
        if (v < UINT64_ONLY_FROM) this.nonCanonical(at);
        return v;
      }
      case 0xd3:
        return this.word().getBigInt64(0);
      case 0xc4:
        return this.bin(this.u8(), at, 0);
      case 0xc5:
        return this.bin(this.u16(), at, 0x100);
      case 0xc6:
        return this.bin(this.u32(), at, 0x10000);
      case 0xd9:
        return this.string(this.u8(), at, false, 0x20);
      case 0xda:
        return this.string(this.u16(), at, false, 0x100);
      case 0xdb:
        return this.string(this.u32(), at, false, 0x10000);
      case 0xdc:
        return this.array(this.u16(), depth, at, false, 0x10);
      case 0xdd:
        return this.array(this.u32(), depth, at, false, 0x10000);
      case 0xd4:
      case 0xd5:
      case 0xd6:
      case 0xd7:
      case 0xd8:
        return this.bigIntExt(1 << (b - 0xd4), b, at);
      case 0xc7:
        return this.bigIntExt(this.u8(), b, at);
      default:
        throw new EncodingError(EncodingErrorCode.unsupportedType, `type byte 0x${b.toString(16)} is not allowed`, at);
    }
  }

  private array(length: number, depth: number, at: number, fix: boolean, least = 0): CanonicalValue[] {
    // Every element takes at least one byte, so a longer array cannot be complete.
    if (length > this.bytes.length - this.pos) {
      throw new EncodingError(EncodingErrorCode.truncated, `array of ${length} elements exceeds input`, this.pos);
    }
    if (!fix && length < least) this.nonCanonical(at);
    const out: CanonicalValue[] = [];
    if (length === 0) return out;
    if (depth + 1 > MAX_DEPTH) {
      throw new EncodingError(EncodingErrorCode.tooDeep, `nesting deeper than ${MAX_DEPTH}`, this.pos);
    }
    for (let i = 0; i < length; i++) out.push(this.value(depth + 1));
    return out;
  }

  private string(length: number, at: number, fix: boolean, least = 0): string {
    this.need(length);
    if (!fix && length < least) this.nonCanonical(at);
    const start = this.pos;
    this.pos += length;
    // Short ASCII, the usual case (chain ids, names), without a decoder call.
    if (length <= 32) {
      let s = "";
      for (let i = start; i < this.pos; i++) {
        const c = this.bytes[i] as number;
        if (c >= 0x80) return this.utf8(start, at);
        s += String.fromCharCode(c);
      }
      return s;
    }
    return this.utf8(start, at);
  }

  private utf8(start: number, at: number): string {
    try {
      return utf8.decode(this.bytes.subarray(start, this.pos));
    } catch {
      // No string encodes to these bytes, so they are no canonical encoding.
      this.nonCanonical(at);
      return "";
    }
  }

  private bin(length: number, at: number, least: number): Uint8Array {
    this.need(length);
    if (length < least) this.nonCanonical(at);
    // A view into the input, as msgpackr gave, but always a plain Uint8Array (a Buffer's
    // subarray would be a Buffer), so that values compare alike wherever the bytes came from.
    const out = new Uint8Array(this.bytes.buffer, this.bytes.byteOffset + this.pos, length);
    this.pos += length;
    return out;
  }

  /** An unsigned form is canonical only for values the shorter forms cannot hold. */
  private uint(v: number, least: number, at: number): number {
    if (v < least) this.nonCanonical(at);
    return v;
  }

  /** A signed 32-bit-or-less form holds only negatives the shorter forms cannot. */
  private negative(v: number, above: number, at: number): number {
    if (v >= above) this.nonCanonical(at);
    return v;
  }

  private bigIntExt(length: number, header: number, at: number): bigint {
    this.need(1);
    const type = this.bytes[this.pos++];
    if (type !== BIGINT_EXT_TYPE) {
      throw new EncodingError(EncodingErrorCode.unsupportedType, `extension type ${type} is not allowed`, at);
    }
    if (length > MAX_BIGINT_BYTES) {
      throw new EncodingError(EncodingErrorCode.oversized, `big integer of ${length} bytes`, at);
    }
    if (length === 0) throw new EncodingError(EncodingErrorCode.truncated, "big integer of 0 bytes", at);
    this.need(length);
    const start = this.pos;
    const end = start + length;
    let v = 0n;
    let i = start;
    for (; i < start + (length % 8); i++) v = (v << 8n) | BigInt(this.bytes[i] as number);
    this.pos = i;
    while (this.pos < end) v = (v << 64n) | this.word().getBigUint64(0);
    v = BigInt.asIntN(length * 8, v);
    if (fitsOneWord(v) || length !== bigIntExtLength(v) || header !== extHeader(length)) {
      this.nonCanonical(at);
    }
    return v;
  }

  private nonCanonical(at: number): void {
    if (this.firstNonCanonical < 0) this.firstNonCanonical = at;
  }

  private need(n: number): void {
    if (this.pos + n > this.bytes.length) {
      throw new EncodingError(EncodingErrorCode.truncated, `need ${n} more bytes`, this.pos);
    }
  }

  /** The next 8 bytes, in the scratch word's view. */
  private word(): DataView {
    this.need(8);
    const b = this.bytes;
    const p = this.pos;
    for (let i = 0; i < 8; i++) word[i] = b[p + i] as number;
    this.pos += 8;
    return wordView;
  }

  private u8(): number {
    this.need(1);
    return this.bytes[this.pos++] as number;
  }

  private u16(): number {
    this.need(2);
    const b = this.bytes;
    const p = this.pos;
    this.pos += 2;
    return ((b[p] as number) << 8) | (b[p + 1] as number);
  }

  private u32(): number {
    this.need(4);
    const b = this.bytes;
    const p = this.pos + 4;
    this.pos = p;
    return (
      (((b[p - 4] as number) << 24) |
        ((b[p - 3] as number) << 16) |
        ((b[p - 2] as number) << 8) |
        (b[p - 1] as number)) >>>
      0
    );
  }
}

// w words hold exactly the integers in [-2^(64w-1), 2^(64w-1)): compared against these bounds
// instead of shifted, a word count costs no bigint allocation (an account's balance passes
// 2^64 base units at 18.4 ISC, so most are written in this form).
const WORD_BOUNDS = [1, 2, 3, 4, 5].map((w) => 1n << BigInt(64 * w - 1));

/** Bytes of the extension payload the encoder writes: whole 64-bit words, as few as keep the sign. */
export function bigIntExtLength(v: bigint): number {
  for (let i = 0; i < WORD_BOUNDS.length; i++) {
    const bound = WORD_BOUNDS[i] as bigint;
    if (v < bound && v >= -bound) return (i + 1) * 8;
  }
  const sign = v < 0n ? -1n : 0n;
  let words = 1;
  for (let rest = v; rest >> 63n !== sign; rest >>= 64n) words++;
  return words * 8;
}

/** The header the encoder gives an extension payload of `length` bytes (fixext or ext8). */
export function extHeader(length: number): number {
  switch (length) {
    case 1:
      return 0xd4;
    case 2:
      return 0xd5;
    case 4:
      return 0xd6;
    case 8:
      return 0xd7;
    case 16:
      return 0xd8;
    default:
      return 0xc7;
  }
}
