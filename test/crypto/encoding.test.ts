import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  bytes,
  type CanonicalValue,
  decode,
  decodeCanonical,
  EncodingError,
  encode,
  encodeCanonical,
  fixedBytes,
  list,
  optional,
  struct,
  text,
  u8,
  u32,
  u64,
  u128,
} from "../../crypto/encoding/index.ts";

const hex = (h: string) => Uint8Array.from(Buffer.from(h, "hex"));

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(EncodingError);
    return (e as EncodingError).code;
  }
  throw new Error("expected an EncodingError");
}

const canonicalValue: fc.Arbitrary<CanonicalValue> = fc.letrec<{ value: CanonicalValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }),
    fc.bigInt({ min: -(1n << 200n), max: 1n << 200n }),
    fc.string({ maxLength: 40 }),
    fc.uint8Array({ maxLength: 40 }),
    fc.array(tie("value"), { maxLength: 5 }),
  ),
})).value;

describe("canonical encoding", () => {
  it("round-trips every value and re-encodes to the same bytes", () => {
    fc.assert(
      fc.property(canonicalValue, (v) => {
        const b = encodeCanonical(v);
        const back = decodeCanonical(b);
        expect(back).toEqual(v);
        expect(encodeCanonical(back)).toEqual(b);
      }),
      { numRuns: 2000 },
    );
  });

  it("gives two values the same bytes only if they are equal", () => {
    fc.assert(
      fc.property(canonicalValue, canonicalValue, (a, b) => {
        const same = Buffer.from(encodeCanonical(a)).equals(encodeCanonical(b));
        expect(same).toBe(JSON.stringify(a, replacer) === JSON.stringify(b, replacer));
      }),
      { numRuns: 1000 },
    );
  });

  it("refuses non-minimal integer forms", () => {
    // The number 5 as uint8, uint16 and int8 instead of a fixint.
    for (const h of ["cc05", "cd0005", "d005"]) {
      expect(codeOf(() => decodeCanonical(hex(h)))).toBe("ENCODING_NON_CANONICAL");
    }
    // The bigint 5n is always int64; as uint64 it is a second form and refused.
    expect(decodeCanonical(hex("d30000000000000005"))).toBe(5n);
    expect(codeOf(() => decodeCanonical(hex("cf0000000000000005")))).toBe("ENCODING_NON_CANONICAL");
    // A big integer that fits 64 bits must not use the extension form.
    expect(codeOf(() => decodeCanonical(hex("d44205")))).toBe("ENCODING_NON_CANONICAL");
  });

  it("distinguishes numbers from bigints by their byte form", () => {
    expect(decodeCanonical(encodeCanonical(5))).toBe(5);
    expect(decodeCanonical(encodeCanonical(5n))).toBe(5n);
    expect(Buffer.from(encodeCanonical(5)).equals(encodeCanonical(5n))).toBe(false);
  });

  it("refuses trailing bytes, truncation and oversized input", () => {
    const b = encodeCanonical([1, 2n, "x"]);
    expect(codeOf(() => decodeCanonical(Uint8Array.from([...b, 0])))).toBe("ENCODING_TRAILING_BYTES");
    expect(codeOf(() => decodeCanonical(b.subarray(0, b.length - 1)))).toBe("ENCODING_TRUNCATED");
    expect(codeOf(() => decodeCanonical(new Uint8Array(0)))).toBe("ENCODING_TRUNCATED");
    expect(codeOf(() => decodeCanonical(b, { maxBytes: b.length - 1 }))).toBe("ENCODING_OVERSIZED");
  });

  it("refuses maps, floats and foreign extensions", () => {
    expect(codeOf(() => decodeCanonical(hex("81a16101")))).toBe("ENCODING_UNSUPPORTED_TYPE"); // {a:1}
    expect(codeOf(() => decodeCanonical(hex("cb3ff8000000000000")))).toBe("ENCODING_UNSUPPORTED_TYPE"); // 1.5
    expect(codeOf(() => decodeCanonical(hex("ca3fc00000")))).toBe("ENCODING_UNSUPPORTED_TYPE"); // float32
    expect(codeOf(() => decodeCanonical(hex("d6ff00000000")))).toBe("ENCODING_UNSUPPORTED_TYPE"); // timestamp ext
    expect(codeOf(() => decodeCanonical(hex("c1")))).toBe("ENCODING_UNSUPPORTED_TYPE");
  });

  it("refuses hostile lengths and nesting without allocating or overflowing the stack", () => {
    expect(codeOf(() => decodeCanonical(hex("ddffffffff")))).toBe("ENCODING_TRUNCATED"); // 4G-element array
    expect(codeOf(() => decodeCanonical(hex("c6ffffffff00")))).toBe("ENCODING_TRUNCATED"); // 4 GiB bin
    expect(codeOf(() => decodeCanonical(new Uint8Array(100_000).fill(0x91)))).toBe("ENCODING_TOO_DEEP");
  });

  it("refuses invalid UTF-8 in strings", () => {
    expect(codeOf(() => decodeCanonical(hex("a2c328")))).toBe("ENCODING_NON_CANONICAL");
  });

  it("refuses values it cannot encode exactly", () => {
    expect(codeOf(() => encodeCanonical(1.5))).toBe("ENCODING_UNENCODABLE_VALUE");
    expect(codeOf(() => encodeCanonical(2 ** 40))).toBe("ENCODING_UNENCODABLE_VALUE");
    expect(codeOf(() => encodeCanonical({ a: 1 } as unknown as CanonicalValue))).toBe("ENCODING_UNENCODABLE_VALUE");
    expect(codeOf(() => encodeCanonical(undefined as unknown as CanonicalValue))).toBe("ENCODING_UNENCODABLE_VALUE");
  });

  it("names where in the value the unencodable part is", () => {
    const errorOf = (v: unknown) => {
      try {
        encodeCanonical(v as CanonicalValue);
      } catch (e) {
        return e as EncodingError;
      }
      throw new Error("encoded");
    };
    const inner = errorOf([1n, [new Uint8Array(2), "x", 1.5]]);
    expect(inner.at).toBe("$[1][2]");
    expect(inner.message).toMatch(/number 1\.5 is not a 32-bit integer/);
    expect(errorOf(new Map()).at).toBe("$");
    expect(errorOf(new Map()).message).toMatch(/cannot encode Map/);
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = [deep];
    const tooDeep = errorOf(deep);
    expect(tooDeep.message).toMatch(/nesting deeper than 32/);
    expect(tooDeep.at).toBe(`$${"[0]".repeat(33)}`);
  });
});

describe("typed codecs", () => {
  const Transfer = struct("Transfer", {
    chainId: text(64),
    nonce: u64,
    amount: u128,
    to: fixedBytes(20),
    memo: optional(bytes(64)),
    shard: u32,
    tags: list(u8, 4),
  });
  const sample = {
    chainId: "ubn-test",
    nonce: 7n,
    amount: 10n ** 27n,
    to: new Uint8Array(20).fill(9),
    memo: null,
    shard: 3,
    tags: [1, 2],
  };

  it("round-trips a struct as a fixed-order array", () => {
    const b = encode(Transfer, sample);
    expect(decode(Transfer, b)).toEqual(sample);
    expect(decodeCanonical(b)).toEqual(["ubn-test", 7n, 10n ** 27n, sample.to, null, 3, [1, 2]]);
  });

  it("names the field that does not fit the schema", () => {
    const wrong = encodeCanonical(["ubn-test", 7n, 10n ** 27n, new Uint8Array(19), null, 3, []]);
    expect(() => decode(Transfer, wrong)).toThrow(/\$\.to/);
    expect(codeOf(() => decode(Transfer, encodeCanonical(["x", 7n])))).toBe("ENCODING_SCHEMA_MISMATCH");
    expect(codeOf(() => decode(Transfer, encodeCanonical(["x", 7, 1n, sample.to, null, 3, []])))).toBe(
      "ENCODING_SCHEMA_MISMATCH",
    );
    expect(codeOf(() => decode(Transfer, encodeCanonical(["x", -1n, 1n, sample.to, null, 3, []])))).toBe(
      "ENCODING_SCHEMA_MISMATCH",
    );
  });

  it("refuses out-of-range values on encode", () => {
    expect(codeOf(() => encode(u64, 1n << 64n))).toBe("ENCODING_UNENCODABLE_VALUE");
    expect(codeOf(() => encode(u8, 256))).toBe("ENCODING_UNENCODABLE_VALUE");
    expect(codeOf(() => encode(list(u8, 1), [1, 2]))).toBe("ENCODING_UNENCODABLE_VALUE");
  });

  it("round-trips random structs", () => {
    fc.assert(
      fc.property(
        fc.record({
          chainId: fc.string({ maxLength: 64 }),
          nonce: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
          amount: fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
          to: fc.uint8Array({ minLength: 20, maxLength: 20 }),
          memo: fc.option(fc.uint8Array({ maxLength: 64 }), { nil: null }),
          shard: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
          tags: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 4 }),
        }),
        (v) => {
          expect(decode(Transfer, encode(Transfer, v))).toEqual(v);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

function replacer(_k: string, v: unknown) {
  if (typeof v === "bigint") return `n${v}`;
  if (v instanceof Uint8Array) return `b${Buffer.from(v).toString("hex")}`;
  if (typeof v === "string") return `s${v}`;
  return v;
}
