// The pool with a real BatchVerifier: a batch's signatures go to the worker threads in one
// job, and the verdicts land on the right transactions.
import { afterAll, describe, expect, it } from "vitest";
import { BatchVerifier, type SignedItem } from "../../../crypto/index.ts";
import { Mempool, MempoolErrorCode } from "../../../node/mempool/index.ts";
import { encodeTransaction } from "../../../vm/index.ts";
import { codes, funded, params, signedTx, txBytes } from "./helpers.ts";

describe("Mempool with a BatchVerifier", () => {
  // inlineBelow 1: even a small batch goes to the workers.
  const verifier = new BatchVerifier({ workers: 2, inlineBelow: 1 });
  afterAll(() => verifier.close());

  it("verifies a whole batch in one call on the workers and refuses exactly the bad ones", async () => {
    const batches: number[] = [];
    const verify = (items: readonly SignedItem[]) => {
      batches.push(items.length);
      return verifier.verify(items);
    };
    const pool = new Mempool({}, { params, verify });
    const txs: Uint8Array[] = [];
    for (let s = 0; s < 6; s++) {
      for (let n = 0n; n < 4n; n++) txs.push(s === 5 ? txBytes(s, n, { sponsor: 0 }) : txBytes(s, n));
    }
    const badSender = signedTx(1, 4n);
    badSender.signature = Uint8Array.from(badSender.signature).fill(7, 0, 8);
    const badSponsor = signedTx(5, 4n, { sponsor: 0 });
    badSponsor.sponsorSignature = Uint8Array.from(badSponsor.signature);
    txs.splice(3, 0, encodeTransaction(badSender));
    txs.push(encodeTransaction(badSponsor));

    const results = await pool.add(txs, funded(6).reader, 0);
    const expected = txs.map((_, i) => (i === 3 || i === txs.length - 1 ? MempoolErrorCode.badSignature : null));
    expect(codes(results)).toEqual(expected);
    // 26 transactions, 5 of them sponsored: 31 signatures in one call.
    expect(batches).toEqual([31]);
    expect(pool.size).toBe(24);
  });
});
