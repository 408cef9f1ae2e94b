import { randomBytes } from "node:crypto";
import { LengthPrefixedDecoder } from "@libp2p/utils";
import type { Uint8ArrayList } from "uint8arraylist";
import { describe, expect, it } from "vitest";
import { drainingDecode } from "../../../node/net/frame-reader-drain.ts";

// Noise's framing: a 2-byte big-endian length, then the frame (libp2p-noise's encoder.js).
function uint16BE(data: Uint8Array | Uint8ArrayList): number {
  if (data.length < 2) throw new RangeError("Could not decode int16BE");
  return data instanceof Uint8Array ? ((data[0] as number) << 8) + (data[1] as number) : data.getUint16(0);
}

function framed(frames: Uint8Array[]): Uint8Array {
  return Buffer.concat(frames.flatMap((f) => [Buffer.from([f.length >> 8, f.length & 0xff]), f]));
}

function noiseDecoder(calls: number[]): LengthPrefixedDecoder {
  return new LengthPrefixedDecoder({
    lengthDecoder: (data) => {
      calls.push(data.byteLength);
      return uint16BE(data);
    },
    encodingLength: () => 2,
  });
}

describe("Noise frame reader", () => {
  it("is patched on the pinned library", async () => {
    await import("../../../node/net/network.ts");
    expect(LengthPrefixedDecoder.prototype.decode).toBe(drainingDecode);
  });

  it("reads the same frames from any split of the bytes, without asking for a length of nothing", () => {
    const frames = Array.from({ length: 40 }, (_, i) => randomBytes(1 + ((i * 977) % 3000)));
    const bytes = framed(frames);
    for (const step of [1, 2, 3, 100, 1999, bytes.length]) {
      const calls: number[] = [];
      const decoder = noiseDecoder(calls);
      const out: Buffer[] = [];
      for (let at = 0; at < bytes.length; at += step) {
        for (const f of decoder.decode(bytes.subarray(at, at + step))) out.push(Buffer.from(f.subarray()));
      }
      expect(out, `chunks of ${step}`).toEqual(frames.map((f) => Buffer.from(f)));
      expect(calls.includes(0), `chunks of ${step}`).toBe(false);
    }
  });

  it("still waits for the rest of a length split between two chunks", () => {
    const calls: number[] = [];
    const decoder = noiseDecoder(calls);
    const bytes = framed([randomBytes(300)]);
    expect([...decoder.decode(bytes.subarray(0, 1))]).toEqual([]);
    expect(calls).toEqual([1]);
    const out = [...decoder.decode(bytes.subarray(1))];
    expect(out.map((f) => f.byteLength)).toEqual([300]);
  });

  it("leaves a decoder whose empty frame has no prefix to the library's way", () => {
    const calls: number[] = [];
    const decoder = new LengthPrefixedDecoder({
      lengthDecoder: (data) => {
        calls.push(data.byteLength);
        return uint16BE(data);
      },
      encodingLength: () => 0,
    });
    expect([...decoder.decode(new Uint8Array(0))]).toEqual([]);
    expect(calls).toEqual([0]);
  });

  it("still refuses a frame longer than allowed", () => {
    const decoder = new LengthPrefixedDecoder({ lengthDecoder: uint16BE, encodingLength: () => 2, maxDataLength: 100 });
    expect(() => [...decoder.decode(framed([randomBytes(101)]))]).toThrow(/length/i);
  });
});
