// What the devnet's efficiency against its own verifier could be at best on this machine,
// measured in the same run.
//
// The validators' ceiling (`verifier_ceiling_tps`) counts one signature check per transaction
// per validator, with the verifier they run, and nothing else. Every validator also has to
// execute each transaction and commit its writes, so even a node whose networking, mempool,
// consensus and storage cost nothing would reach only
//   verify_us / (verify_us + execute_us + commit_us)
// of that ceiling. This runs one block of distinct-sender transfers through the VM in this
// process (state in memory, signatures marked as already checked, since the ceiling counts
// them) and reports that bound, so a reader can tell the cost of the VM from the cost of the
// node around it.
import { BatchVerifier } from "../crypto/index.ts";
import { executeBlock } from "../vm/index.ts";
import { median } from "./util.ts";
import { openUbnState } from "./vm.ts";
import { fundUbnState, prepareUbnBlock } from "./vm-ubn.ts";

export interface ExecutionFloor {
  /** VM execution of one transfer (decode, checks, state reads and writes, roots), median run. */
  execute_us_per_tx: number;
  /** Committing the block's writes to the state tree, per transfer, median run. */
  commit_us_per_tx: number;
  /**
   * verify / (verify + execute + commit), with the validators' verifier: the most
   * `verifier_efficiency` could be.
   */
  verifier_efficiency_bound: number;
}

export async function measureExecutionFloor(
  verifierPerS: number,
  opts: { txs: number; runs: number; warmup: number } = { txs: 2000, runs: 5, warmup: 3 },
): Promise<ExecutionFloor> {
  const prepared = prepareUbnBlock(opts.txs);
  // Never asked (every signature counts as checked), but executeBlock takes one.
  const verifier = new BatchVerifier({ workers: 1 });
  const execute: number[] = [];
  const commit: number[] = [];
  try {
    // The validators run warm code; the first runs here would measure the JIT instead.
    for (let run = 0; run < opts.warmup + opts.runs; run++) {
      const state = await openUbnState();
      await fundUbnState(state, prepared);
      const start = performance.now();
      const result = await executeBlock(state, prepared.block, {
        params: prepared.params,
        verifier,
        alreadyVerified: () => true,
      });
      const executed = performance.now();
      await state.commit();
      const end = performance.now();
      const failed = result.receipts.findIndex((r) => !r.ok);
      if (failed >= 0)
        throw new Error(`execution floor: transfer ${failed} failed: ${result.receipts[failed]?.failure}`);
      if (run < opts.warmup) continue;
      execute.push(((executed - start) * 1000) / opts.txs);
      commit.push(((end - executed) * 1000) / opts.txs);
    }
  } finally {
    await verifier.close();
  }
  const executeUs = median(execute);
  const commitUs = median(commit);
  const verifyUs = 1e6 / verifierPerS;
  return {
    execute_us_per_tx: Math.round(executeUs * 10) / 10,
    commit_us_per_tx: Math.round(commitUs * 10) / 10,
    verifier_efficiency_bound: Math.round((verifyUs / (verifyUs + executeUs + commitUs)) * 100) / 100,
  };
}
