// After admission: a committed block removes what it included and what its nonces made
// obsolete, replays are refused, and old transactions age out.
import { describe, expect, it } from "vitest";
import { MempoolErrorCode } from "../../../node/mempool/index.ts";
import { transactionHash } from "../../../vm/index.ts";
import { addr, codes, funded, newPool, okHashes, txBytes } from "./helpers.ts";

const NOW = 1_000;
const inPool = (pool: { has(h: Uint8Array): boolean }, txs: Uint8Array[]) =>
  txs.map((t) => pool.has(transactionHash(t)));

describe("removeIncluded", () => {
  it("drops the included transactions and every nonce the block used, keeping later ones", async () => {
    const { pool } = newPool();
    const accounts = funded(3);
    const a = [0n, 1n, 2n, 3n].map((n) => txBytes(0, n));
    const b = txBytes(1, 0n);
    okHashes(await pool.add([...a, b], accounts.reader, NOW));
    // The block carried sender 0's nonce 0 and a competing nonce 1 this pool never saw.
    const competing = txBytes(0, 1n, { amount: 77n });
    accounts.set(addr(0), { nonce: 2n });
    await pool.removeIncluded([a[0] as Uint8Array, competing], accounts.reader);
    expect(inPool(pool, [...a, b])).toEqual([false, false, true, true, true]);
    expect(pool.size).toBe(3);
    expect(pool.bytes).toBe([a[2], a[3], b].reduce((n, t) => n + (t?.length ?? 0), 0));
  });

  it("refuses a replay of an included transaction as a duplicate, before reading accounts", async () => {
    const { pool, calls } = newPool();
    const accounts = funded(1);
    const t = txBytes(0, 0n);
    okHashes(await pool.add([t], accounts.reader, NOW));
    accounts.set(addr(0), { nonce: 1n });
    await pool.removeIncluded([t], accounts.reader);
    const reads = accounts.reads;
    const replay = await pool.add([t], accounts.reader, NOW);
    expect(codes(replay)).toEqual([MempoolErrorCode.duplicate]);
    expect(replay[0]?.ok === false && replay[0].error.message).toMatch(/included/);
    expect(accounts.reads).toBe(reads);
    expect(calls).toEqual([1]);
    // A different transaction with the used nonce is caught by the nonce check.
    expect(codes(await pool.add([txBytes(0, 0n, { amount: 5n })], accounts.reader, NOW))).toEqual([
      MempoolErrorCode.nonceTooLow,
    ]);
  });

  it("also remembers a block transaction it never held, and ignores bytes that do not decode", async () => {
    const { pool } = newPool();
    const accounts = funded(1);
    const t = txBytes(0, 0n);
    accounts.set(addr(0), { nonce: 1n });
    await pool.removeIncluded([t, Uint8Array.of(7)], accounts.reader);
    expect(codes(await pool.add([t], accounts.reader, NOW))).toEqual([MempoolErrorCode.duplicate]);
  });
});

describe("discard", () => {
  it("drops what a block could not carry without remembering it, so the same bytes can come back", async () => {
    const { pool } = newPool();
    const accounts = funded(2);
    const t = txBytes(0, 0n);
    const other = txBytes(1, 0n);
    okHashes(await pool.add([t, other], accounts.reader, NOW));
    expect(pool.discard([t, txBytes(0, 5n)])).toBe(1);
    expect(inPool(pool, [t, other])).toEqual([false, true]);
    okHashes(await pool.add([t], accounts.reader, NOW));
    expect(pool.size).toBe(2);
  });
});

describe("evictStale", () => {
  it("drops what arrived ttlMs or more ago and returns how many", async () => {
    const { pool } = newPool({ ttlMs: 1_000 });
    const accounts = funded(2);
    const early = [txBytes(0, 0n), txBytes(0, 1n)];
    const late = txBytes(1, 0n);
    okHashes(await pool.add(early, accounts.reader, 0));
    okHashes(await pool.add([late], accounts.reader, 500));
    expect(pool.evictStale(999)).toBe(0);
    expect(pool.evictStale(1_000)).toBe(2);
    expect(inPool(pool, [...early, late])).toEqual([false, false, true]);
    expect(pool.bytes).toBe(late.length);
    expect(pool.evictStale(1_500)).toBe(1);
    expect(pool.size).toBe(0);
    expect(pool.bytes).toBe(0);
    // Evicted for age is not "included": it may be sent again.
    expect(codes(await pool.add([late], accounts.reader, 2_000))).toEqual([null]);
  });

  it("keeps the age of the original arrival through a refused duplicate", async () => {
    const { pool } = newPool({ ttlMs: 1_000 });
    const accounts = funded(1);
    const t = txBytes(0, 0n);
    okHashes(await pool.add([t], accounts.reader, 0));
    expect(codes(await pool.add([t], accounts.reader, 900))).toEqual([MempoolErrorCode.duplicate]);
    expect(pool.evictStale(1_000)).toBe(1);
  });
});
