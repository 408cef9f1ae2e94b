// SHA-256 through node:crypto must give exactly what a reference implementation gives, for
// plain and domain-tagged hashes: every root, id and address of the protocol depends on it.
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sha256, sha256Binary, taggedHash, utf8 } from "../../crypto/index.ts";

describe("sha256", () => {
  it("matches the FIPS 180-2 test vector for 'abc'", () => {
    expect(Buffer.from(sha256(utf8("abc"))).toString("hex")).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  });

  it("agrees with noble's SHA-256 on any input, as a plain Uint8Array", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (data) => {
        const ours = sha256(data);
        expect(Object.getPrototypeOf(ours)).toBe(Uint8Array.prototype);
        expect(ours).toEqual(nobleSha256(data));
        expect(Buffer.from(sha256Binary(data), "latin1")).toEqual(Buffer.from(nobleSha256(data)));
      }),
      { numRuns: 300 },
    );
  });

  it("tags as sha256(len(tag) || tag || data)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.uint8Array({ maxLength: 300 }), (tag, data) => {
        const t = utf8(tag);
        const expected = nobleSha256(Uint8Array.from([t.length, ...t, ...data]));
        expect(taggedHash(tag, data)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
    expect(() => taggedHash("x".repeat(256), new Uint8Array())).toThrow(RangeError);
  });

  it("is right either side of the reused input buffer's limit, and no result aliases another", () => {
    const tag = "UBN/test/v1";
    const t = utf8(tag);
    const results: Uint8Array[] = [];
    const expected: Uint8Array[] = [];
    for (const n of [0, 1, 1000, 5000, (1 << 16) - t.length - 1, (1 << 16) - t.length, 1 << 16, 200_000, 10]) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 13 + n) & 255);
      const input = new Uint8Array(1 + t.length + n);
      input[0] = t.length;
      input.set(t, 1);
      input.set(data, 1 + t.length);
      results.push(taggedHash(tag, data));
      expected.push(nobleSha256(input));
    }
    expect(results).toEqual(expected);
  });
});
