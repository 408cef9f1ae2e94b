// Bech32m (BIP-350) encoding, written from the specification. We keep our own copy instead of
// a library so that every way an address can be wrong gets its own error a user can act on.
import { CodedError } from "./coded-error.ts";
export const Bech32ErrorCode = {
  malformed: "BECH32_MALFORMED",
  mixedCase: "BECH32_MIXED_CASE",
  badCharacter: "BECH32_BAD_CHARACTER",
  badChecksum: "BECH32_BAD_CHECKSUM",
  tooLong: "BECH32_TOO_LONG",
  badPadding: "BECH32_BAD_PADDING",
} as const;
export type Bech32ErrorCode = (typeof Bech32ErrorCode)[keyof typeof Bech32ErrorCode];

export class Bech32Error extends CodedError<Bech32ErrorCode> {
  override name = "Bech32Error";
}

const CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
const CHARSET_INDEX = new Map([...CHARSET].map((c, i) => [c, i]));
const GENERATORS = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
const BECH32M_CONST = 0x2bc830a3;
const MAX_LENGTH = 90;
const CHECKSUM_LENGTH = 6;

function polymod(values: readonly number[]): number {
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= GENERATORS[i] as number;
  }
  return chk >>> 0;
}

function expandPrefix(prefix: string): number[] {
  const out: number[] = [];
  for (const c of prefix) out.push(c.charCodeAt(0) >> 5);
  out.push(0);
  for (const c of prefix) out.push(c.charCodeAt(0) & 31);
  return out;
}

function checksum(prefix: string, data: readonly number[]): number[] {
  const mod = polymod([...expandPrefix(prefix), ...data, 0, 0, 0, 0, 0, 0]) ^ BECH32M_CONST;
  const out: number[] = [];
  for (let i = 0; i < CHECKSUM_LENGTH; i++) out.push((mod >>> (5 * (5 - i))) & 31);
  return out;
}

function convertBits(data: Iterable<number>, from: number, to: number, pad: boolean): number[] {
  let acc = 0;
  let bits = 0;
  const out: number[] = [];
  const maxValue = (1 << to) - 1;
  for (const value of data) {
    acc = (acc << from) | value;
    bits += from;
    while (bits >= to) {
      bits -= to;
      out.push((acc >>> bits) & maxValue);
    }
    acc &= (1 << bits) - 1;
  }
  if (pad) {
    if (bits > 0) out.push((acc << (to - bits)) & maxValue);
  } else if (bits >= from || (acc << (to - bits)) & maxValue) {
    throw new Bech32Error(Bech32ErrorCode.badPadding, "data part has non-zero padding");
  }
  return out;
}

export function encodeBech32m(prefix: string, payload: Uint8Array): string {
  const data = convertBits(payload, 8, 5, true);
  const chars = [...data, ...checksum(prefix, data)].map((v) => CHARSET[v]).join("");
  const out = `${prefix}1${chars}`;
  if (out.length > MAX_LENGTH) throw new Bech32Error(Bech32ErrorCode.tooLong, `encoding is longer than ${MAX_LENGTH}`);
  return out;
}

export function decodeBech32m(text: string): { prefix: string; payload: Uint8Array } {
  const { prefix, words } = decodeBech32mWords(text);
  return { prefix, payload: Uint8Array.from(convertBits(words, 5, 8, false)) };
}

/** Checks the string and its checksum and returns the 5-bit data words (checksum removed). */
export function decodeBech32mWords(text: string): { prefix: string; words: number[] } {
  if (text.length > MAX_LENGTH) {
    throw new Bech32Error(Bech32ErrorCode.tooLong, `${text.length} characters, at most ${MAX_LENGTH} allowed`);
  }
  if (text !== text.toLowerCase() && text !== text.toUpperCase()) {
    throw new Bech32Error(Bech32ErrorCode.mixedCase, "mixes upper and lower case");
  }
  const lower = text.toLowerCase();
  const sep = lower.lastIndexOf("1");
  if (sep < 1 || lower.length - sep - 1 < CHECKSUM_LENGTH) {
    throw new Bech32Error(Bech32ErrorCode.malformed, "missing prefix, separator '1' or checksum");
  }
  const prefix = lower.slice(0, sep);
  for (const c of prefix) {
    const code = c.charCodeAt(0);
    if (code < 33 || code > 126)
      throw new Bech32Error(Bech32ErrorCode.badCharacter, "prefix has a non-printable character");
  }
  const data: number[] = [];
  for (let i = sep + 1; i < lower.length; i++) {
    const c = lower[i] as string;
    const v = CHARSET_INDEX.get(c);
    if (v === undefined) {
      throw new Bech32Error(
        Bech32ErrorCode.badCharacter,
        `character '${c}' at position ${i} is not used in addresses (b, i, o and 1 never appear after the separator)`,
      );
    }
    data.push(v);
  }
  if (polymod([...expandPrefix(prefix), ...data]) !== BECH32M_CONST) {
    throw new Bech32Error(
      Bech32ErrorCode.badChecksum,
      "checksum does not match: a character is mistyped, missing or swapped",
    );
  }
  return { prefix, words: data.slice(0, -CHECKSUM_LENGTH) };
}
