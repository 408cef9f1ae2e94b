// toHex goes through Node's native hex; it must give exactly what a byte-by-byte encoder gives,
// for views into larger buffers too, and round-trip through fromHex.
import { bytesToHex } from "@noble/hashes/utils.js";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../crypto/bytes.ts";

describe("toHex", () => {
  it("matches a byte-by-byte encoder, on whole arrays and on views at an offset", () => {
    const backing = new Uint8Array(300);
    for (let i = 0; i < backing.length; i++) backing[i] = (i * 151 + 7) & 255;
    for (const [start, end] of [
      [0, 0],
      [0, 1],
      [3, 35],
      [17, 300],
      [0, 300],
    ] as const) {
      const view = backing.subarray(start, end);
      expect(toHex(view)).toBe(bytesToHex(view));
      expect(fromHex(toHex(view))).toEqual(Uint8Array.from(view));
    }
    expect(toHex(Uint8Array.from([0, 15, 16, 255]))).toBe("000f10ff");
  });
});
