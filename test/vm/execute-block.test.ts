import { describe, expect, it } from "vitest";
import { toHex } from "../../crypto/index.ts";
import {
  BlockError,
  decodeAndCheck,
  encodeTransaction,
  executeBlock,
  requiredFee,
  type SignedTx,
  signTransaction,
  sponsorTransaction,
  transactionHash,
  type VmBlock,
} from "../../vm/index.ts";
import { account, addr, CHAIN, fundedState, key, params, signed, supplyHolds, tx } from "./helpers.ts";

const ENV = { params };
const block = (txs: SignedTx[], extra: Partial<VmBlock> = {}): VmBlock => ({
  chainId: CHAIN,
  height: 1n,
  proposer: null,
  txs: txs.map(encodeTransaction),
  ...extra,
});
const all = (n: number) => Array.from({ length: n }, (_, i) => addr(i));

async function expectInvalid(txs: SignedTx[] | VmBlock, code: string, txIndex?: number) {
  const state = await fundedState(4, 1_000_000n);
  const rootBefore = toHex(state.root);
  const accountsBefore = await Promise.all(all(4).map((a) => account(state, a)));
  const b = Array.isArray(txs) ? block(txs) : txs;
  const err = await executeBlock(state, b, ENV).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BlockError);
  expect((err as BlockError).code).toBe(code);
  if (txIndex !== undefined) expect((err as BlockError).txIndex).toBe(txIndex);
  // Nothing of an invalid block remains: same root, same accounts, nothing pending.
  expect(toHex(await state.pendingRoot())).toBe(rootBefore);
  expect(await Promise.all(all(4).map((a) => account(state, a)))).toEqual(accountsBefore);
}

describe("executeBlock: transfers and fees", () => {
  it("moves ISC, bumps the nonce, burns the required fee and pays the tip and reward to the proposer", async () => {
    const state = await fundedState(4, 1_000_000n);
    const t = signed(0, 0n, { type: "transfer", to: addr(1), amount: 500n });
    const required = requiredFee(t, params);
    const result = await executeBlock(state, block([t], { proposer: addr(3) }), ENV);
    expect(result.receipts).toHaveLength(1);
    expect(result.receipts[0]?.ok).toBe(true);
    expect(result.receipts[0]?.feePaid).toBe(10_000n);
    expect(result.receipts[0]?.events[0]?.kind).toBe("transfer");
    await state.commit();
    expect(await account(state, addr(0))).toMatchObject({ balance: 1_000_000n - 500n - 10_000n, nonce: 1n });
    expect((await account(state, addr(1))).balance).toBe(1_000_500n);
    expect((await account(state, addr(3))).balance).toBe(1_000_000n + (10_000n - required) + params.blockReward);
    expect(await supplyHolds(state, all(4))).toBe(true);
  });

  it("records a failed receipt that still pays its fee when the balance runs out at execution", async () => {
    const state = await fundedState(4, 50_000n);
    const spend = signed(0, 0n, { type: "transfer", to: addr(1), amount: 30_000n });
    const overdraw = signed(0, 1n, { type: "transfer", to: addr(2), amount: 30_000n });
    const r = await executeBlock(state, block([spend, overdraw]), ENV);
    expect(r.receipts.map((x) => x.ok)).toEqual([true, false]);
    expect(r.receipts[1]?.failure).toBe("TX_INSUFFICIENT_BALANCE");
    await state.commit();
    expect(await account(state, addr(0))).toMatchObject({ balance: 50_000n - 30_000n - 20_000n, nonce: 2n });
    expect((await account(state, addr(2))).balance).toBe(50_000n);
    expect(await supplyHolds(state, all(4))).toBe(true);
  });

  it("computes the fee a wallet must offer before signing", () => {
    const unsigned = tx(0, 0n, { type: "transfer", to: addr(1), amount: 1n });
    const s = signTransaction(unsigned, key(0).secretKey);
    expect(requiredFee(unsigned, params)).toBe(params.fees.perByte * BigInt(encodeTransaction(s).length) + 100n);
  });
});

describe("executeBlock: invalid blocks change nothing", () => {
  const good = () => signed(0, 0n, { type: "transfer", to: addr(1), amount: 1n });

  it("refuses a bad signature", async () => {
    const t = good();
    const sig = Uint8Array.from(t.signature);
    sig[5] = (sig[5] as number) ^ 1;
    await expectInvalid([{ ...t, signature: sig }], "BLOCK_TX_BAD_SIGNATURE", 0);
  });

  it("checks the signature of a transaction the environment decoded unless it says those are verified", async () => {
    const t = good();
    const sig = Uint8Array.from(t.signature);
    sig[5] = (sig[5] as number) ^ 1;
    const forged = encodeTransaction({ ...t, signature: sig });
    const b: VmBlock = { chainId: CHAIN, height: 1n, proposer: null, txs: [forged] };
    const known = decodeAndCheck(forged, 0, CHAIN);
    const decoded = (hash: Uint8Array) => (toHex(hash) === toHex(transactionHash(forged)) ? known : undefined);
    const run = async (env: Parameters<typeof executeBlock>[2]) =>
      executeBlock(await fundedState(4, 1_000_000n), b, env).then(
        () => "executed",
        (e: unknown) => (e as BlockError).code,
      );
    // Decoded elsewhere, not vouched for: verified here, and refused.
    expect(await run({ params, decoded })).toBe("BLOCK_TX_BAD_SIGNATURE");
    // Vouched for (a mempool admits only what it verified): trusted, as the node relies on.
    expect(await run({ params, decoded, decodedAreVerified: true })).toBe("executed");
    // Vouching covers only what `decoded` returns.
    expect(await run({ params, decoded: () => undefined, decodedAreVerified: true })).toBe("BLOCK_TX_BAD_SIGNATURE");
  });

  it("refuses a transaction signed by the wrong key", async () => {
    const forged = signTransaction(tx(0, 0n, { type: "transfer", to: addr(2), amount: 1n }), key(1).secretKey);
    await expectInvalid([forged], "BLOCK_TX_BAD_SIGNATURE", 0);
  });

  it("refuses a transaction signed for another chain", async () => {
    const other = signed(0, 0n, { type: "transfer", to: addr(1), amount: 1n }, { chainId: "ubn-other" });
    await expectInvalid([other], "BLOCK_TX_WRONG_CHAIN", 0);
    // Relabelling it for this chain breaks the signature, which covers the chain id.
    await expectInvalid([{ ...other, chainId: CHAIN }], "BLOCK_TX_BAD_SIGNATURE", 0);
  });

  it("refuses a replay within a block and a nonce gap", async () => {
    const t = good();
    await expectInvalid([t, t], "BLOCK_TX_BAD_NONCE", 1);
    await expectInvalid([signed(0, 1n, { type: "transfer", to: addr(1), amount: 1n })], "BLOCK_TX_BAD_NONCE", 0);
  });

  it("refuses a replay in a later block", async () => {
    const state = await fundedState(2, 1_000_000n);
    const t = good();
    await executeBlock(state, block([t]), ENV);
    await state.commit();
    const err = await executeBlock(state, block([t], { height: 2n }), ENV).catch((e: unknown) => e);
    expect((err as BlockError).code).toBe("BLOCK_TX_BAD_NONCE");
  });

  it("refuses a fee below the minimum and a fee nobody can pay", async () => {
    await expectInvalid(
      [signed(0, 0n, { type: "transfer", to: addr(1), amount: 1n }, { fee: 10n })],
      "BLOCK_TX_FEE_TOO_LOW",
      0,
    );
    await expectInvalid([signed(9, 0n, { type: "transfer", to: addr(1), amount: 1n })], "BLOCK_TX_CANNOT_PAY_FEE", 0);
  });

  it("refuses malformed, non-canonical and oversized bytes", async () => {
    const bytes = encodeTransaction(good());
    const trailing = Uint8Array.from([...bytes, 0]);
    const truncated = bytes.subarray(0, bytes.length - 1);
    for (const txs of [[trailing], [truncated], [new Uint8Array(20_000)], [Uint8Array.of(0x90)]]) {
      await expectInvalid({ chainId: CHAIN, height: 1n, proposer: null, txs }, "BLOCK_TX_MALFORMED", 0);
    }
  });

  it("refuses stateless nonsense, the wrong chain and too many transactions", async () => {
    await expectInvalid([signed(0, 0n, { type: "transfer", to: addr(1), amount: 0n })], "BLOCK_TX_INVALID", 0);
    await expectInvalid(block([good()], { chainId: "ubn-other" }), "BLOCK_WRONG_CHAIN");
    const many = Array.from({ length: params.maxBlockTxs + 1 }, () => new Uint8Array(1));
    await expectInvalid({ chainId: CHAIN, height: 1n, proposer: null, txs: many }, "BLOCK_TOO_MANY_TXS");
  });
});

describe("executeBlock: fee sponsorship", () => {
  it("lets an account with zero ISC transact when a sponsor co-signs and pays", async () => {
    const state = await fundedState(2, 1_000_000n); // accounts 0 and 1 funded; 5 holds nothing
    // Account 5 needs something to send: fund it with a transfer first.
    await executeBlock(state, block([signed(0, 0n, { type: "transfer", to: addr(5), amount: 700n })]), ENV);
    await state.commit();
    const unsigned = tx(5, 0n, { type: "transfer", to: addr(1), amount: 700n }, { sponsor: key(0).publicKey });
    const sponsored = sponsorTransaction(signTransaction(unsigned, key(5).secretKey), key(0).secretKey);
    const r = await executeBlock(state, block([sponsored], { height: 2n }), ENV);
    expect(r.receipts[0]?.ok).toBe(true);
    await state.commit();
    expect(await account(state, addr(5))).toMatchObject({ balance: 0n, nonce: 1n });
    expect(await account(state, addr(0))).toMatchObject({ balance: 1_000_000n - 700n - 20_000n, nonce: 1n });
    expect(await supplyHolds(state, [addr(0), addr(1), addr(5)])).toBe(true);
  });

  it("refuses a sponsored transaction without the sponsor's valid signature", async () => {
    const unsigned = tx(5, 0n, { type: "transfer", to: addr(1), amount: 1n }, { sponsor: key(0).publicKey });
    const senderOnly = signTransaction(unsigned, key(5).secretKey);
    await expectInvalid([senderOnly], "BLOCK_TX_BAD_SIGNATURE", 0);
    const wrongSponsor = sponsorTransaction(senderOnly, key(2).secretKey);
    await expectInvalid([wrongSponsor], "BLOCK_TX_BAD_SIGNATURE", 0);
    // The sender's signature cannot stand in for the sponsor's (different domain tags).
    await expectInvalid([{ ...senderOnly, sponsorSignature: senderOnly.signature }], "BLOCK_TX_BAD_SIGNATURE", 0);
    const self = tx(0, 0n, { type: "transfer", to: addr(1), amount: 1n }, { sponsor: key(0).publicKey });
    await expectInvalid(
      [sponsorTransaction(signTransaction(self, key(0).secretKey), key(0).secretKey)],
      "BLOCK_TX_INVALID",
      0,
    );
  });
});

describe("executeBlock: staking", () => {
  it("stakes, registers a validator, unstakes and returns the funds after the unbonding period", async () => {
    const state = await fundedState(2, 1_000_000n);
    const consensusKey = key(7).publicKey;
    const r1 = await executeBlock(
      state,
      block([
        signed(0, 0n, { type: "register_validator", consensusKey }),
        signed(0, 1n, { type: "stake", amount: 400_000n }),
        signed(0, 2n, { type: "register_validator", consensusKey }),
        signed(1, 0n, { type: "stake", amount: 10n }),
        signed(1, 1n, { type: "register_validator", consensusKey }),
        signed(0, 3n, { type: "unstake", amount: 500_000n }),
        signed(0, 4n, { type: "unstake", amount: 100_000n }),
      ]),
      ENV,
    );
    expect(r1.receipts.map((r) => r.failure)).toEqual([
      "TX_NOTHING_STAKED",
      null,
      null,
      null,
      "TX_VALIDATOR_EXISTS",
      "TX_INSUFFICIENT_STAKE",
      null,
    ]);
    await state.commit();
    expect(await account(state, addr(0))).toMatchObject({ staked: 300_000n, unbonding: 100_000n });
    // Due at height 1 + 3 = 4: nothing comes back before.
    for (const height of [2n, 3n]) {
      await executeBlock(state, block([], { height }), ENV);
      await state.commit();
      expect((await account(state, addr(0))).unbonding).toBe(100_000n);
    }
    const before = (await account(state, addr(0))).balance;
    await executeBlock(state, block([], { height: 4n }), ENV);
    await state.commit();
    expect(await account(state, addr(0))).toMatchObject({ unbonding: 0n, balance: before + 100_000n });
    expect(await supplyHolds(state, all(2))).toBe(true);
  });
});

describe("executeBlock: determinism", () => {
  it("gives identical roots and receipts on two fresh states", async () => {
    const txs = [
      signed(0, 0n, { type: "transfer", to: addr(1), amount: 5n }),
      signed(1, 0n, { type: "stake", amount: 7n }),
      signed(2, 0n, { type: "transfer", to: addr(0), amount: 9_999_999n }),
    ];
    const a = await executeBlock(await fundedState(3, 1_000_000n), block(txs, { proposer: addr(2) }), ENV);
    const b = await executeBlock(await fundedState(3, 1_000_000n), block(txs, { proposer: addr(2) }), ENV);
    expect(toHex(a.stateRoot)).toBe(toHex(b.stateRoot));
    expect(toHex(a.receiptsRoot)).toBe(toHex(b.receiptsRoot));
    expect(a.receipts).toEqual(b.receipts);
  });
});

describe("executeBlock with transactions decoded beforehand", () => {
  it("takes them by hash instead of decoding again, with the same result", async () => {
    const txs = [
      signed(0, 0n, { type: "transfer", to: addr(1), amount: 5n }),
      signed(1, 0n, { type: "transfer", to: addr(2), amount: 7n }),
      signed(0, 1n, { type: "transfer", to: addr(3), amount: 9n }),
    ];
    const b = block(txs, { proposer: addr(3) });
    // The first two were "admitted" earlier; the third is decoded by the block itself.
    const known = new Map(
      b.txs.slice(0, 2).map((bytes, i) => [toHex(transactionHash(bytes)), decodeAndCheck(bytes, i, CHAIN)]),
    );
    const asked: string[] = [];
    const decoded = (hash: Uint8Array) => {
      asked.push(toHex(hash));
      return known.get(toHex(hash));
    };
    const plain = await executeBlock(await fundedState(4, 1_000_000n), b, ENV);
    const reused = await executeBlock(await fundedState(4, 1_000_000n), b, { ...ENV, decoded });
    expect(asked).toEqual(b.txs.map((bytes) => toHex(transactionHash(bytes))));
    expect(toHex(reused.stateRoot)).toBe(toHex(plain.stateRoot));
    expect(toHex(reused.receiptsRoot)).toBe(toHex(plain.receiptsRoot));
    expect(reused.receipts).toEqual(plain.receipts);
  });
});
