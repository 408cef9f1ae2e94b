// Our writer and reader against msgpackr, which defines the canonical form. The writer must
// give msgpackr's bytes. The reader must accept exactly what the check it replaced accepted
// (decode with msgpackr, keep the value only if it lies in the canonical subset and encoding it
// again gives the same bytes), with the same values: on the canonical bytes of random values,
// on every other way MessagePack can write those values, and on randomly damaged bytes.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CanonicalValue, decodeCanonical, EncodingError, encodeCanonical } from "../../crypto/encoding/index.ts";
import { msgpackrPack, referenceDecode } from "./msgpackr-reference.ts";

function newDecode(bytes: Uint8Array): { value: CanonicalValue } | null {
  try {
    return { value: decodeCanonical(bytes) };
  } catch (e) {
    if (!(e instanceof EncodingError)) throw e;
    return null;
  }
}

const valueArb: fc.Arbitrary<CanonicalValue> = fc.letrec<{ value: CanonicalValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }),
    fc.constantFrom(0, 31, 32, 127, 128, 255, 256, 65535, 65536, -1, -32, -33, -128, -129, -32768, -32769),
    fc.bigInt({ min: -(1n << 256n), max: (1n << 256n) - 1n }),
    fc.constantFrom(-(1n << 63n), (1n << 63n) - 1n, 1n << 63n, (1n << 64n) - 1n, 1n << 64n, -(1n << 63n) - 1n),
    fc.constantFrom((1n << 256n) - 1n, -(1n << 256n), (1n << 255n) - 1n, 1n << 255n),
    fc.string({ maxLength: 40, unit: "grapheme" }),
    fc.string({ minLength: 30, maxLength: 300 }),
    fc.uint8Array({ maxLength: 300 }),
    fc.array(tie("value"), { maxLength: 20 }),
  ),
})).value;

/** A tiny deterministic generator for the choices below (mulberry32). */
function choices(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) % n) as number;
  };
}

/** Writes `v` in MessagePack, picking any form that holds it (not only the shortest). */
function encodeAnyForm(v: CanonicalValue, pick: (n: number) => number): number[] {
  const be = (x: bigint, n: number) => {
    const out: number[] = [];
    for (let i = n - 1; i >= 0; i--) out.push(Number((BigInt.asUintN(n * 8, x) >> BigInt(8 * i)) & 0xffn));
    return out;
  };
  const lengthForm = (len: number, fix: number | null, fixMax: number, h8: number | null, h16: number, h32: number) => {
    const forms: number[][] = [];
    if (fix !== null && len <= fixMax) forms.push([fix | len]);
    if (h8 !== null && len < 0x100) forms.push([h8, len]);
    if (len < 0x10000) forms.push([h16, ...be(BigInt(len), 2)]);
    forms.push([h32, ...be(BigInt(len), 4)]);
    return forms[pick(forms.length)] as number[];
  };
  if (v === null) return [0xc0];
  if (v === true) return [0xc3];
  if (v === false) return [0xc2];
  if (typeof v === "number") {
    const forms: number[][] = [];
    if (v >= 0 && v <= 0x7f) forms.push([v]);
    if (v >= -32 && v < 0) forms.push([v + 0x100]);
    if (v >= 0 && v < 0x100) forms.push([0xcc, v]);
    if (v >= 0 && v < 0x10000) forms.push([0xcd, ...be(BigInt(v), 2)]);
    if (v >= 0) forms.push([0xce, ...be(BigInt(v), 4)]);
    if (v >= -128 && v < 128) forms.push([0xd0, ...be(BigInt(v), 1)]);
    if (v >= -32768 && v < 32768) forms.push([0xd1, ...be(BigInt(v), 2)]);
    if (v >= -(2 ** 31) && v < 2 ** 31) forms.push([0xd2, ...be(BigInt(v), 4)]);
    return forms[pick(forms.length)] as number[];
  }
  if (typeof v === "bigint") {
    const forms: number[][] = [];
    if (v >= -(1n << 63n) && v < 1n << 63n) forms.push([0xd3, ...be(v, 8)]);
    if (v >= 0n && v < 1n << 64n) forms.push([0xcf, ...be(v, 8)]);
    for (let n = 1; n <= 48; n++) {
      if (BigInt.asIntN(n * 8, v) !== v) continue;
      const fixext = { 1: 0xd4, 2: 0xd5, 4: 0xd6, 8: 0xd7, 16: 0xd8 }[n];
      if (fixext !== undefined) forms.push([fixext, 0x42, ...be(v, n)]);
      forms.push([0xc7, n, 0x42, ...be(v, n)]);
    }
    return forms[pick(forms.length)] as number[];
  }
  if (typeof v === "string") {
    const b = [...Buffer.from(v, "utf8")];
    return [...lengthForm(b.length, 0xa0, 31, 0xd9, 0xda, 0xdb), ...b];
  }
  if (v instanceof Uint8Array) return [...lengthForm(v.length, null, 0, 0xc4, 0xc5, 0xc6), ...v];
  return [...lengthForm(v.length, 0x90, 15, null, 0xdc, 0xdd), ...v.flatMap((x) => encodeAnyForm(x, pick))];
}

function expectSameVerdict(bytes: Uint8Array): void {
  const reference = referenceDecode(bytes);
  const decoded = newDecode(bytes);
  expect(decoded === null).toBe(reference === null);
  if (reference !== null) expect(decoded?.value).toEqual(reference.value);
}

describe("canonical writer against msgpackr", () => {
  it("writes the bytes msgpackr writes", () => {
    fc.assert(
      fc.property(valueArb, (v) => {
        expect(Buffer.from(encodeCanonical(v)).equals(msgpackrPack(v))).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it("returns bytes the caller owns, at their exact length", () => {
    const a = encodeCanonical([1n, "x"]);
    const b = encodeCanonical([1n, "x"]);
    expect(a.buffer).not.toBe(b.buffer);
    expect(a.byteLength).toBe(a.buffer.byteLength);
  });
});

describe("canonical reader against decode-and-re-encode", () => {
  it("accepts the canonical bytes of every value and returns the value", () => {
    fc.assert(
      fc.property(valueArb, (v) => {
        const b = encodeCanonical(v);
        expectSameVerdict(b);
        expect(decodeCanonical(b)).toEqual(v);
      }),
      { numRuns: 2000 },
    );
  });

  it("accepts a value written in any other MessagePack form exactly when the reference does", () => {
    fc.assert(
      fc.property(valueArb, fc.integer(), (v, seed) => {
        const bytes = Uint8Array.from(encodeAnyForm(v, choices(seed)));
        expectSameVerdict(bytes);
        const accepted = newDecode(bytes) !== null;
        expect(accepted).toBe(Buffer.from(encodeCanonical(v)).equals(bytes));
      }),
      { numRuns: 5000 },
    );
  });

  it("agrees on damaged bytes: changed, inserted, removed", () => {
    fc.assert(
      fc.property(
        valueArb,
        fc.array(fc.tuple(fc.constantFrom("set", "insert", "remove"), fc.nat(), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 3,
        }),
        (v, edits) => {
          const b = [...encodeCanonical(v)];
          for (const [kind, where, byte] of edits) {
            const at = where % (b.length + 1);
            if (kind === "set" && at < b.length) b[at] = byte;
            else if (kind === "insert") b.splice(at, 0, byte);
            else if (kind === "remove" && at < b.length) b.splice(at, 1);
          }
          if (b.length > 0) expectSameVerdict(Uint8Array.from(b));
        },
      ),
      { numRuns: 5000 },
    );
  });

  it("returns byte strings as plain Uint8Arrays over the input, from a Buffer too", () => {
    const b = Buffer.from(encodeCanonical([new Uint8Array([1, 2, 3])]));
    const [inner] = decodeCanonical(b) as [Uint8Array];
    expect(Buffer.isBuffer(inner)).toBe(false);
    expect(inner).toEqual(new Uint8Array([1, 2, 3]));
    expect(inner.buffer).toBe(b.buffer);
  });

  it("refuses lone surrogates both ways: no UTF-8 encodes one", () => {
    expect(() => encodeCanonical("a\ud800b")).toThrow(EncodingError);
    // msgpackr writes a lone surrogate as its three-byte pattern; nothing may decode that.
    const cesu = Uint8Array.of(0xa3, 0xed, 0xa0, 0x80);
    expect(() => decodeCanonical(cesu)).toThrow(/not the canonical encoding/);
  });

  it("takes back every u256 and refuses to write an integer it could not", () => {
    for (const v of [(1n << 256n) - 1n, -(1n << 256n), (1n << 319n) - 1n]) {
      expect(decodeCanonical(encodeCanonical(v))).toBe(v);
    }
    expect(() => encodeCanonical(1n << 319n)).toThrow(/more than 40 bytes/);
  });

  it("keeps a byte order mark as a character", () => {
    const withBom = "\ufeffx";
    expect(decodeCanonical(encodeCanonical(withBom))).toBe(withBom);
  });
});
