// What consensus hosting and fast sync need of a chain's executor: its committed tip, a
// verdict on a proposed block, and the commit of a final one. The shard executor
// (executor.ts) and the beacon executor (node/shards/beacon-executor.ts) both provide it;
// `I` is what a commit reports to the chain (the shard's receipts, the beacon's crosslinks).
import type { CommitProof } from "../../consensus/index.ts";
import type { ChainTip } from "./block-store.ts";

export type Verdict = { valid: true } | { valid: false; reason: string };

export interface BlockToCommit {
  height: bigint;
  round: bigint;
  epoch: bigint;
  hash: Uint8Array;
  parent: Uint8Array;
  /** Proposer's Ed25519 public key. */
  proposer: Uint8Array;
  payload: Uint8Array;
  certificate: Uint8Array;
  /** Canonical consensus block. */
  encoded: Uint8Array;
  /** What proves the block final, when the engine committed it with a certified child (stored for peers). */
  proof?: CommitProof;
}

export interface BlockExecutor<I> {
  readonly tip: ChainTip;
  /** Judges a proposed block on its parent (executed here or committed); never throws for a bad block. */
  validate(
    hash: Uint8Array,
    parent: Uint8Array,
    height: bigint,
    round: bigint,
    payload: Uint8Array,
    proposer: Uint8Array,
    nowMs: number,
    maxClockSkewMs: number,
  ): Promise<Verdict>;
  /** Commits the child of the tip durably; null for a block at or below the tip (already stored). */
  commit(b: BlockToCommit): Promise<I | null>;
}
