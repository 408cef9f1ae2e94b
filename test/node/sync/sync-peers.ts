// Test peers for fast sync: a chain of certified blocks, and a FastSync at genesis whose peers
// answer from a table the test may change between calls (peers and their tips are read at
// each request), with the clock the test sets.
import { blockCodec, type CommitProof, quorumCertCodec } from "../../../consensus/index.ts";
import { decode, encode } from "../../../crypto/index.ts";
import type { BlockExecutor } from "../../../node/chain/block-executor.ts";
import type { ChainTip, StoredBlock, TipProof } from "../../../node/chain/block-store.ts";
import { NetError, NetErrorCode } from "../../../node/net/errors.ts";
import { FastSync, type FastSyncOptions } from "../../../node/sync/fast-sync.ts";
import { SyncProgress } from "../../../node/sync/progress.ts";
import { blocksRequestCodec, blocksResponseCodec } from "../../../node/sync/protocol.ts";
import { type Built, fixture, GENESIS, genesis, makeBlock, qcFor } from "../../consensus/engine/helpers.ts";
import { testRangeContext } from "./range-context.ts";

export const fx = fixture(4);
export const outsiders = fixture(4, { keyNumbers: [20, 21, 22, 23] });
const ctx = testRangeContext(fx.set);

/** Blocks 1..n on genesis in consecutive rounds, each certified by the committee `by`. */
export function chain(n: number, by = fx): StoredBlock[] {
  const out: StoredBlock[] = [];
  let parent: Built | null = null;
  for (let round = 1n; round <= BigInt(n); round++) {
    const b = makeBlock(fx, { round, parent, qc: parent === null ? genesis(fx) : qcFor(by, parent) });
    out.push({ hash: b.hash, block: encode(blockCodec, b.block), certificate: encode(quorumCertCodec, qcFor(by, b)) });
    parent = b;
  }
  return out;
}

/** The committed tip a store records for block `b` of such a chain (state root and time zero). */
export function tipOf(b: StoredBlock): ChainTip {
  const block = decode(blockCodec, b.block);
  return {
    height: block.height,
    hash: b.hash,
    epoch: 0n,
    round: block.round,
    stateRoot: new Uint8Array(32),
    timeMs: 0n,
  };
}

/**
 * How a test peer answers: the tip it claims and the blocks it holds; or it answers height
 * probes (a tip of 1,000) and then fails every fetch as a timed-out request does ("silent") or
 * leaves it waiting ("hangs", as a real request does until its timeout).
 */
export type Peer = { tip: bigint; blocks: StoredBlock[]; tipProof?: TipProof } | "silent" | "hangs";

/** The proof an engine stores for the last of `blocks`: a child one round later and its QC. */
export function tipProofOf(blocks: readonly StoredBlock[]): TipProof {
  const last = blocks[blocks.length - 1] as StoredBlock;
  const block = decode(blockCodec, last.block);
  const parent: Built = { block, hash: last.hash };
  const child = makeBlock(fx, { round: block.round + 1n, parent, qc: qcFor(fx, parent) });
  return {
    height: block.height,
    child: encode(blockCodec, child.block),
    above: [],
    certificate: encode(quorumCertCodec, qcFor(fx, child)),
  };
}

/** A fast sync at genesis height whose peers answer from `peers`. */
export function syncAtGenesis(
  peers: Record<string, Peer>,
  clock: { now: number } = { now: 0 },
  opts: Partial<FastSyncOptions> = {},
) {
  const penalties: string[] = [];
  let tip = { height: 0n, hash: GENESIS };
  const fetched: string[] = [];
  /** The commit proofs handed to the executor with the blocks applied, by height. */
  const proofs = new Map<bigint, CommitProof>();
  const quiet = { info() {}, warn() {}, debug() {} };
  const sync = new FastSync<unknown>(opts, {
    peers: () => Object.keys(peers),
    request: async (peer, bytes) => {
      const r = decode(blocksRequestCodec, bytes);
      const p = peers[peer] as Peer;
      if (r.maxBlocks > 0) fetched.push(peer);
      if (typeof p === "string") {
        // Both answer a height probe with a far higher tip.
        if (r.maxBlocks === 0) return encode(blocksResponseCodec, { tipHeight: 1_000n, blocks: [], tipProof: null });
        if (p === "silent") throw new NetError(NetErrorCode.timeout, "request timed out", { peer });
        return new Promise<Uint8Array>(() => {});
      }
      const from = Number(r.fromHeight);
      const blocks = p.blocks.slice(from - 1, from - 1 + r.maxBlocks);
      const atTip = blocks.length > 0 && BigInt(from - 1 + blocks.length) === p.tip;
      return encode(blocksResponseCodec, { tipHeight: p.tip, blocks, tipProof: atTip ? (p.tipProof ?? null) : null });
    },
    penalize: (peer, reason) => penalties.push(`${peer}: ${reason}`),
    executor: {
      get tip() {
        return tip;
      },
      commit: async (b: { height: bigint; hash: Uint8Array; proof?: CommitProof }) => {
        tip = { height: b.height, hash: b.hash };
        if (b.proof !== undefined) proofs.set(b.height, b.proof);
        return b.height;
      },
    } as unknown as BlockExecutor<unknown>,
    range: ctx,
    onApplied: async () => {},
    progress: new SyncProgress(quiet, () => 0, false),
    now: () => clock.now,
    log: quiet,
  });
  return { sync, penalties, fetched, proofs };
}
