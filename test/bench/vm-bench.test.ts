// A small run of `ubn bench vm`, and proof that both sides really execute: balances and nonces
// after the block, and (ubn) a tampered signature that makes the block fail.
import type { Address } from "@ethereumjs/util";
import { afterAll, describe, expect, it } from "vitest";
import { formatVmBench, openUbnState, runVmBench } from "../../bench/vm.ts";
import {
  checkEthereumjsState,
  freshEthereumjsVm,
  prepareEthereumjsBlock,
  runEthereumjsBlock,
} from "../../bench/vm-ethereumjs.ts";
import { checkUbnState, fundUbnState, prepareUbnBlock, runUbnBlock } from "../../bench/vm-ubn.ts";
import { BatchVerifier } from "../../crypto/index.ts";
import { accountKey, BlockErrorCode, decodeAccount } from "../../vm/index.ts";

const N = 50;

describe("runVmBench", () => {
  it("returns positive finite figures from both sides", async () => {
    const phases: string[] = [];
    const r = await runVmBench({
      txs: N,
      repeats: 2,
      workers: 2,
      verifySeconds: 0.05,
      onPhase: (p) => phases.push(p),
    });
    for (const key of [
      "ubn_tps",
      "ethereumjs_tps",
      "ratio",
      "native_verify_per_s",
      "ubn_ms",
      "ethereumjs_ms",
    ] as const) {
      expect(Number.isFinite(r[key]) && r[key] > 0, `${key} = ${r[key]}`).toBe(true);
    }
    expect(r.ubn_runs_ms).toHaveLength(2);
    expect(r.ethereumjs_runs_ms).toHaveLength(2);
    // ubn_ms is rounded to 0.1 ms, so the two agree up to that rounding: 0.05 ms of ubn_ms, a
    // relative error that grows as the block runs faster (about 1.4% at 3.5 ms).
    const roundingBound = 0.05 / r.ubn_ms + 1e-9;
    expect(Math.abs(r.ubn_tps - (N / r.ubn_ms) * 1000) / r.ubn_tps).toBeLessThanOrEqual(roundingBound * 1.01);
    expect(r.ubn_state_root).toMatch(/^[0-9a-f]{64}$/);
    expect(r.ethereumjs_state_root).toMatch(/^[0-9a-f]{64}$/);
    expect(r.verifier_workers).toBe(2);
    expect(phases).toContain("ubn: warm-up run");
    expect(phases).toContain("ubn: run 2 of 2");
    expect(phases).toContain("ethereumjs: run 2 of 2");
    expect(formatVmBench(r)).toContain(`Block of ${N} signed transfers`);
  });

  it("refuses a block of fewer than two transfers", async () => {
    await expect(runVmBench({ txs: 1 })).rejects.toThrow(/txs/);
  });
});

describe("the ubn side", () => {
  const verifier = new BatchVerifier({ workers: 2, inlineBelow: 8 });
  afterAll(() => verifier.close());

  it("moves the balances and nonces the transfers and fees imply", async () => {
    const prepared = prepareUbnBlock(N);
    const state = await openUbnState();
    await fundUbnState(state, prepared);
    const before = decodeAccount((await state.get(accountKey(prepared.addresses[1] as Uint8Array))) as Uint8Array);
    const run = await runUbnBlock(state, prepared, verifier);
    await checkUbnState(state, prepared, run);
    // Account 1 paid transfer 1 and its fee and received transfer 0.
    const after = decodeAccount((await state.get(accountKey(prepared.addresses[1] as Uint8Array))) as Uint8Array);
    expect(after.nonce).toBe(1n);
    expect(after.balance).toBe(
      before.balance - (prepared.values[1] as bigint) - (prepared.fees[1] as bigint) + (prepared.values[0] as bigint),
    );
    expect(run.receipts.every((r) => r.ok)).toBe(true);
  });

  it("rejects the block when one signature is tampered with", async () => {
    const prepared = prepareUbnBlock(N);
    const bytes = Uint8Array.from(prepared.block.txs[7] as Uint8Array);
    bytes[bytes.length - 10] = (bytes[bytes.length - 10] as number) ^ 1;
    const tampered = { ...prepared, block: { ...prepared.block, txs: prepared.block.txs.with(7, bytes) } };
    const state = await openUbnState();
    await fundUbnState(state, tampered);
    await expect(runUbnBlock(state, tampered, verifier)).rejects.toMatchObject({
      code: BlockErrorCode.txBadSignature,
      txIndex: 7,
    });
  });
});

// An Ethereum transaction names no sender: the VM learns it only by recovering the public key
// from the signature, so correct balances on every account show the signatures were processed.
describe("the ethereumjs side", () => {
  it("moves the balances and nonces the transfers and fees imply", async () => {
    const prepared = await prepareEthereumjsBlock(N);
    const vm = await freshEthereumjsVm(prepared);
    const run = await runEthereumjsBlock(vm, prepared);
    await checkEthereumjsState(vm, prepared, run);
    const account = await vm.stateManager.getAccount(prepared.addresses[1] as Address);
    expect(account?.nonce).toBe(1n);
    const gasPrice = 2_000_000_000n; // base fee plus tip, 1 gwei each
    expect(account?.balance).toBe(
      10n ** 18n - (prepared.values[1] as bigint) - 21_000n * gasPrice + (prepared.values[0] as bigint),
    );
    expect(run.gasUsed).toBe(21_000n * BigInt(N));
  });
});
