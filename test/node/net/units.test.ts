// The pure parts of node/net: frame decoding, token buckets, peer scores. No sockets.
import { Uint8ArrayList } from "uint8arraylist";
import { describe, expect, test } from "vitest";
import { NetError, NetErrorCode } from "../../../node/net/errors.ts";
import { FrameSplitter } from "../../../node/net/frame-splitter.ts";
import { encodeFrame, encodeLength, FrameDecoder } from "../../../node/net/framing.ts";
import { PeerScores } from "../../../node/net/peer-score.ts";
import { RateLimiter } from "../../../node/net/rate-limit.ts";

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof NetError ? e.code : `not a NetError: ${String(e)}`;
  }
  return undefined;
}

describe("frames", () => {
  test("length prefixes are unsigned LEB128 varints", () => {
    expect([...encodeLength(0)]).toEqual([0]);
    expect([...encodeLength(127)]).toEqual([127]);
    expect([...encodeLength(128)]).toEqual([0x80, 1]);
    expect([...encodeLength(300)]).toEqual([0xac, 2]);
    expect([...encodeLength(2 ** 32)]).toEqual([0x80, 0x80, 0x80, 0x80, 0x10]);
  });

  test("a frame fed one byte at a time comes out whole, trailing bytes ignored", () => {
    const data = Uint8Array.from({ length: 300 }, (_, i) => i % 251);
    const wire = new Uint8ArrayList(encodeFrame(data), Uint8Array.of(9, 9)).subarray();
    const decoder = new FrameDecoder(1000);
    let frame: Uint8Array | undefined;
    for (let i = 0; i < wire.length && frame === undefined; i++) frame = decoder.push(wire.subarray(i, i + 1));
    expect(frame).toEqual(data);
  });

  test("a frame split across list chunks, and an empty frame", () => {
    const data = Uint8Array.of(1, 2, 3, 4, 5);
    const decoder = new FrameDecoder(10);
    expect(decoder.push(new Uint8ArrayList(Uint8Array.of(5, 1), Uint8Array.of(2)))).toBeUndefined();
    expect(decoder.push(new Uint8ArrayList(Uint8Array.of(3, 4), Uint8Array.of(5, 6)))).toEqual(data);
    expect(new FrameDecoder(10).push(Uint8Array.of(0))).toEqual(new Uint8Array(0));
  });

  test("a 1 GiB announcement is refused as soon as the prefix says so, before any body", () => {
    expect(codeOf(() => new FrameDecoder(64 * 1024).push(encodeLength(2 ** 30)))).toBe(NetErrorCode.tooLarge);
    // Even before the prefix is complete: its first bytes already exceed a small cap.
    expect(codeOf(() => new FrameDecoder(100).push(Uint8Array.of(0xff, 0xff)))).toBe(NetErrorCode.tooLarge);
    expect(codeOf(() => new FrameDecoder(10).push(encodeLength(11)))).toBe(NetErrorCode.tooLarge);
    expect(new FrameDecoder(11).push(encodeLength(11))).toBeUndefined();
  });

  test("a prefix of more than five bytes is malformed", () => {
    const prefix = Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x80, 0x01);
    expect(codeOf(() => new FrameDecoder(2 ** 31).push(prefix))).toBe(NetErrorCode.malformed);
  });
});

describe("token buckets", () => {
  test("a burst, then one token per 1/rate seconds, per key", () => {
    let now = 0;
    const limiter = new RateLimiter(10, 20, () => now);
    for (let i = 0; i < 20; i++) expect(limiter.tryTake("a")).toBe(true);
    expect(limiter.tryTake("a")).toBe(false);
    expect(limiter.tryTake("b")).toBe(true);
    now += 100;
    expect(limiter.tryTake("a")).toBe(true);
    expect(limiter.tryTake("a")).toBe(false);
    now += 10_000;
    limiter.sweep();
    expect(limiter.size).toBe(0);
  });
});

describe("peer scores", () => {
  test("penalties add up, decay halves them per half-life, and the threshold bans", () => {
    let now = 0;
    const scores = new PeerScores({ threshold: -50, banMs: 60_000, halfLifeMs: 10_000, now: () => now });
    for (let i = 0; i < 4; i++) expect(scores.penalize("p", 10)).toBe(false);
    expect(scores.score("p")).toBe(-40);
    now += 10_000;
    expect(scores.score("p")).toBeCloseTo(-20);
    now += 500; // part of a step: not applied yet, and not lost either
    expect(scores.penalize("p", 10)).toBe(false);
    now += 500;
    expect(scores.score("p")).toBeCloseTo(-30 * 0.5 ** 0.1);
    expect(scores.penalize("p", 30)).toBe(true);
    expect(scores.isBanned("p")).toBe(true);
    expect(scores.penalize("p", 100)).toBe(false); // already banned: nothing more to do
    expect(scores.bannedUntil("p")).toBe(now + 60_000);
    now += 60_000;
    expect(scores.isBanned("p")).toBe(false);
    expect(scores.score("p")).toBe(0);
  });

  test("a burst of five default penalties reaches the threshold exactly", () => {
    let now = 0;
    const scores = new PeerScores({ threshold: -50, banMs: 1_000, now: () => now });
    for (let i = 0; i < 4; i++) {
      expect(scores.penalize("p", 10)).toBe(false);
      now += 100;
    }
    expect(scores.penalize("p", 10)).toBe(true);
  });

  test("sweep forgets expired bans and scores that decayed to nothing", () => {
    let now = 0;
    const scores = new PeerScores({ threshold: -50, banMs: 1_000, halfLifeMs: 1_000, now: () => now });
    scores.penalize("a", 60);
    scores.penalize("b", 10);
    now += 10_000;
    scores.sweep();
    expect(scores.isBanned("a")).toBe(false);
    expect(scores.score("b")).toBe(0);
  });
});

describe("FrameSplitter", () => {
  test("splits frames that arrive together, apart, and cut anywhere", () => {
    const frames = [Uint8Array.of(1, 2, 3), new Uint8Array(0), new Uint8Array(300).fill(9)];
    const wire = Uint8Array.from(frames.flatMap((f) => [...encodeFrame(f).subarray()]));
    for (let cut = 0; cut <= wire.length; cut += 7) {
      const splitter = new FrameSplitter(1000);
      const out = [...splitter.push(wire.subarray(0, cut)), ...splitter.push(wire.subarray(cut))];
      expect(out).toEqual(frames);
      expect(splitter.pending).toBe(0);
    }
  });

  test("refuses a frame over the cap from its prefix, and a prefix that never ends", () => {
    expect(() => new FrameSplitter(10).push(encodeLength(11))).toThrow(/over the cap/);
    expect(() => new FrameSplitter(2 ** 40).push(Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x80))).toThrow(/longer than/);
  });
});
