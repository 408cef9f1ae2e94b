// toHex goes through a table in JavaScript up to 64 bytes, and beyond through Node's native hex
// writer (or, where that method is missing, a Buffer over the same memory); every route must
// give exactly what a byte-by-byte encoder gives, for small arrays on V8's heap and views into
// larger buffers too, and round-trip through fromHex.
import { bytesToHex } from "@noble/hashes/utils.js";
import { describe, expect, it } from "vitest";
import { fromHex, HexError, shortHex, toHex, toHexThroughBuffer } from "../../crypto/bytes.ts";

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

  it("gives every byte value its two digits, on every route, at every length either side of 64 bytes", () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(toHex(all)).toBe(bytesToHex(all));
    expect(toHexThroughBuffer(all)).toBe(bytesToHex(all));
    for (let at = 0; at < 256; at += 64)
      expect(shortHex(all.subarray(at, at + 64))).toBe(bytesToHex(all.subarray(at, at + 64)));
    for (let n = 0; n <= 140; n++) {
      // Fresh arrays of 64 bytes or less live on V8's heap; views into a larger one do not.
      const fresh = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 255);
      const view = all.subarray(n, 2 * n);
      for (const hex of n <= 64 ? [toHex, toHexThroughBuffer, shortHex] : [toHex, toHexThroughBuffer]) {
        expect(hex(fresh)).toBe(bytesToHex(fresh));
        expect(hex(view)).toBe(bytesToHex(view));
      }
    }
  });

  it("returns a new string each call, untouched by later calls", () => {
    const first = toHex(Uint8Array.from([1, 2, 3]));
    toHex(Uint8Array.from([0xff, 0xee, 0xdd, 0xcc]));
    expect(first).toBe("010203");
  });
});

describe("fromHex", () => {
  it("decodes either case, with or without 0x, at every length either side of 64 bytes and 1 KiB", () => {
    expect(fromHex("0x00ff10Ab")).toEqual(Uint8Array.from([0, 255, 16, 171]));
    expect(fromHex("0X0a")).toEqual(Uint8Array.from([10]));
    expect(fromHex("")).toEqual(new Uint8Array(0));
    expect(fromHex("0x")).toEqual(new Uint8Array(0));
    for (const n of [1, 20, 32, 64, 65, 170, 1024, 1025, 5000]) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 151 + n) & 255);
      const hex = bytesToHex(bytes);
      expect(fromHex(hex, n)).toEqual(bytes);
      expect(fromHex(`0x${hex.toUpperCase()}`)).toEqual(bytes);
    }
  });

  it("refuses anything that is not whole pairs of hex digits, wherever the bad character is", () => {
    const good = bytesToHex(Uint8Array.from({ length: 170 }, (_, i) => i));
    for (const at of [0, 1, 2, 3, 170, 338, 339]) {
      for (const bad of ["g", "G", " ", "x", "\u0000", "é", "-"]) {
        if (bad === "x" && at === 1) continue; // "0x" then digits: a prefix, not a bad character
        const hex = good.slice(0, at) + bad + good.slice(at + 1);
        expect(() => fromHex(hex), `${JSON.stringify(bad)} at ${at}`).toThrow(HexError);
      }
    }
    expect(() => fromHex("abc")).toThrow(HexError);
    expect(() => fromHex("0x0")).toThrow(HexError);
    expect(() => fromHex("00x0")).toThrow(HexError);
    expect(() => fromHex(" 0a")).toThrow(HexError);
    expect(() => fromHex("0a\n")).toThrow(HexError);
  });

  it("checks the length asked for", () => {
    expect(() => fromHex("00".repeat(31), 32)).toThrow(/expected 32 bytes/);
    expect(fromHex("00".repeat(32), 32).length).toBe(32);
  });

  it("returns arrays that later calls do not overwrite", () => {
    const first = fromHex("aa".repeat(170));
    fromHex("bb".repeat(170));
    expect(first.every((b) => b === 0xaa)).toBe(true);
  });
});
