import { describe, expect, it } from "vitest";
import { addressBytesOf, parseAddress, toHex } from "../../crypto/index.ts";
import { applyGenesis, parseGenesis, shardOfAddress, vmParamsOf } from "../../genesis/index.ts";
import { decodeTotals, decodeValidator, TOTALS_KEY, validatorKey } from "../../vm/index.ts";
import { account, supplyHolds } from "../vm/helpers.ts";
import { newState } from "../vm/state-factory.ts";
import { publicKeyOfSeed, text, validJson } from "./fixture.ts";

const genesis = parseGenesis(text(validJson()));

describe("genesis state", () => {
  it("loads balances, stakes, validator records and the genesis supply", async () => {
    const state = await newState();
    await applyGenesis(state, genesis);
    await state.commit();
    const j = validJson();
    for (const a of j.accounts) {
      expect((await account(state, parseAddress(a.address))).balance).toBe(BigInt(a.balance));
    }
    for (const [i, v] of j.validators.entries()) {
      const owner = addressBytesOf(publicKeyOfSeed(i + 1));
      expect((await account(state, owner)).staked).toBe(BigInt(v.stake));
      const record = decodeValidator((await state.get(validatorKey(publicKeyOfSeed(i + 1)))) as Uint8Array);
      expect(toHex(record.owner)).toBe(toHex(owner));
    }
    const totals = decodeTotals((await state.get(TOTALS_KEY)) as Uint8Array);
    const expected =
      j.accounts.reduce((s: bigint, a: { balance: string }) => s + BigInt(a.balance), 0n) +
      j.validators.reduce((s: bigint, v: { stake: string }) => s + BigInt(v.stake), 0n);
    expect(totals).toEqual({ genesisSupply: expected, minted: 0n, burned: 0n });
    const everyone = [
      ...j.accounts.map((a: { address: string }) => parseAddress(a.address)),
      ...j.validators.map((_: unknown, i: number) => addressBytesOf(publicKeyOfSeed(i + 1))),
    ];
    // The first account is also validator 1's address: count each address once.
    const unique = [...new Map(everyone.map((a: Uint8Array) => [toHex(a), a])).values()];
    expect(unique.length).toBeLessThan(everyone.length);
    expect(await supplyHolds(state, unique)).toBe(true);
  });

  it("derives the same state root from the same genesis, whatever the entry order", async () => {
    const reordered = validJson();
    reordered.accounts.reverse();
    reordered.validators.reverse();
    const [a, b] = await Promise.all([
      newState().then((s) => applyGenesis(s, genesis)),
      newState().then((s) => applyGenesis(s, parseGenesis(text(reordered)))),
    ]);
    expect(toHex(a)).toBe(toHex(b));
  });

  it("loads only the accounts of one shard when asked", async () => {
    const state = await newState();
    await applyGenesis(state, genesis, { shard: 0 });
    for (const a of genesis.accounts) {
      const onShard = shardOfAddress(a.address, genesis.shardCount) === 0;
      expect((await account(state, a.address)).balance).toBe(onShard ? a.balance : 0n);
    }
  });

  it("maps the genesis parameters onto the VM's", () => {
    const p = vmParamsOf(genesis);
    expect(p.chainId).toBe(genesis.chainId);
    expect(p.fees.perType.transfer).toBe(genesis.params.fees.perType.transfer);
    expect(p.unbondingPeriodBlocks).toBe(BigInt(genesis.params.unbondingPeriodBlocks));
    expect(p.blockReward).toBe(genesis.params.rewards.blockReward);
    expect(p.maxBlockTxs).toBe(20_000);
    const j = validJson();
    j.params.maxBlockTxs = 1234;
    expect(vmParamsOf(parseGenesis(text(j))).maxBlockTxs).toBe(1234);
  });
});
