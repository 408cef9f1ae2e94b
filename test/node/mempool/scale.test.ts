// The pool at 50,000 transactions from 5,000 senders (above the default size). Signatures are not the
// subject here (verify answers true at once), the pool's own structures are: a 5,000-transaction
// batch and a 20,000-transaction selection must cost tens of milliseconds, not seconds. The
// bounds below are loose for loaded CI machines; the measured times are printed.
import { describe, expect, it } from "vitest";
import type { SignedItem } from "../../../crypto/index.ts";
import { Mempool } from "../../../node/mempool/index.ts";
import { decodeTransaction, encodeTransaction, type SignedTx } from "../../../vm/index.ts";
import { addr, CHAIN, params } from "./helpers.ts";

const SENDERS = 5_000;
const PER_SENDER = 10;
const BOUND_MS = 1_500;
const TO = addr(0); // derived once: deriving a key costs about a millisecond

function fakeTx(sender: number, nonce: number, tip: bigint): Uint8Array {
  const publicKey = new Uint8Array(32);
  new DataView(publicKey.buffer).setUint32(0, sender + 1);
  const tx: SignedTx = {
    chainId: CHAIN,
    sender: publicKey,
    nonce: BigInt(nonce),
    fee: 1_000_000n + tip,
    sponsor: null,
    payload: { type: "transfer", to: TO, amount: 1n },
    signature: new Uint8Array(64),
    sponsorSignature: null,
  };
  return encodeTransaction(tx);
}

function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  return f().then((r) => [r, performance.now() - start]);
}

describe("mempool at scale", () => {
  it("adds 5,000-transaction batches up to 50,000, evicts when full, and selects 20,000 quickly", async () => {
    const verify = async (items: readonly SignedItem[]) => items.map(() => true);
    const pool = new Mempool({ maxTxs: 50_000 }, { params, verify });
    const accounts = async () => ({ balance: 10n ** 30n, nonce: 0n });
    const batches: Uint8Array[][] = [];
    for (let nonce = 0; nonce < PER_SENDER; nonce++) {
      batches.push(Array.from({ length: SENDERS }, (_, s) => fakeTx(s, nonce, BigInt((s * 31 + nonce) % 997))));
    }

    const addMs: number[] = [];
    for (const batch of batches) {
      const [results, ms] = await timed(() => pool.add(batch, accounts, 0));
      expect(results.every((r) => r.ok)).toBe(true);
      addMs.push(ms);
    }
    expect(pool.size).toBe(SENDERS * PER_SENDER);

    // Full: a batch from new senders with higher tips evicts 5,000 sender tails.
    const richer = Array.from({ length: SENDERS }, (_, s) => fakeTx(SENDERS + s, 0, 10_000n));
    const [evicting, evictMs] = await timed(() => pool.add(richer, accounts, 0));
    expect(evicting.every((r) => r.ok)).toBe(true);
    expect(pool.size).toBe(SENDERS * PER_SENDER);

    const [selected, selectMs] = await timed(() => pool.select({ maxTxs: 20_000, maxBytes: 64 << 20 }, accounts));
    expect(selected).toHaveLength(20_000);
    // The richer senders come first.
    expect(decodeTransaction(selected[0] as Uint8Array).fee).toBe(1_010_000n);

    const [, removeMs] = await timed(() => pool.removeIncluded(selected, async () => ({ balance: 0n, nonce: 1n })));
    console.log(
      `mempool scale: add 5,000 ${Math.min(...addMs).toFixed(1)}-${Math.max(...addMs).toFixed(1)} ms, ` +
        `add 5,000 evicting ${evictMs.toFixed(1)} ms, select 20,000 of 50,000 ${selectMs.toFixed(1)} ms, ` +
        `removeIncluded 20,000 ${removeMs.toFixed(1)} ms`,
    );
    for (const ms of [...addMs, evictMs, selectMs, removeMs]) expect(ms).toBeLessThan(BOUND_MS);
  });
});
