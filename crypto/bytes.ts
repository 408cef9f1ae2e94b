// Byte helpers shared by every module. Hex is lower-case without a 0x prefix on output;
// input may carry 0x so that values pasted from other tools work.
import { concatBytes, hexToBytes as nobleHexToBytes } from "@noble/hashes/utils.js";

export { concatBytes };

export class HexError extends Error {
  override name = "HexError";
}

// Hex digits of every byte value, two per byte, as character codes.
const HEX_PAIRS = new Uint8Array(512);
for (let i = 0; i < 256; i++) {
  HEX_PAIRS[2 * i] = "0123456789abcdef".charCodeAt(i >> 4);
  HEX_PAIRS[2 * i + 1] = "0123456789abcdef".charCodeAt(i & 15);
}
/** Inputs up to this many bytes take the table; longer ones take Node's native hex. */
const TABLE_MAX = 128;
const hexChars = new Uint8Array(2 * TABLE_MAX);
// Output is ASCII, where windows-1252 (what WHATWG calls latin1) and Latin-1 agree.
const ascii = new TextDecoder("latin1");

export function toHex(bytes: Uint8Array): string {
  // Both routes give a flat string, where one built by concatenation (noble's bytesToHex) is a
  // rope that every Map lookup keyed by it flattens first; hex keys sit on the hot paths (account
  // cache, verified set, pool). Short inputs (hashes, addresses, keys) go through a table: most
  // of them are arrays of 64 bytes or less, which V8 keeps on its heap, and Node's hex needs
  // their `.buffer`, which moves them off it with a malloc (0.53 against 0.93 us per 32-byte key
  // and Map insertion).
  const n = bytes.length;
  if (n > TABLE_MAX) return Buffer.from(bytes.buffer, bytes.byteOffset, n).toString("hex");
  for (let i = 0; i < n; i++) {
    const pair = 2 * (bytes[i] as number);
    hexChars[2 * i] = HEX_PAIRS[pair] as number;
    hexChars[2 * i + 1] = HEX_PAIRS[pair + 1] as number;
  }
  return ascii.decode(hexChars.subarray(0, 2 * n));
}

/** Parses hex (optionally 0x-prefixed); `expectedLength` is in bytes. */
export function fromHex(hex: string, expectedLength?: number): Uint8Array {
  const clean = hex.startsWith("0x") || hex.startsWith("0X") ? hex.slice(2) : hex;
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) {
    throw new HexError(`not a hex string: "${truncateForMessage(hex)}"`);
  }
  const bytes = nobleHexToBytes(clean);
  if (expectedLength !== undefined && bytes.length !== expectedLength) {
    throw new HexError(`expected ${expectedLength} bytes of hex, got ${bytes.length}`);
  }
  return bytes;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

const encoder = new TextEncoder();
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Keeps user-supplied strings short in error messages and logs. */
export function truncateForMessage(text: string, max = 80): string {
  return text.length <= max ? text : `${text.slice(0, max)}...`;
}
