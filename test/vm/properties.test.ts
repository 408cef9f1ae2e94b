import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toHex, verifyNative } from "../../crypto/index.ts";
import {
  type BlockError,
  decodeTransaction,
  encodeTransaction,
  encodeUnsigned,
  executeBlock,
  type Payload,
  type SignedTx,
  senderMessageOf,
  senderSigningBytes,
  signTransaction,
  sponsorMessageOf,
  sponsorSigningBytes,
  sponsorTransaction,
  unsignedBytesOf,
} from "../../vm/index.ts";
import { account, addr, CHAIN, fundedState, key, params, supplyHolds, tx } from "./helpers.ts";

const ACCOUNTS = 6;
const ENV = { params };
// The property assumes every generated transaction is payable, so no account may run dry: at most
// 5 blocks x 12 transactions, each moving <= 400,000 and paying <= 2,050, even if one account
// sends or sponsors them all. (With 1,000,000 each, a random run once drained an account and the
// block was rightly rejected for a fee its sponsor could not pay.)
const BALANCE = 100_000_000n;

// A transaction as the generator describes it; nonces are filled in per sender when a block is built.
const txSpec = fc.record({
  from: fc.nat({ max: ACCOUNTS - 1 }),
  kind: fc.constantFrom("transfer", "stake", "unstake", "register_validator"),
  to: fc.nat({ max: ACCOUNTS + 1 }), // sometimes an account that does not exist yet
  amount: fc.bigInt({ min: 1n, max: 400_000n }),
  tip: fc.bigInt({ min: 0n, max: 50n }),
  sponsor: fc.option(fc.nat({ max: ACCOUNTS - 1 }), { freq: 4 }),
});
type Spec = typeof txSpec extends fc.Arbitrary<infer T> ? T : never;

function payloadOf(s: Spec): Payload {
  switch (s.kind) {
    case "transfer":
      return { type: "transfer", to: addr(s.to), amount: s.amount };
    case "stake":
      return { type: "stake", amount: s.amount };
    case "unstake":
      return { type: "unstake", amount: s.amount };
    default:
      return { type: "register_validator", consensusKey: key(100 + s.to).publicKey };
  }
}

function build(specs: Spec[], nonces: bigint[]): SignedTx[] {
  return specs.map((s) => {
    const sponsor = s.sponsor !== null && s.sponsor !== s.from ? s.sponsor : null;
    const nonce = nonces[s.from] as bigint;
    nonces[s.from] = nonce + 1n;
    const unsigned = tx(s.from, nonce, payloadOf(s), {
      fee: 2_000n + s.tip,
      sponsor: sponsor === null ? null : key(sponsor).publicKey,
    });
    const t = signTransaction(unsigned, key(s.from).secretKey);
    return sponsor === null ? t : sponsorTransaction(t, key(sponsor).secretKey);
  });
}

describe("state machine properties", () => {
  it("conserves supply and uses every nonce exactly once over random blocks", async () => {
    const everyone = Array.from({ length: ACCOUNTS + 2 }, (_, i) => addr(i));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(txSpec, { maxLength: 12 }), { minLength: 1, maxLength: 5 }),
        async (blocks) => {
          const state = await fundedState(ACCOUNTS, BALANCE);
          const nonces = Array.from({ length: ACCOUNTS }, () => 0n);
          for (let h = 0; h < blocks.length; h++) {
            const txs = build(blocks[h] as Spec[], nonces);
            const result = await executeBlock(
              state,
              { chainId: CHAIN, height: BigInt(h + 1), proposer: addr(h % 2), txs: txs.map(encodeTransaction) },
              ENV,
            );
            expect(result.receipts).toHaveLength(txs.length);
            await state.commit();
            expect(await supplyHolds(state, everyone)).toBe(true);
          }
          // Every transaction was included, so each sender's nonce is exactly the count it sent.
          for (let i = 0; i < ACCOUNTS; i++) expect((await account(state, addr(i))).nonce).toBe(nonces[i]);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("gives the same roots and receipts on two fresh states", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(txSpec, { maxLength: 15 }), async (specs) => {
        const txs = build(
          specs,
          Array.from({ length: ACCOUNTS }, () => 0n),
        ).map(encodeTransaction);
        const b = { chainId: CHAIN, height: 1n, proposer: addr(0), txs };
        const [x, y] = await Promise.all([
          fundedState(ACCOUNTS, BALANCE).then((s) => executeBlock(s, b, ENV)),
          fundedState(ACCOUNTS, BALANCE).then((s) => executeBlock(s, b, ENV)),
        ]);
        expect(toHex(x.stateRoot)).toBe(toHex(y.stateRoot));
        expect(toHex(x.receiptsRoot)).toBe(toHex(y.receiptsRoot));
      }),
      { numRuns: 30 },
    );
  });

  it("rejects every replayed block whole and leaves the state as it was", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(txSpec, { minLength: 1, maxLength: 8 }), async (specs) => {
        const state = await fundedState(ACCOUNTS, BALANCE);
        const txs = build(
          specs,
          Array.from({ length: ACCOUNTS }, () => 0n),
        ).map(encodeTransaction);
        await executeBlock(state, { chainId: CHAIN, height: 1n, proposer: null, txs }, ENV);
        const root = toHex(await state.commit());
        const err = await executeBlock(state, { chainId: CHAIN, height: 2n, proposer: null, txs }, ENV).catch(
          (e: unknown) => e,
        );
        expect((err as BlockError).code).toBe("BLOCK_TX_BAD_NONCE");
        expect(toHex(await state.pendingRoot())).toBe(root);
      }),
      { numRuns: 30 },
    );
  });
});

describe("transaction encoding", () => {
  it("round-trips, and the unsigned bytes cut from the signed encoding are exactly the unsigned encoding", () => {
    fc.assert(
      fc.property(txSpec, fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (s, nonce) => {
        const sponsor = s.sponsor !== null && s.sponsor !== s.from ? s.sponsor : null;
        const unsigned = tx(s.from, nonce, payloadOf(s), {
          fee: s.amount * 1_000_000_000_000n,
          sponsor: sponsor === null ? null : key(sponsor).publicKey,
        });
        let t = signTransaction(unsigned, key(s.from).secretKey);
        if (sponsor !== null) t = sponsorTransaction(t, key(sponsor).secretKey);
        const bytes = encodeTransaction(t);
        expect(decodeTransaction(bytes)).toEqual(t);
        expect(unsignedBytesOf(bytes, t)).toEqual(encodeUnsigned(unsigned));
        expect(verifyNative(t.sender, senderSigningBytes(encodeUnsigned(unsigned)), t.signature)).toBe(true);
        // The one-array messages the pool and blocks verify are the same bytes.
        expect(senderMessageOf(bytes, t)).toEqual(senderSigningBytes(encodeUnsigned(unsigned)));
        if (sponsor !== null) {
          expect(sponsorMessageOf(bytes, t)).toEqual(sponsorSigningBytes(encodeUnsigned(unsigned)));
          expect(
            verifyNative(t.sponsor as Uint8Array, sponsorMessageOf(bytes, t), t.sponsorSignature as Uint8Array),
          ).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});
