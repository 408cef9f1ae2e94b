import { ed25519 } from "@noble/curves/ed25519.js";
import { describe, expect, it } from "vitest";
import { toHex } from "../../crypto/index.ts";
import { BEACON_CHAIN, type CrossReceipt, ReceiptKind } from "../../vm/cross-shard/receipt.ts";
import { CROSS_TOTALS_KEY, decodeCrossTotals } from "../../vm/cross-shard/records.ts";
import { shardOfAddress } from "../../vm/cross-shard/shard-of.ts";
import {
  type AuthenticatedState,
  accountKey,
  BlockErrorCode,
  decodeAndCheck,
  decodeTotals,
  emptyAccount,
  encodeAccount,
  encodeTotals,
  encodeTransaction,
  executeBlock,
  type SignedTx,
  TOTALS_KEY,
  type VmParams,
} from "../../vm/index.ts";
import { account, addr, CHAIN, params, signed } from "./helpers.ts";
import { newState } from "./state-factory.ts";

const SHARDS = 2;
const chainParams = (id: number): VmParams => ({ ...params, chain: { id, shardCount: SHARDS } });
/** Key numbers whose addresses live on `shard`. */
const onShard = (shard: number, count: number) => {
  const out: number[] = [];
  for (let n = 0; out.length < count; n++) if (shardOfAddress(addr(n), SHARDS) === shard) out.push(n);
  return out;
};
const [a, b] = onShard(0, 2) as [number, number];
const [c, d] = onShard(1, 2) as [number, number];

async function chainState(keys: number[], balance: bigint): Promise<AuthenticatedState> {
  const state = await newState();
  for (const k of keys) state.set(accountKey(addr(k)), encodeAccount({ ...emptyAccount(), balance }));
  state.set(TOTALS_KEY, encodeTotals({ genesisSupply: BigInt(keys.length) * balance, minted: 0n, burned: 0n }));
  await state.commit();
  return state;
}

let height = 0n;
async function run(state: AuthenticatedState, id: number, txs: SignedTx[], inbound: CrossReceipt[] = []) {
  height += 1n;
  const result = await executeBlock(
    state,
    { chainId: CHAIN, height, proposer: null, txs: txs.map(encodeTransaction), inbound },
    { params: chainParams(id) },
  );
  await state.commit();
  return result;
}

async function refused(state: AuthenticatedState, id: number, inbound: CrossReceipt[], txs: SignedTx[] = []) {
  const before = toHex(state.root);
  const err = await executeBlock(
    state,
    { chainId: CHAIN, height: 99n, proposer: null, txs: txs.map(encodeTransaction), inbound },
    { params: chainParams(id) },
  ).then(
    () => undefined,
    (e: { code?: string }) => e.code,
  );
  expect(toHex(await state.pendingRoot())).toBe(before);
  return err;
}

/** Held on this chain = genesis + minted - burned - sentOut + receivedIn. */
async function heldAndExpected(state: AuthenticatedState, keys: number[]) {
  const t = decodeTotals((await state.get(TOTALS_KEY)) as Uint8Array);
  const x = decodeCrossTotals(await state.get(CROSS_TOTALS_KEY));
  let held = 0n;
  for (const k of keys) {
    const acc = await account(state, addr(k));
    held += acc.balance + acc.staked + acc.unbonding;
  }
  return { held, expected: t.genesisSupply + t.minted - t.burned - x.sentOut + x.receivedIn, ...x };
}

const transfer = (to: number, amount: bigint) => ({ type: "transfer" as const, to: addr(to), amount });

describe("cross-shard transfers in the VM", () => {
  it("debit on the source with a receipt per (source, destination) seq, credit once on the destination", async () => {
    const s0 = await chainState([a, b], 1_000_000n);
    const s1 = await chainState([c, d], 1_000_000n);
    const r1 = await run(s0, 0, [signed(a, 0n, transfer(c, 700n)), signed(a, 1n, transfer(b, 5n))]);
    expect(r1.outbox).toHaveLength(1);
    const first = r1.outbox[0] as CrossReceipt;
    expect(first).toMatchObject({ source: 0, destination: 1, seq: 0n, kind: ReceiptKind.transfer, amount: 700n });
    expect(toHex(first.origin)).toBe(toHex(r1.receipts[0]?.txHash as Uint8Array));
    expect(r1.receipts[0]?.events.map((e) => e.kind)).toEqual(["transfer_out"]);
    expect((await account(s0, addr(c))).balance).toBe(0n);
    const r2 = await run(s0, 0, [signed(a, 2n, transfer(d, 300n))]);
    expect(r2.outbox.map((r) => r.seq)).toEqual([1n]);

    const cBefore = (await account(s1, addr(c))).balance;
    await run(s1, 1, [], [first, r2.outbox[0] as CrossReceipt]);
    expect((await account(s1, addr(c))).balance).toBe(cBefore + 700n);
    expect((await account(s1, addr(d))).balance).toBe(1_000_000n + 300n);

    expect(await refused(s1, 1, [first])).toBe(BlockErrorCode.receiptReplayed);
    expect(await refused(s1, 1, [{ ...first, seq: 3n }])).toBe(BlockErrorCode.receiptGap);
    expect(await refused(s1, 1, [{ ...first, seq: 2n, destination: 0 }])).toBe(BlockErrorCode.receiptWrongChain);
    expect(await refused(s1, 1, [{ ...first, seq: 2n, kind: ReceiptKind.stakeBonded }])).toBe(
      BlockErrorCode.receiptWrongKind,
    );
    const single = await chainState([a], 10n);
    const err = await executeBlock(
      single,
      { chainId: CHAIN, height: 1n, proposer: null, txs: [], inbound: [first] },
      { params },
    ).catch((e: { code?: string }) => e.code);
    expect(err).toBe(BlockErrorCode.receiptWrongChain);
  });

  it("a failed cross-shard transfer emits nothing and consumes no seq", async () => {
    const s0 = await chainState([a, b], 50_000n);
    const r = await run(s0, 0, [signed(a, 0n, transfer(c, 45_000n))]);
    expect(r.receipts[0]?.ok).toBe(false);
    expect(r.outbox).toEqual([]);
    const next = await run(s0, 0, [signed(a, 1n, transfer(c, 10n))]);
    expect(next.outbox.map((x) => x.seq)).toEqual([0n]);
  });

  it("refuses a sender or sponsor that lives on another shard", async () => {
    const s0 = await chainState([a, b], 1_000_000n);
    expect(await refused(s0, 0, [], [signed(c, 0n, transfer(a, 1n))])).toBe(BlockErrorCode.txWrongShard);
    // Also when the node hands the block the transaction already decoded (by its mempool, which
    // does not know the shard layout).
    const foreign = encodeTransaction(signed(c, 0n, transfer(a, 1n)));
    const err = await executeBlock(
      s0,
      { chainId: CHAIN, height: 99n, proposer: null, txs: [foreign], inbound: [] },
      { params: chainParams(0), decoded: () => decodeAndCheck(foreign, 0, CHAIN) },
    ).catch((e: { code?: string }) => e.code);
    expect(err).toBe(BlockErrorCode.txWrongShard);
  });

  it("keeps stake bonded on the shard and tells the beacon of a registered validator's changes", async () => {
    const s0 = await chainState([a], 1_000_000n);
    const key = ed25519.getPublicKey(new Uint8Array(32).fill(7));
    // Not a validator yet: stake bonds here and nothing is sent.
    const first = await run(s0, 0, [signed(a, 0n, { type: "stake", amount: 40_000n })]);
    expect(first.outbox).toEqual([]);
    expect(await account(s0, addr(a))).toMatchObject({ staked: 40_000n });
    // Registering tells the beacon of everything bonded so far; later changes follow.
    const reg = await run(s0, 0, [signed(a, 1n, { type: "register_validator", consensusKey: key })]);
    const more = await run(s0, 0, [signed(a, 2n, { type: "stake", amount: 5_000n })]);
    const less = await run(s0, 0, [signed(a, 3n, { type: "unstake", amount: 2_000n })]);
    const sent = [...reg.outbox, ...more.outbox, ...less.outbox];
    expect(sent.map((r) => [r.destination, r.seq, r.kind, r.amount, toHex(r.validator)])).toEqual([
      [BEACON_CHAIN, 0n, ReceiptKind.stakeBonded, 40_000n, toHex(key)],
      [BEACON_CHAIN, 1n, ReceiptKind.stakeBonded, 5_000n, toHex(key)],
      [BEACON_CHAIN, 2n, ReceiptKind.stakeUnbonded, 2_000n, toHex(key)],
    ]);
    expect(await account(s0, addr(a))).toMatchObject({ staked: 43_000n, unbonding: 2_000n });
    // No value is in flight: the supply identity holds on the shard with nothing sent out.
    const identity = await heldAndExpected(s0, [a]);
    expect(identity.sentOut).toBe(0n);
    expect(identity.held).toBe(identity.expected);
    // One key per account.
    const again = await run(s0, 0, [
      signed(a, 4n, { type: "register_validator", consensusKey: ed25519.getPublicKey(new Uint8Array(32).fill(8)) }),
    ]);
    expect(again.receipts[0]?.ok).toBe(false);
  });

  it("refuses stake receipts on a shard", async () => {
    const s1 = await chainState([c], 0n);
    const notice: CrossReceipt = {
      source: 0,
      destination: 1,
      seq: 0n,
      kind: ReceiptKind.stakeBonded,
      origin: new Uint8Array(32),
      from: addr(a),
      to: addr(a),
      amount: 5n,
      validator: new Uint8Array(32).fill(1),
    };
    expect(await refused(s1, 1, [notice])).toBe(BlockErrorCode.receiptWrongKind);
  });

  it("keeps supply exact on every chain and across chains, in flight included", async () => {
    const keys = [onShard(0, 3), onShard(1, 3)] as number[][];
    const states = [await chainState(keys[0] as number[], 500_000n), await chainState(keys[1] as number[], 500_000n)];
    const nonces = new Map<number, bigint>();
    const pending: CrossReceipt[][] = [[], []];
    let seed = 12345;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    for (let round = 0; round < 12; round++) {
      for (const shard of [0, 1]) {
        const mine = keys[shard] as number[];
        const everyone = [...(keys[0] as number[]), ...(keys[1] as number[])];
        const txs = Array.from({ length: 4 }, () => {
          const from = mine[rand(mine.length)] as number;
          const nonce = nonces.get(from) ?? 0n;
          nonces.set(from, nonce + 1n);
          return signed(from, nonce, transfer(everyone[rand(everyone.length)] as number, BigInt(1 + rand(90_000))));
        });
        const inbound = pending[shard] as CrossReceipt[];
        pending[shard] = [];
        const r = await run(states[shard] as AuthenticatedState, shard, txs, inbound);
        for (const x of r.outbox) (pending[x.destination] as CrossReceipt[]).push(x);
        const id = await heldAndExpected(states[shard] as AuthenticatedState, keys[shard] as number[]);
        expect(id.held).toBe(id.expected);
      }
      const per = await Promise.all(
        [0, 1].map((s) => heldAndExpected(states[s] as AuthenticatedState, keys[s] as number[])),
      );
      const inFlight = pending.flat().reduce((sum, r) => sum + r.amount, 0n);
      const sent = per.reduce((s, x) => s + x.sentOut, 0n);
      const received = per.reduce((s, x) => s + x.receivedIn, 0n);
      expect(sent - received).toBe(inFlight);
      const totals = await Promise.all(states.map(async (s) => decodeTotals((await s.get(TOTALS_KEY)) as Uint8Array)));
      const supply = totals.reduce((s, t) => s + t.genesisSupply + t.minted - t.burned, 0n);
      expect(per.reduce((s, x) => s + x.held, 0n) + inFlight).toBe(supply);
    }
    expect(
      pending.flat().length + Number((await heldAndExpected(states[1] as AuthenticatedState, [])).receivedIn > 0n),
    ).toBeGreaterThan(0);
  });
});
