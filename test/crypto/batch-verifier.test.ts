// BatchVerifier against its contract: one boolean per item, in order, equal to verifyNative on
// that item, whether the batch goes to the worker threads or is verified inline.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { concatBytes, utf8 } from "../../crypto/bytes.ts";
import {
  BatchVerifier,
  GROUP_ORDER,
  keyPairFromSeed,
  type SignedItem,
  sign,
  verifyNative,
} from "../../crypto/ed25519/index.ts";
import { scalarFromBytesLE } from "../../crypto/ed25519/rule.ts";

const BATCH_SIZE = 2000;
const SIGNERS = Array.from({ length: 40 }, (_, i) => keyPairFromSeed(new Uint8Array(32).fill(i + 1)));

function validItem(i: number): SignedItem {
  const signer = SIGNERS[i % SIGNERS.length] as (typeof SIGNERS)[number];
  // Message lengths vary so item boundaries in the packed buffer move around.
  const message = utf8(`transfer ${i} ${"x".repeat(i % 37)}`);
  return { publicKey: signer.publicKey, message, signature: sign(message, signer.secretKey) };
}

function flipped(bytes: Uint8Array, index: number): Uint8Array {
  const out = Uint8Array.from(bytes);
  out[index] = (out[index] as number) ^ 0x01;
  return out;
}

function le32(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++, n >>= 8n) out[i] = Number(n & 0xffn);
  return out;
}

// Each spoils a valid item in a different way. Positions straddle the boundary between the two
// workers' chunks (1000 items each) and sit at both ends of the batch.
const SPOILERS: Record<number, [string, (it: SignedItem) => SignedItem]> = {
  0: ["flipped signature bit", (it) => ({ ...it, signature: flipped(it.signature, 10) })],
  1: ["altered message", (it) => ({ ...it, message: flipped(it.message, 0) })],
  500: ["another signer's key", (it) => ({ ...it, publicKey: (SIGNERS[39] as { publicKey: Uint8Array }).publicKey })],
  998: [
    "S + L",
    (it) => ({
      ...it,
      signature: concatBytes(
        it.signature.subarray(0, 32),
        le32(scalarFromBytesLE(it.signature.subarray(32)) + GROUP_ORDER),
      ),
    }),
  ],
  999: ["31-byte key", (it) => ({ ...it, publicKey: it.publicKey.subarray(0, 31) })],
  1000: ["65-byte signature", (it) => ({ ...it, signature: concatBytes(it.signature, new Uint8Array(1)) })],
  1001: ["empty key and signature", (it) => ({ ...it, publicKey: new Uint8Array(0), signature: new Uint8Array(0) })],
  1500: ["identity public key", (it) => ({ ...it, publicKey: le32(1n) })],
  1998: ["33-byte key", (it) => ({ ...it, publicKey: concatBytes(it.publicKey, new Uint8Array(1)) })],
  1999: ["flipped last signature bit", (it) => ({ ...it, signature: flipped(it.signature, 63) })],
};

let verifier: BatchVerifier;
let items: SignedItem[];
let expected: boolean[];

beforeAll(() => {
  verifier = new BatchVerifier({ workers: 2 });
  items = [];
  expected = [];
  for (let i = 0; i < BATCH_SIZE; i++) {
    const spoiler = SPOILERS[i];
    items.push(spoiler ? spoiler[1](validItem(i)) : validItem(i));
    expected.push(spoiler === undefined);
  }
});

afterAll(async () => {
  await verifier.close();
});

describe("BatchVerifier with 2 workers", () => {
  it("answers a 2000-item batch in order, false exactly at the spoiled positions", async () => {
    expect(verifier.workerCount).toBe(2);
    const results = await verifier.verify(items);
    expect(results).toHaveLength(BATCH_SIZE);
    const falses = results.flatMap((ok, i) => (ok ? [] : [i]));
    expect(falses).toEqual(Object.keys(SPOILERS).map(Number));
    expect(results).toEqual(expected);
  });

  it("matches verifyNative item by item", async () => {
    const results = await verifier.verify(items);
    const one = items.map((it) => verifyNative(it.publicKey, it.message, it.signature));
    expect(results).toEqual(one);
  });

  it("gives the same answers inline, below the 64-item threshold", async () => {
    for (const [start, end] of [
      [0, 40],
      [980, 1020],
      [1960, 2000],
    ] as const) {
      const slice = items.slice(start, end);
      expect(await verifier.verify(slice), `items ${start}..${end}`).toEqual(expected.slice(start, end));
    }
    // 64 items is the smallest batch sent to the workers.
    expect(await verifier.verify(items.slice(968, 1032))).toEqual(expected.slice(968, 1032));
  });

  it("sends a small batch to one worker whole and splits a big one between them", async () => {
    const pool = new BatchVerifier({ workers: 2, inlineBelow: 1, minChunk: 32 });
    try {
      expect(await pool.verify(items.slice(0, 10))).toEqual(expected.slice(0, 10));
      expect(pool.jobsSent).toBe(1);
      // 40 items: still one chunk, as two would hold fewer than 32 each.
      expect(await pool.verify(items.slice(10, 50))).toEqual(expected.slice(10, 50));
      expect(pool.jobsSent).toBe(2);
      // 100 items: two chunks of 50, one per worker.
      expect(await pool.verify(items.slice(900, 1000))).toEqual(expected.slice(900, 1000));
      expect(pool.jobsSent).toBe(4);
    } finally {
      await pool.close();
    }
  });

  it("keeps concurrent batches apart", async () => {
    const [whole, firstHalf, secondHalf] = await Promise.all([
      verifier.verify(items),
      verifier.verify(items.slice(0, 1000)),
      verifier.verify(items.slice(1000)),
    ]);
    expect(whole).toEqual(expected);
    expect([...firstHalf, ...secondHalf]).toEqual(expected);
  });

  it("answers false for malformed items without disturbing their neighbours", async () => {
    const batch = items.slice(1100, 1200).filter((_, i) => expected[1100 + i]);
    batch[10] = { ...(batch[10] as SignedItem), publicKey: new Uint8Array(0) };
    batch[11] = { ...(batch[11] as SignedItem), signature: new Uint8Array(200) };
    batch[12] = { ...(batch[12] as SignedItem), publicKey: new Uint8Array(64), signature: new Uint8Array(1) };
    const results = await verifier.verify(batch);
    expect(results.flatMap((ok, i) => (ok ? [] : [i]))).toEqual([10, 11, 12]);
  });

  it("answers an empty batch with an empty list", async () => {
    expect(await verifier.verify([])).toEqual([]);
    expect(await verifier.verifyAll([])).toBe(true);
  });

  it("verifyAll is true only when every item is valid", async () => {
    const allValid = items.filter((_, i) => expected[i]);
    expect(await verifier.verifyAll(allValid)).toBe(true);
    expect(await verifier.verifyAll(items)).toBe(false);
    expect(await verifier.verifyAll(items.slice(1, 40))).toBe(false); // inline path
  });

  it("refuses work once closed", async () => {
    const short = new BatchVerifier({ workers: 1 });
    expect(await short.verify(items.slice(2, 200))).toEqual(expected.slice(2, 200));
    await short.close();
    await expect(short.verify(items.slice(2, 200))).rejects.toThrow(/closed/);
    await expect(short.verify([])).rejects.toThrow(/closed/);
  });

  it("refuses a worker count that is not a positive integer", () => {
    expect(() => new BatchVerifier({ workers: 0 })).toThrow(RangeError);
    expect(() => new BatchVerifier({ workers: 1.5 })).toThrow(RangeError);
  });
});
