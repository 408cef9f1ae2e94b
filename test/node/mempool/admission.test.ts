// add(): one test per admission rule, cheap checks before signatures, one verify() per batch,
// and a refused transaction changes nothing.
import { describe, expect, it } from "vitest";
import { MempoolError, MempoolErrorCode } from "../../../node/mempool/index.ts";
import { encodeTransaction, MAX_TX_BYTES, requiredFee, signTransaction, transactionHash } from "../../../vm/index.ts";
import {
  Accounts,
  addr,
  codes,
  funded,
  key,
  newPool,
  okHashes,
  params,
  signedTx,
  txBytes,
  unsignedWithTip,
} from "./helpers.ts";

const NOW = 1_000;

describe("add: admission", () => {
  it("admits valid transactions and reports their hashes", async () => {
    const { pool } = newPool();
    const a = txBytes(0, 0n);
    const b = txBytes(1, 0n);
    const hashes = okHashes(await pool.add([a, b], funded(2).reader, NOW));
    expect(hashes).toEqual([transactionHash(a), transactionHash(b)]);
    expect(pool.has(transactionHash(a))).toBe(true);
    expect(pool.size).toBe(2);
    expect(pool.bytes).toBe(a.length + b.length);
  });

  it("returns one result per input, in order, with a typed error for each refusal", async () => {
    const { pool } = newPool();
    const good = txBytes(0, 0n);
    const results = await pool.add(
      [Uint8Array.of(1, 2, 3), good, txBytes(1, 0n, { amount: 0n })],
      funded(2).reader,
      NOW,
    );
    expect(codes(results)).toEqual([MempoolErrorCode.malformed, null, MempoolErrorCode.invalid]);
    const refused = results[2];
    expect(refused?.ok === false && refused.error).toBeInstanceOf(MempoolError);
    expect(refused?.hash).not.toBeNull();
    expect(results[0]?.hash).toBeNull();
  });

  it.each([
    ["MEMPOOL_MALFORMED", () => Uint8Array.of(0x93, 1, 2, 3)],
    ["MEMPOOL_TOO_LARGE", () => new Uint8Array(MAX_TX_BYTES + 1)],
    ["MEMPOOL_WRONG_CHAIN", () => txBytes(0, 0n, { overrides: { chainId: "other-chain" } })],
    ["MEMPOOL_INVALID", () => txBytes(0, 0n, { amount: 0n })],
    ["MEMPOOL_INVALID", () => encodeTransaction(signedTx(0, 0n, { sponsor: 0 }))],
    ["MEMPOOL_BAD_SIGNATURE", () => txBytes(0, 0n, { sponsor: 1, sponsorSigns: false })],
    [
      "MEMPOOL_FEE_TOO_LOW",
      () => {
        const u = unsignedWithTip(0, 0n);
        return encodeTransaction(signTransaction({ ...u, fee: requiredFee(u, params) - 1n }, key(0).secretKey));
      },
    ],
  ])("refuses %s before reading any account or verifying any signature", async (code, make) => {
    const { pool, calls } = newPool();
    const accounts = funded(2);
    const results = await pool.add([make()], accounts.reader, NOW);
    expect(codes(results)).toEqual([code]);
    expect(accounts.reads).toBe(0);
    expect(calls).toEqual([]);
    expect(pool.size).toBe(0);
    expect(pool.bytes).toBe(0);
  });

  it("refuses a nonce already used (MEMPOOL_NONCE_TOO_LOW) and one too far ahead (MEMPOOL_NONCE_GAP)", async () => {
    const { pool, calls } = newPool({ maxNonceGap: 4 });
    const accounts = new Accounts([[0, { balance: 10_000_000n, nonce: 5n }]]);
    const results = await pool.add(
      [txBytes(0, 4n), txBytes(0, 5n), txBytes(0, 9n), txBytes(0, 10n)],
      accounts.reader,
      NOW,
    );
    expect(codes(results)).toEqual([MempoolErrorCode.nonceTooLow, null, null, MempoolErrorCode.nonceGap]);
    const tooLow = results[0];
    expect(tooLow?.ok === false && tooLow.error.message).toMatch(/nonce 4 .*next nonce is 5/);
    // Only the two survivors' signatures reach the verifier.
    expect(calls).toEqual([2]);
  });

  it("refuses a transaction whose fee payer cannot pay the fee (MEMPOOL_CANNOT_PAY_FEE)", async () => {
    const { pool } = newPool();
    const t = signedTx(0, 0n);
    const accounts = new Accounts([[0, { balance: t.fee - 1n }]]);
    expect(codes(await pool.add([encodeTransaction(t)], accounts.reader, NOW))).toEqual([
      MempoolErrorCode.cannotPayFee,
    ]);
    accounts.set(addr(0), { balance: t.fee });
    expect(codes(await pool.add([encodeTransaction(t)], accounts.reader, NOW))).toEqual([null]);
  });

  it("refuses a transaction already queued or repeated in the batch (MEMPOOL_DUPLICATE)", async () => {
    const { pool } = newPool();
    const a = txBytes(0, 0n);
    expect(codes(await pool.add([a, a], funded(1).reader, NOW))).toEqual([null, MempoolErrorCode.duplicate]);
    const again = await pool.add([a], funded(1).reader, NOW);
    expect(codes(again)).toEqual([MempoolErrorCode.duplicate]);
    expect(again[0]?.hash).toEqual(transactionHash(a));
    expect(pool.size).toBe(1);
  });

  it("admits a transaction once when two calls race with it", async () => {
    const { pool } = newPool();
    const t = txBytes(0, 0n);
    const accounts = funded(1);
    const [first, second] = await Promise.all([
      pool.add([t], accounts.reader, NOW),
      pool.add([t], accounts.reader, NOW),
    ]);
    expect([...codes(first ?? []), ...codes(second ?? [])].sort()).toEqual([MempoolErrorCode.duplicate, null].sort());
    expect(pool.size).toBe(1);
  });

  it("refuses a wrong signature (MEMPOOL_BAD_SIGNATURE) after the cheap checks, in one verify call", async () => {
    const { pool, calls } = newPool();
    const forged = signTransaction(unsignedWithTip(0, 0n), key(5).secretKey); // signed by another key
    const flipped = signedTx(1, 0n);
    flipped.signature = Uint8Array.from(flipped.signature);
    flipped.signature[3] = (flipped.signature[3] as number) ^ 1;
    const results = await pool.add(
      [encodeTransaction(forged), txBytes(2, 0n), encodeTransaction(flipped), Uint8Array.of(1)],
      funded(3).reader,
      NOW,
    );
    expect(codes(results)).toEqual([
      MempoolErrorCode.badSignature,
      null,
      MempoolErrorCode.badSignature,
      MempoolErrorCode.malformed,
    ]);
    expect(results[0]?.ok === false && results[0].error.message).toMatch(/sender's signature/);
    expect(calls).toEqual([3]);
    expect(pool.size).toBe(1);
  });

  it("throws MEMPOOL_INVALID_OPTIONS for limits it cannot work with", () => {
    for (const bad of [{ maxTxs: 0 }, { maxBytes: -1 }, { maxPerSender: 1.5 }, { maxNonceGap: -1 }, { ttlMs: 0 }]) {
      expect(() => newPool(bad)).toThrow(expect.objectContaining({ code: MempoolErrorCode.invalidOptions }));
    }
  });
});

describe("add: sponsored transactions", () => {
  it("admits a transaction whose sponsor signed and can pay, even if the sender holds nothing", async () => {
    const { pool, calls } = newPool();
    const accounts = new Accounts([[1, { balance: 1_000_000n }]]);
    const t = txBytes(0, 0n, { sponsor: 1 });
    expect(codes(await pool.add([t], accounts.reader, NOW))).toEqual([null]);
    // Sender and sponsor signatures in the same single call.
    expect(calls).toEqual([2]);
  });

  it("refuses a sponsor signature that does not verify, naming the sponsor", async () => {
    const { pool } = newPool();
    const t = signedTx(0, 0n, { sponsor: 1 });
    const bad = { ...t, sponsorSignature: t.signature }; // the sender's signature in the sponsor's place
    const results = await pool.add([encodeTransaction(bad)], funded(2).reader, NOW);
    expect(codes(results)).toEqual([MempoolErrorCode.badSignature]);
    expect(results[0]?.ok === false && results[0].error.message).toMatch(/sponsor's signature/);
  });

  it("refuses a sponsor that lacks its signature and a sponsor that is the sender", async () => {
    const { pool } = newPool();
    const unsigned = txBytes(0, 0n, { sponsor: 1, sponsorSigns: false });
    const self = txBytes(0, 0n, { sponsor: 0 });
    expect(codes(await pool.add([unsigned, self], funded(2).reader, NOW))).toEqual([
      MempoolErrorCode.badSignature,
      MempoolErrorCode.invalid,
    ]);
  });

  it("checks the sponsor's balance, not the sender's", async () => {
    const { pool } = newPool();
    const t = signedTx(0, 0n, { sponsor: 1 });
    const accounts = new Accounts([
      [0, { balance: 1_000_000n }],
      [1, { balance: t.fee - 1n }],
    ]);
    const results = await pool.add([encodeTransaction(t)], accounts.reader, NOW);
    expect(codes(results)).toEqual([MempoolErrorCode.cannotPayFee]);
    expect(results[0]?.ok === false && results[0].error.message).toMatch(/fee payer \(sponsor\)/);
  });
});

describe("add: a refused transaction changes nothing", () => {
  it("leaves size, bytes and contents as they were after every kind of refusal", async () => {
    const { pool } = newPool({ maxPerSender: 2 });
    const accounts = funded(3);
    const kept = [txBytes(0, 0n), txBytes(0, 1n), txBytes(1, 0n, { tip: 50n })];
    okHashes(await pool.add(kept, accounts.reader, NOW));
    const before = { size: pool.size, bytes: pool.bytes };
    const results = await pool.add(
      [
        txBytes(0, 2n), // sender full
        txBytes(1, 0n, { tip: 51n }), // replacement not 10% higher
        txBytes(2, 0n, { overrides: { chainId: "x" } }),
        kept[0] as Uint8Array,
      ],
      accounts.reader,
      NOW,
    );
    expect(codes(results)).toEqual([
      MempoolErrorCode.senderFull,
      MempoolErrorCode.replacementUnderpriced,
      MempoolErrorCode.wrongChain,
      MempoolErrorCode.duplicate,
    ]);
    expect({ size: pool.size, bytes: pool.bytes }).toEqual(before);
    for (const t of kept) expect(pool.has(transactionHash(t))).toBe(true);
  });

  it("propagates a failing account read without admitting anything", async () => {
    const { pool } = newPool();
    const failing = async () => {
      throw new Error("disk gone");
    };
    await expect(pool.add([txBytes(0, 0n)], failing, NOW)).rejects.toThrow("disk gone");
    expect(pool.size).toBe(0);
  });
});
