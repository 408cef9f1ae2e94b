// ubn bench vm: N signed transfers between N accounts executed as one block by the UBN VM and,
// in the same run, by @ethereumjs/vm, with single-thread signature verification for scale.
//
// Both sides start from encoded, signed blocks made before timing and end with a state root:
//   - ubn: executeBlock (decode, signatures on all cores, execution, roots) + state.commit();
//   - ethereumjs: block decoding + runBlock (signatures by sender recovery, transaction trie,
//     execution, state root).
// Each side runs the block once untimed (warm-up), then `repeats` times timed, every run on
// fresh state; the figure reported is the median timed run. Every run is checked afterwards:
// all transactions succeeded, every balance and nonce is what the transfers and fees imply.

import { availableParallelism, cpus } from "node:os";
import { BatchVerifier, type SignedItem, verifyNative } from "../crypto/index.ts";
import { type AuthenticatedState, MemoryKv, SparseMerkleState } from "../vm/index.ts";
import { makeSignedPool, measure } from "./util.ts";
import {
  checkEthereumjsState,
  type EthereumjsRun,
  freshEthereumjsVm,
  prepareEthereumjsBlock,
  runEthereumjsBlock,
} from "./vm-ethereumjs.ts";
import { checkUbnState, fundUbnState, prepareUbnBlock, runUbnBlock, signedItemsOf, type UbnRun } from "./vm-ubn.ts";

export interface VmBenchOptions {
  /** Transfers in the block (and accounts: tx i goes from account i to account i+1 mod N). */
  txs: number;
  /** Timed runs per side, each on fresh state; the median is reported. */
  repeats: number;
  /** Batch-verifier worker threads on the ubn side. */
  workers: number;
  /** Seconds spent measuring single-thread verifyNative. */
  verifySeconds: number;
  /** Run the block once, untimed, on each side before the timed runs. */
  warmup: boolean;
  /** A new, empty authenticated state for the ubn side. */
  newState: () => Promise<AuthenticatedState>;
  /** Progress for people: called before each phase. */
  onPhase?: (phase: string) => void;
}

export const defaultVmBenchOptions: VmBenchOptions = {
  txs: 10_000,
  repeats: 1,
  workers: availableParallelism(),
  verifySeconds: 2,
  warmup: true,
  newState: openUbnState,
};

/** The state the node executes against (the sparse Merkle tree), over an in-memory store. */
export function openUbnState(): Promise<AuthenticatedState> {
  return SparseMerkleState.open(new MemoryKv());
}

export interface VmBenchResult {
  /** Transfers per second through executeBlock + commit (median run). */
  ubn_tps: number;
  /** Transfers per second through block decoding + runBlock (median run). */
  ethereumjs_tps: number;
  /** ubn_tps / ethereumjs_tps. */
  ratio: number;
  /** Single-thread verifyNative, 1024 signers taking turns (keys cached), as in `ubn bench crypto`. */
  native_verify_per_s: number;
  /** ubn_tps / native_verify_per_s. */
  ubn_tps_per_native_verify: number;
  txs: number;
  accounts: number;
  repeats: number;
  statistic: "median";
  ubn_ms: number;
  ethereumjs_ms: number;
  /** Every timed run, in order. */
  ubn_runs_ms: number[];
  ethereumjs_runs_ms: number[];
  /** The median ubn run split in two, and the block's N signatures alone through the same verifier. */
  ubn_breakdown: { execute_block_ms: number; commit_ms: number; signatures_only_ms: number };
  ubn_state_root: string;
  ethereumjs_state_root: string;
  ethereumjs_hardfork: string;
  verifier_workers: number;
  cores: number;
  cpu: string;
  node: string;
}

function checkOptions(o: VmBenchOptions): void {
  if (!Number.isInteger(o.txs) || o.txs < 2) throw new RangeError(`txs must be an integer >= 2, got ${o.txs}`);
  for (const key of ["repeats", "workers"] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 1)
      throw new RangeError(`${key} must be a positive integer, got ${o[key]}`);
  }
  if (!(o.verifySeconds > 0) || !Number.isFinite(o.verifySeconds)) {
    throw new RangeError(`verifySeconds must be a positive number, got ${o.verifySeconds}`);
  }
}

export async function runVmBench(opts: Partial<VmBenchOptions> = {}): Promise<VmBenchResult> {
  const o: VmBenchOptions = { ...defaultVmBenchOptions, ...opts };
  checkOptions(o);
  const phase = (text: string) => o.onPhase?.(text);

  phase(`native verify: measuring one thread for ${o.verifySeconds} s`);
  const nativeVerify = await measureNativeVerify(o.verifySeconds);

  phase(`ubn: signing ${o.txs} transfers`);
  const ubn = await runUbnSide(o, phase);

  phase(`ethereumjs: signing ${o.txs} transfers (secp256k1 in JS, slow)`);
  const ejs = await runEthereumjsSide(o, phase);

  const ubnMedian = median(ubn.runs, (r) => r.ms);
  const ejsMedian = median(ejs.runs, (r) => r.ms);
  const ubnTps = (o.txs / ubnMedian.ms) * 1000;
  const ejsTps = (o.txs / ejsMedian.ms) * 1000;
  return {
    ubn_tps: Math.round(ubnTps),
    ethereumjs_tps: Math.round(ejsTps),
    ratio: round(ubnTps / ejsTps, 2),
    native_verify_per_s: Math.round(nativeVerify),
    ubn_tps_per_native_verify: round(ubnTps / nativeVerify, 3),
    txs: o.txs,
    accounts: o.txs,
    repeats: o.repeats,
    statistic: "median",
    ubn_ms: round(ubnMedian.ms, 1),
    ethereumjs_ms: round(ejsMedian.ms, 1),
    ubn_runs_ms: ubn.runs.map((r) => round(r.ms, 1)),
    ethereumjs_runs_ms: ejs.runs.map((r) => round(r.ms, 1)),
    ubn_breakdown: {
      execute_block_ms: round(ubnMedian.executeMs, 1),
      commit_ms: round(ubnMedian.commitMs, 1),
      signatures_only_ms: round(ubn.signaturesOnlyMs, 1),
    },
    ubn_state_root: Buffer.from(ubnMedian.stateRoot).toString("hex"),
    ethereumjs_state_root: Buffer.from(ejsMedian.stateRoot).toString("hex"),
    ethereumjs_hardfork: ejs.hardfork,
    verifier_workers: o.workers,
    cores: availableParallelism(),
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    node: process.version,
  };
}

async function measureNativeVerify(seconds: number): Promise<number> {
  const pool = makeSignedPool(1024, 1024);
  for (const it of pool) if (!verifyNative(it.publicKey, it.message, it.signature)) throw new Error("bad pool");
  let i = 0;
  const m = await measure(
    "native_verify",
    () => {
      const it = pool[i++ % pool.length] as SignedItem;
      return verifyNative(it.publicKey, it.message, it.signature);
    },
    { seconds },
  );
  return m.hz;
}

async function runUbnSide(
  o: VmBenchOptions,
  phase: (text: string) => void,
): Promise<{ runs: UbnRun[]; signaturesOnlyMs: number }> {
  const prepared = prepareUbnBlock(o.txs);
  const verifier = new BatchVerifier({ workers: o.workers });
  try {
    const runs: UbnRun[] = [];
    for (let r = o.warmup ? -1 : 0; r < o.repeats; r++) {
      phase(r < 0 ? "ubn: warm-up run" : `ubn: run ${r + 1} of ${o.repeats}`);
      const state = await o.newState();
      await fundUbnState(state, prepared);
      const run = await runUbnBlock(state, prepared, verifier);
      await checkUbnState(state, prepared, run);
      if (r >= 0) runs.push(run);
    }
    phase("ubn: the block's signatures alone");
    const items = signedItemsOf(prepared);
    const start = performance.now();
    const ok = await verifier.verify(items);
    const signaturesOnlyMs = performance.now() - start;
    if (!ok.every(Boolean)) throw new Error("ubn: a signature of the block did not verify on its own");
    return { runs, signaturesOnlyMs };
  } finally {
    await verifier.close();
  }
}

async function runEthereumjsSide(
  o: VmBenchOptions,
  phase: (text: string) => void,
): Promise<{ runs: EthereumjsRun[]; hardfork: string }> {
  const prepared = await prepareEthereumjsBlock(o.txs);
  const runs: EthereumjsRun[] = [];
  for (let r = o.warmup ? -1 : 0; r < o.repeats; r++) {
    phase(r < 0 ? "ethereumjs: warm-up run" : `ethereumjs: run ${r + 1} of ${o.repeats}`);
    const vm = await freshEthereumjsVm(prepared);
    const run = await runEthereumjsBlock(vm, prepared);
    await checkEthereumjsState(vm, prepared, run);
    if (r >= 0) runs.push(run);
  }
  return { runs, hardfork: prepared.hardfork };
}

/** The run with the median time (the lower middle one for an even count). */
function median<T>(runs: T[], ms: (run: T) => number): T {
  const sorted = [...runs].sort((a, b) => ms(a) - ms(b));
  return sorted[Math.floor((sorted.length - 1) / 2)] as T;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** The result as an aligned table for people. */
export function formatVmBench(r: VmBenchResult): string {
  const rows: [string, string][] = [
    ["ubn executeBlock + commit", `${r.ubn_tps} tx/s  (${r.ubn_ms} ms)`],
    ["  of which executeBlock", `${r.ubn_breakdown.execute_block_ms} ms`],
    ["  of which commit", `${r.ubn_breakdown.commit_ms} ms`],
    [`  signatures alone, ${r.verifier_workers} workers`, `${r.ubn_breakdown.signatures_only_ms} ms`],
    [`ethereumjs runBlock (${r.ethereumjs_hardfork})`, `${r.ethereumjs_tps} tx/s  (${r.ethereumjs_ms} ms)`],
    ["ratio ubn / ethereumjs", `${r.ratio}x`],
    ["verifyNative, 1 thread", `${r.native_verify_per_s}/s`],
    ["ubn tx/s per native verify/s", `${r.ubn_tps_per_native_verify}`],
  ];
  return [
    `Block of ${r.txs} signed transfers between ${r.accounts} accounts, ${r.statistic} of ${r.repeats} run(s) per side`,
    ...rows.map(([label, value]) => `  ${label.padEnd(36)}${value}`),
    `  ${r.cores} cores, ${r.cpu}, Node ${r.node}`,
  ].join("\n");
}
