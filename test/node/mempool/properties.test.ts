// Random sequences of adds, selects, committed blocks and clock ticks against a small pool.
// After every step: the limits hold, size and bytes agree with what has() reports, and every
// selection is a valid block for the current accounts (checked by a model of the block rules,
// not by the pool's own arithmetic).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toHex } from "../../../crypto/index.ts";
import type { MempoolOptions } from "../../../node/mempool/index.ts";
import { decodeTransaction, encodeTransaction, type SignedTx, transactionHash } from "../../../vm/index.ts";
import { Accounts, addr, key, newPool, signedTx } from "./helpers.ts";

const SENDERS = 5;
const SPONSOR = 5;
const NONCES = 6;
const OPTS: MempoolOptions = { maxTxs: 12, maxBytes: 12 * 200, maxPerSender: 3, maxNonceGap: 3, ttlMs: 5_000 };

interface Entry {
  bytes: Uint8Array;
  hash: Uint8Array;
  tx: SignedTx;
  sender: number;
}

const VARIANT_OPTIONS = [{ tip: 0n }, { tip: 100n }, { tip: 5_000n }, { tip: 50n, sponsor: SPONSOR }];
const VARIANTS = VARIANT_OPTIONS.length;

// Signed once for all runs: per sender and nonce, a cheap, a tipped, a replacing and a
// sponsored variant, with amounts that sometimes exceed what the sender holds.
const UNIVERSE: Entry[] = [];
for (let sender = 0; sender < SENDERS; sender++) {
  for (let n = 0; n < NONCES; n++) {
    const nonce = BigInt(n);
    const amount = BigInt(((sender * 7 + n * 13) % 5) * 900 + 1);
    for (const o of VARIANT_OPTIONS) {
      const tx = signedTx(sender, nonce, { ...o, amount });
      const bytes = encodeTransaction(tx);
      UNIVERSE.push({ bytes, hash: transactionHash(bytes), tx, sender });
    }
  }
}

/** The universe entry for a sender, a nonce relative to its account nonce, and a variant. */
function pick(p: { sender: number; delta: number; variant: number }, accounts: Accounts): Entry {
  const nonce = Number(accounts.get(addr(p.sender)).nonce) + p.delta;
  const n = Math.min(Math.max(nonce, 0), NONCES - 1);
  return UNIVERSE[(p.sender * NONCES + n) * VARIANTS + p.variant] as Entry;
}

const SENDER_INDEX = new Map(Array.from({ length: SENDERS }, (_, i) => [toHex(key(i).publicKey), i]));

const op = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("add" as const),
      // Nonces relative to the sender's account nonce at the time: -1 is a replay, >3 a gap.
      picks: fc.array(
        fc.record({
          sender: fc.nat(SENDERS - 1),
          delta: fc.integer({ min: -1, max: 4 }),
          variant: fc.nat(VARIANTS - 1),
        }),
        { maxLength: 12 },
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("block" as const),
      maxTxs: fc.integer({ min: 0, max: 12 }),
      maxBytes: fc.integer({ min: 0, max: 3_000 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("tick" as const), ms: fc.integer({ min: 0, max: 3_000 }) }) },
);

/** The block rules that decide validity: nonce in order, payer can pay; a failed transfer keeps its fee. */
function applyAsBlock(accounts: Accounts, block: Uint8Array[]): void {
  for (const bytes of block) {
    const tx = decodeTransaction(bytes);
    const sender = addr(SENDER_INDEX.get(toHex(tx.sender)) as number);
    const payer = tx.sponsor === null ? sender : addr(SPONSOR);
    const s = accounts.get(sender);
    expect(tx.nonce, "nonce in order from the account nonce").toBe(s.nonce);
    const p = accounts.get(payer);
    expect(p.balance >= tx.fee, `payer holds ${p.balance}, fee ${tx.fee}`).toBe(true);
    accounts.set(payer, { balance: p.balance - tx.fee });
    const after = accounts.get(sender);
    const amount = tx.payload.type === "transfer" ? tx.payload.amount : 0n;
    accounts.set(sender, {
      nonce: after.nonce + 1n,
      balance: after.balance >= amount ? after.balance - amount : after.balance,
    });
  }
}

describe("mempool properties", () => {
  it("keeps its limits and bookkeeping, and every selection is a valid block", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.bigInt({ min: 0n, max: 30_000n }), { minLength: SENDERS + 1, maxLength: SENDERS + 1 }),
        fc.array(op, { maxLength: 40, size: "max" }),
        async (balances, ops) => {
          const { pool } = newPool(OPTS);
          const accounts = new Accounts(balances.map((balance, i) => [i, { balance }]));
          let now = 0;
          for (const o of ops) {
            if (o.kind === "add") {
              const results = await pool.add(
                o.picks.map((p) => pick(p, accounts).bytes),
                accounts.reader,
                now,
              );
              expect(results).toHaveLength(o.picks.length);
            } else if (o.kind === "tick") {
              now += o.ms;
              pool.evictStale(now);
            } else {
              const block = await pool.select({ maxTxs: o.maxTxs, maxBytes: o.maxBytes }, accounts.reader);
              expect(block.length).toBeLessThanOrEqual(o.maxTxs);
              expect(block.reduce((n, b) => n + b.length, 0)).toBeLessThanOrEqual(o.maxBytes);
              applyAsBlock(accounts, block);
              await pool.removeIncluded(block, accounts.reader);
              for (const b of block) expect(pool.has(transactionHash(b))).toBe(false);
            }
            const held = UNIVERSE.filter((e) => pool.has(e.hash));
            expect(pool.size).toBe(held.length);
            expect(pool.bytes).toBe(held.reduce((n, e) => n + e.bytes.length, 0));
            expect(pool.size).toBeLessThanOrEqual(OPTS.maxTxs);
            expect(pool.bytes).toBeLessThanOrEqual(OPTS.maxBytes);
            for (let s = 0; s < SENDERS; s++) {
              const mine = held.filter((e) => e.sender === s);
              expect(mine.length).toBeLessThanOrEqual(OPTS.maxPerSender);
              // One transaction per nonce.
              expect(new Set(mine.map((e) => e.tx.nonce)).size).toBe(mine.length);
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
