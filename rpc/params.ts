// Strict readers for positional method parameters. Each throws RpcError -32602 naming the
// parameter and what was expected, so a client can fix its call without reading our code.
import { AddressError, fromHex, parseAddress, truncateForMessage } from "../crypto/index.ts";
import { isData, isQuantity } from "./encoding.ts";
import { invalidParams } from "./errors.ts";

/** Describes a rejected value briefly; client-supplied text is cut short. */
function describe(value: unknown): string {
  if (typeof value === "string") return `"${truncateForMessage(value, 40)}"`;
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}

export interface DataParamOptions {
  /** Exact length in bytes. */
  length?: number;
  /** Largest accepted length in bytes. */
  maxLength?: number;
  /** Refuse "0x". */
  nonEmpty?: boolean;
}

export function dataParam(value: unknown, name: string, opts: DataParamOptions = {}): Uint8Array {
  if (typeof value !== "string" || !isData(value)) {
    throw invalidParams(`${name} must be 0x-prefixed hex with two digits per byte, got ${describe(value)}`);
  }
  const length = (value.length - 2) / 2;
  if (opts.length !== undefined && length !== opts.length) {
    throw invalidParams(`${name} must be ${opts.length} bytes, got ${length}`);
  }
  if (opts.maxLength !== undefined && length > opts.maxLength) {
    throw invalidParams(`${name} must be at most ${opts.maxLength} bytes, got ${length}`);
  }
  if (opts.nonEmpty === true && length === 0) throw invalidParams(`${name} must not be empty`);
  return fromHex(value);
}

export function hashParam(value: unknown, name: string): Uint8Array {
  return dataParam(value, name, { length: 32 });
}

export function addressParam(value: unknown, name: string): Uint8Array {
  if (typeof value !== "string") throw invalidParams(`${name} must be an "isc1..." address, got ${describe(value)}`);
  try {
    return parseAddress(value);
  } catch (e) {
    if (e instanceof AddressError) throw invalidParams(`${name}: ${e.message}`);
    throw e;
  }
}

/** A quantity ("0x0", "0x1a"); `max` bounds it (default 2^256 - 1). */
export function quantityParam(value: unknown, name: string, max: bigint = (1n << 256n) - 1n): bigint {
  if (typeof value !== "string" || value.length > 2 + 64 || !isQuantity(value)) {
    throw invalidParams(`${name} must be a quantity: 0x-prefixed hex without leading zeros, got ${describe(value)}`);
  }
  const n = BigInt(value);
  if (n > max) throw invalidParams(`${name} must be at most 0x${max.toString(16)}, got ${value}`);
  return n;
}

/** An omitted trailing parameter arrives as undefined; null means the same. */
export function isAbsent(value: unknown): value is undefined | null {
  return value === undefined || value === null;
}

export function booleanParam(value: unknown, name: string, fallback: boolean): boolean {
  if (isAbsent(value)) return fallback;
  if (typeof value !== "boolean") throw invalidParams(`${name} must be true or false, got ${describe(value)}`);
  return value;
}

/** One of `allowed` (a string), or `fallback` when omitted. */
export function enumParam<T extends string>(value: unknown, name: string, allowed: readonly T[], fallback: T): T {
  if (isAbsent(value)) return fallback;
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    throw invalidParams(`${name} must be one of ${allowed.map((a) => `"${a}"`).join(", ")}, got ${describe(value)}`);
  }
  return value as T;
}

/** A block height as a quantity, or a tag: "latest" / "finalized" (the last committed block), "earliest" (1). */
export function blockRefParam(value: unknown, name: string): bigint | "latest" | "finalized" | "earliest" {
  if (value === "latest" || value === "finalized" || value === "earliest") return value;
  if (typeof value === "string" && value.startsWith("0x")) return quantityParam(value, name, (1n << 64n) - 1n);
  throw invalidParams(
    `${name} must be a height (quantity) or "latest", "finalized" or "earliest", got ${describe(value)}`,
  );
}

/** A list of 1..max values, each read by `item`. */
export function listParam<T>(value: unknown, name: string, max: number, item: (v: unknown, name: string) => T): T[] {
  if (!Array.isArray(value)) throw invalidParams(`${name} must be an array, got ${describe(value)}`);
  if (value.length === 0 || value.length > max) {
    throw invalidParams(`${name} must hold 1 to ${max} items, got ${value.length}`);
  }
  return value.map((v, i) => item(v, `${name}[${i}]`));
}

/** A plain JSON object (not an array, not null) or undefined when omitted. */
export function objectParam(
  value: unknown,
  name: string,
  keys: readonly string[],
): Record<string, unknown> | undefined {
  if (isAbsent(value)) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) {
    throw invalidParams(`${name} must be an object, got ${describe(value)}`);
  }
  for (const k of Object.keys(value)) {
    if (!keys.includes(k)) throw invalidParams(`${name} has an unknown field "${truncateForMessage(k, 40)}"`);
  }
  return value as Record<string, unknown>;
}
