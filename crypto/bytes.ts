// Byte helpers shared by every module. Hex is lower-case without a 0x prefix on output;
// input may carry 0x so that values pasted from other tools work.
import { concatBytes, hexToBytes as nobleHexToBytes } from "@noble/hashes/utils.js";

export { concatBytes };

export class HexError extends Error {
  override name = "HexError";
}

// Node's native hex writer, the method behind buf.toString("hex"). It takes any Uint8Array and
// reads a small one (64 bytes or less, which V8 keeps on its own heap) by copying it, where
// going through `bytes.buffer` first would move the array off the heap with a malloc. Not in
// Node's documented API, hence the fallback; test/crypto/bytes.test.ts holds both to the same
// output.
const nativeHexSlice = (Buffer.prototype as unknown as { hexSlice?: (start: number, end: number) => string }).hexSlice;

export function toHex(bytes: Uint8Array): string {
  // A flat string either way, where one built by concatenation (noble's bytesToHex) is a rope
  // that every Map lookup keyed by it flattens first; hex keys sit on the hot paths (account
  // cache, verified set, pool).
  if (nativeHexSlice !== undefined) return nativeHexSlice.call(bytes, 0, bytes.length);
  return toHexThroughBuffer(bytes);
}

/** toHex through a Buffer over the same memory; exported for the test that compares the two. */
export function toHexThroughBuffer(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
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
