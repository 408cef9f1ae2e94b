// Byte helpers shared by every module. Hex is lower-case without a 0x prefix on output;
// input may carry 0x so that values pasted from other tools work.
import { concatBytes } from "@noble/hashes/utils.js";

export { concatBytes };

// V8 keeps a typed array of up to 64 bytes on its own heap; a longer one gets memory from
// malloc, which cost 280 ns against 30 for a view into a shared buffer, and leaves the garbage
// collector an external buffer to sweep. Arrays of 65 bytes to 1 KiB made on hot paths
// (encodings of receipts, transactions, votes; signing messages) are views into 16 KiB slabs,
// as Node pools small Buffers. A slab lives as long as any view into it. Such an array is a
// plain Uint8Array that, like a decoded field, may be a view into a larger buffer: never hand
// its whole `buffer` to anyone (transfer it to a worker, wrap it without the offset).
const ON_HEAP_MAX = 64;
const POOLED_MAX = 1024;
const SLAB_BYTES = 16 * 1024;
let slab = new ArrayBuffer(SLAB_BYTES);
let slabUsed = 0;

/** A zeroed array of `n` bytes, pooled between 65 bytes and 1 KiB (see above). */
export function allocateBytes(n: number): Uint8Array {
  if (n <= ON_HEAP_MAX || n > POOLED_MAX) return new Uint8Array(n);
  if (slabUsed + n > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabUsed = 0;
  }
  const out = new Uint8Array(slab, slabUsed, n);
  // 8-byte aligned, as malloc's would be.
  slabUsed += (n + 7) & ~7;
  return out;
}

export class HexError extends Error {
  override name = "HexError";
}

// Node's native hex writer, the method behind buf.toString("hex"), for arrays over 64 bytes,
// which V8 keeps off its heap. Not in Node's documented API, hence the fallback;
// test/crypto/bytes.test.ts holds every route to the same output.
const nativeHexSlice = (Buffer.prototype as unknown as { hexSlice?: (start: number, end: number) => string }).hexSlice;

/** The character codes of each byte's two hex digits, at 2 x byte and 2 x byte + 1. */
const HEX_CODES = new Uint16Array(512);
for (let i = 0; i < 256; i++) {
  const digits = i.toString(16).padStart(2, "0");
  HEX_CODES[2 * i] = digits.charCodeAt(0);
  HEX_CODES[2 * i + 1] = digits.charCodeAt(1);
}
/** Per byte length up to SHORT_HEX_MAX, a reused array of that many digit codes. */
const codeScratch: number[][] = [];
const SHORT_HEX_MAX = 64;

export function toHex(bytes: Uint8Array): string {
  // A flat string either way, where one built by concatenation (noble's bytesToHex) is a rope
  // that every Map lookup keyed by it flattens first; hex keys sit on the hot paths (account
  // cache, verified set, pool). The native writer took 290-330 ns on a fresh array of 20 or 32
  // bytes (one V8 keeps on its own heap: a new hash or address), this 130-180; on a view into
  // a larger buffer it is the faster one (90-100 ns against 130-180).
  if (bytes.length <= SHORT_HEX_MAX) return shortHex(bytes);
  if (nativeHexSlice !== undefined) return nativeHexSlice.call(bytes, 0, bytes.length);
  return toHexThroughBuffer(bytes);
}

/** toHex of up to SHORT_HEX_MAX bytes in JavaScript; exported for the test of every route. */
export function shortHex(bytes: Uint8Array): string {
  let codes = codeScratch[bytes.length];
  if (codes === undefined) {
    codes = new Array<number>(2 * bytes.length).fill(0);
    codeScratch[bytes.length] = codes;
  }
  for (let i = 0, j = 0; i < bytes.length; i++, j += 2) {
    const at = 2 * (bytes[i] as number);
    codes[j] = HEX_CODES[at] as number;
    codes[j + 1] = HEX_CODES[at + 1] as number;
  }
  return String.fromCharCode.apply(null, codes);
}

/** toHex through a Buffer over the same memory; exported for the test that compares the two. */
export function toHexThroughBuffer(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

/** Parses hex (optionally 0x-prefixed); `expectedLength` is in bytes. */
export function fromHex(hex: string, expectedLength?: number): Uint8Array {
  const clean = hex.startsWith("0x") || hex.startsWith("0X") ? hex.slice(2) : hex;
  // Node's native decoder stops at the first pair that is not hex, so a short result is the
  // check. Every transaction a node is sent over JSON-RPC comes through here: noble's
  // hexToBytes behind a regular expression took 3.7 us on a transfer's 340 digits, this 0.3
  // (3.5% of a loaded validator's main thread before).
  const decoded = clean.length % 2 === 0 ? Buffer.from(clean, "hex") : null;
  if (decoded === null || 2 * decoded.length !== clean.length) {
    throw new HexError(`not a hex string: "${truncateForMessage(hex)}"`);
  }
  // Copied out of Node's shared pool, so that a key kept for long does not pin 8 KiB of it.
  const bytes = allocateBytes(decoded.length);
  bytes.set(decoded);
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
