// How values cross the JSON boundary, in the Ethereum JSON-RPC style, because JSON numbers are
// doubles and would silently round anything past 2^53:
// - quantity (amounts in base units, heights, nonces, rounds, counts, indexes): a 0x-prefixed
//   lower-case hex string with no leading zeros: 0 is "0x0", 26 is "0x1a". Never "0x" or "0x01".
// - data (hashes, transactions, any byte string): 0x-prefixed lower-case hex, two digits per byte;
//   the empty string of bytes is "0x".
//   Input of either kind may use upper-case digits; output is always lower-case.
// - address: the bech32m "isc1..." form of crypto/address.ts, never hex, so the checksum travels.
// - booleans and plain text stay JSON booleans and strings.
import { formatAddress, toHex } from "../crypto/index.ts";

export function toQuantity(n: bigint | number): string {
  const value = BigInt(n);
  if (value < 0n) throw new RangeError(`a quantity cannot be negative: ${value}`);
  return `0x${value.toString(16)}`;
}

export function toData(bytes: Uint8Array): string {
  return `0x${toHex(bytes)}`;
}

export function toAddress(bytes: Uint8Array): string {
  return formatAddress(bytes);
}

const QUANTITY = /^0x(?:0|[1-9a-fA-F][0-9a-fA-F]*)$/;
const DATA = /^0x(?:[0-9a-fA-F]{2})*$/;

export function isQuantity(text: string): boolean {
  return QUANTITY.test(text);
}

export function isData(text: string): boolean {
  return DATA.test(text);
}

/**
 * Makes a node-supplied value JSON-ready: bigint as quantity, bytes as data, recursively through
 * arrays and plain objects. Used for free-form values such as health details.
 */
export function toJsonValue(value: unknown): unknown {
  if (typeof value === "bigint") return value < 0n ? `-${toQuantity(-value)}` : toQuantity(value);
  if (value instanceof Uint8Array) return toData(value);
  if (Array.isArray(value)) return value.map(toJsonValue);
  // A Date or anything else with its own JSON form is left to JSON.stringify.
  if (value !== null && typeof value === "object" && typeof (value as { toJSON?: unknown }).toJSON !== "function") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toJsonValue(v);
    return out;
  }
  return value;
}
