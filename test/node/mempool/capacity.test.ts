// Replacement by the same sender and nonce, the per-sender limit, and eviction when the pool is
// full: only a sender's last transaction may go, so no sender is left with a nonce hole.
import { describe, expect, it } from "vitest";
import { MempoolErrorCode } from "../../../node/mempool/index.ts";
import { decodeTransaction, encodeTransaction, transactionHash } from "../../../vm/index.ts";
import { addr, codes, funded, newPool, okHashes, signedTx, txBytes } from "./helpers.ts";

const NOW = 1_000;
const inPool = (pool: { has(h: Uint8Array): boolean }, txs: Uint8Array[]) =>
  txs.map((t) => pool.has(transactionHash(t)));

describe("replacement", () => {
  it("replaces a queued transaction when the new fee is at least 10% higher", async () => {
    const { pool } = newPool();
    const accounts = funded(1);
    const old = signedTx(0, 0n, { tip: 1_000n });
    okHashes(await pool.add([encodeTransaction(old)], accounts.reader, NOW));
    // 10% of the old fee, rounded up, is the smallest step that counts.
    const step = (old.fee + 9n) / 10n;
    const under = txBytes(0, 0n, { tip: 1_000n + step - 1n });
    const enough = txBytes(0, 0n, { tip: 1_000n + step });
    expect(decodeTransaction(enough).fee * 10n).toBeGreaterThanOrEqual(old.fee * 11n);
    expect(codes(await pool.add([under], accounts.reader, NOW))).toEqual([MempoolErrorCode.replacementUnderpriced]);
    expect(codes(await pool.add([enough], accounts.reader, NOW))).toEqual([null]);
    expect(pool.size).toBe(1);
    expect(pool.bytes).toBe(enough.length);
    expect(inPool(pool, [encodeTransaction(old), enough])).toEqual([false, true]);
  });

  it("lets a replacement in even when the sender is at its limit", async () => {
    const { pool } = newPool({ maxPerSender: 2 });
    const accounts = funded(1);
    okHashes(await pool.add([txBytes(0, 0n), txBytes(0, 1n)], accounts.reader, NOW));
    expect(codes(await pool.add([txBytes(0, 2n)], accounts.reader, NOW))).toEqual([MempoolErrorCode.senderFull]);
    expect(codes(await pool.add([txBytes(0, 1n, { tip: 1_000n })], accounts.reader, NOW))).toEqual([null]);
    expect(pool.size).toBe(2);
  });

  it("treats a second transaction of the same nonce in one batch as a replacement", async () => {
    const { pool } = newPool();
    const results = await pool.add(
      [txBytes(0, 0n, { tip: 10n }), txBytes(0, 0n, { tip: 11n }), txBytes(0, 0n, { tip: 5_000n })],
      funded(1).reader,
      NOW,
    );
    expect(codes(results)).toEqual([null, MempoolErrorCode.replacementUnderpriced, null]);
    expect(pool.size).toBe(1);
  });
});

describe("eviction when full", () => {
  it("evicts the lowest-priority sender tail, never a transaction in front of another", async () => {
    const { pool } = newPool({ maxTxs: 4 });
    const accounts = funded(4);
    // Sender 0 queues three cheap transactions; its nonce 0 has the lowest tip of all, but only
    // its last (nonce 2) may be evicted.
    const a = [txBytes(0, 0n, { tip: 0n }), txBytes(0, 1n, { tip: 300n }), txBytes(0, 2n, { tip: 200n })];
    const b = txBytes(1, 0n, { tip: 100n });
    okHashes(await pool.add([...a, b], accounts.reader, NOW));
    const c = txBytes(2, 0n, { tip: 150n });
    expect(codes(await pool.add([c], accounts.reader, NOW))).toEqual([null]);
    // The lowest tail was b (100); a's tail (200) is above it.
    expect(inPool(pool, [...a, b, c])).toEqual([true, true, true, false, true]);
    const d = txBytes(3, 0n, { tip: 250n });
    expect(codes(await pool.add([d], accounts.reader, NOW))).toEqual([null]);
    // Now c (150) is the lowest tail and goes.
    expect(inPool(pool, [...a, c, d])).toEqual([true, true, true, false, true]);
    const e = txBytes(2, 0n, { tip: 1_000n });
    expect(codes(await pool.add([e], accounts.reader, NOW))).toEqual([null]);
    // a's tail at 200 goes; then a's nonce 1 (300) is its tail, and nonce 0 (tip 0) is still kept.
    expect(inPool(pool, [...a, d, e])).toEqual([true, true, false, true, true]);
    expect(pool.size).toBe(4);
  });

  it("evicts by priority again after the pool drained and filled up", async () => {
    // The pool keeps its heap of sender tails only while it is full or lately was; this runs a
    // full pool, drains it under half through a committed block, and fills it again with
    // senders that arrived while it kept none.
    const { pool } = newPool({ maxTxs: 4 });
    const accounts = funded(9);
    const first = [100n, 200n, 300n, 400n].map((tip, i) => txBytes(i, 0n, { tip }));
    okHashes(await pool.add(first, accounts.reader, NOW));
    const s4 = txBytes(4, 0n, { tip: 250n });
    expect(codes(await pool.add([s4], accounts.reader, NOW))).toEqual([null]);
    expect(inPool(pool, [...first, s4])).toEqual([false, true, true, true, true]);

    const block = [first[1], first[2], s4] as Uint8Array[];
    for (const i of [1, 2, 4]) accounts.set(addr(i), { nonce: 1n });
    await pool.removeIncluded(block, accounts.reader);
    expect(pool.size).toBe(1);

    const refill = [txBytes(5, 0n, { tip: 50n }), txBytes(6, 0n, { tip: 500n }), txBytes(1, 1n, { tip: 120n })];
    okHashes(await pool.add(refill, accounts.reader, NOW));
    expect(pool.size).toBe(4);
    // The lowest tail is sender 5's (50): it goes for a tip of 60.
    const s7 = txBytes(7, 0n, { tip: 60n });
    expect(codes(await pool.add([s7], accounts.reader, NOW))).toEqual([null]);
    expect(inPool(pool, [...refill, s7])).toEqual([false, true, true, true]);
    // Now 60 is the lowest: 55 does not beat it, 130 does, and sender 1's tail (120) is next.
    expect(codes(await pool.add([txBytes(8, 0n, { tip: 55n })], accounts.reader, NOW))).toEqual([
      MempoolErrorCode.full,
    ]);
    const s8 = txBytes(8, 0n, { tip: 130n });
    expect(codes(await pool.add([s8], accounts.reader, NOW))).toEqual([null]);
    expect(inPool(pool, [s7, s8])).toEqual([false, true]);
    const s0 = txBytes(0, 0n, { tip: 125n });
    expect(codes(await pool.add([s0], accounts.reader, NOW))).toEqual([null]);
    expect(inPool(pool, [refill[2] as Uint8Array, s0])).toEqual([false, true]);
    expect(pool.size).toBe(4);
  });

  it("refuses with MEMPOOL_FULL when nothing has a strictly lower fee per byte, changing nothing", async () => {
    const { pool } = newPool({ maxTxs: 2 });
    const accounts = funded(3);
    const kept = [txBytes(0, 0n, { tip: 100n }), txBytes(1, 0n, { tip: 100n })];
    okHashes(await pool.add(kept, accounts.reader, NOW));
    const bytes = pool.bytes;
    const results = await pool.add([txBytes(2, 0n, { tip: 100n })], accounts.reader, NOW);
    expect(codes(results)).toEqual([MempoolErrorCode.full]);
    expect(inPool(pool, kept)).toEqual([true, true]);
    expect(pool.bytes).toBe(bytes);
  });

  it("never evicts the newcomer's own sender, whose tail may sit right before it", async () => {
    const { pool } = newPool({ maxTxs: 2 });
    const accounts = funded(2);
    okHashes(await pool.add([txBytes(0, 0n, { tip: 0n }), txBytes(0, 1n, { tip: 0n })], accounts.reader, NOW));
    // Evicting nonce 1 to admit nonce 2 would leave 0, _, 2.
    expect(codes(await pool.add([txBytes(0, 2n, { tip: 9_000n })], accounts.reader, NOW))).toEqual([
      MempoolErrorCode.full,
    ]);
    expect(codes(await pool.add([txBytes(1, 0n, { tip: 9_000n })], accounts.reader, NOW))).toEqual([null]);
    expect(pool.size).toBe(2);
  });

  it("evicts several small transactions to fit a large one by bytes, or puts them all back", async () => {
    const accounts = funded(5);
    const small = [txBytes(0, 0n, { tip: 10n }), txBytes(1, 0n, { tip: 20n }), txBytes(2, 0n, { tip: 500n })];
    const full = small.reduce((n, t) => n + t.length, 0);
    // A sponsored transaction carries a second key and signature: it needs two small ones gone.
    const big = (tip: bigint) => txBytes(3, 0n, { tip, sponsor: 4 });
    const size = big(0n).length;
    const smallSize = small[0]?.length ?? 0;
    expect(size).toBeGreaterThan(smallSize);
    expect(size).toBeLessThanOrEqual(2 * smallSize);

    const { pool } = newPool({ maxBytes: full });
    okHashes(await pool.add(small, accounts.reader, NOW));
    const winner = big(100_000n);
    expect(codes(await pool.add([winner], accounts.reader, NOW))).toEqual([null]);
    expect(inPool(pool, [...small, winner])).toEqual([false, false, true, true]);
    expect(pool.bytes).toBe(full - 2 * smallSize + size);

    // This newcomer outranks the first victim (tip 10) per byte but not the second (tip 20):
    // the first is put back and nothing changes.
    const tip = (10n * BigInt(size)) / BigInt(smallSize) + 1n;
    expect(tip * BigInt(smallSize)).toBeLessThan(20n * BigInt(size));
    const { pool: other } = newPool({ maxBytes: full });
    okHashes(await other.add(small, accounts.reader, NOW));
    expect(codes(await other.add([big(tip)], accounts.reader, NOW))).toEqual([MempoolErrorCode.full]);
    expect(inPool(other, small)).toEqual([true, true, true]);
    expect(other.bytes).toBe(full);
    // The put-back transaction is still the first to go.
    expect(codes(await other.add([big(100_000n)], accounts.reader, NOW))).toEqual([null]);
    expect(inPool(other, small)).toEqual([false, false, true]);
  });

  it("refuses a transaction larger than maxBytes outright", async () => {
    const t = txBytes(0, 0n, { tip: 1_000_000n });
    const { pool } = newPool({ maxBytes: t.length - 1 });
    expect(codes(await pool.add([t], funded(1).reader, NOW))).toEqual([MempoolErrorCode.full]);
  });
});
