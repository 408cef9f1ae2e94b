// msgpackr as the definition of the canonical form (crypto/encoding/canonical.ts): these options
// are the ones the encoding was specified with, and the checks below are how decoding worked
// before reader.ts, kept as the reference the tests compare against.
import { Packr } from "msgpackr";
import type { CanonicalValue } from "../../crypto/encoding/index.ts";

export const packr = new Packr({
  useRecords: false,
  structuredClone: false,
  int64AsType: "bigint",
  useBigIntExtension: true,
  mapsAsObjects: false,
  encodeUndefinedAsNil: false,
});

/** The reference: the value if msgpackr's round trip reproduces the bytes exactly, else null. */
export function referenceDecode(bytes: Uint8Array): { value: CanonicalValue } | null {
  let value: unknown;
  try {
    value = packr.unpack(Buffer.from(bytes));
  } catch {
    return null;
  }
  const normalized = inSubset(value, 0);
  if (normalized === undefined) return null;
  return Buffer.from(packr.pack(normalized.value)).equals(bytes) ? normalized : null;
}

/** The subset canonical.ts allows, with the old scanner's limits (depth 32; big integers up to 40 bytes, where it had 32). */
function inSubset(v: unknown, depth: number): { value: CanonicalValue } | undefined {
  if (v === null || typeof v === "boolean") return { value: v };
  if (typeof v === "number") return Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 32 ? { value: v } : undefined;
  if (typeof v === "bigint") return extBytes(v) <= 40 ? { value: v } : undefined;
  if (typeof v === "string") return v.isWellFormed() ? { value: v } : undefined;
  if (v instanceof Uint8Array) return { value: new Uint8Array(v) };
  if (Array.isArray(v)) {
    if (v.length > 0 && depth + 1 > 32) return undefined;
    const out: CanonicalValue[] = [];
    for (const x of v) {
      const inner = inSubset(x, depth + 1);
      if (inner === undefined) return undefined;
      out.push(inner.value);
    }
    return { value: out };
  }
  return undefined;
}

function extBytes(v: bigint): number {
  if (v >= -(1n << 63n) && v < 1n << 64n) return 0;
  const sign = v < 0n ? -1n : 0n;
  let words = 1;
  for (let rest = v; rest >> 63n !== sign; rest >>= 64n) words++;
  return words * 8;
}

export function msgpackrPack(v: CanonicalValue): Buffer {
  return Buffer.from(packr.pack(v));
}
