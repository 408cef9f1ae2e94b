// Running one block on the state above the committed tip, and storing a block's state when it
// commits. The state stands on the parent's layer (vm/state/sparse-merkle-layer.ts): reads see
// the ancestors' writes and the root is computed from the parent's tree with this block's
// writes only. Without a usable layer (the parent's was dropped, or it stands on a tree since
// replaced) the ancestors' writes are replayed on the committed tree instead, as before layers.
import type { BatchVerifier } from "../../crypto/index.ts";
import { addressBytesOf, equalBytes } from "../../crypto/index.ts";
import type { ShardBlockContext } from "../../shard/block-exec.ts";
import type { ShardHeader } from "../../shard/header.ts";
import {
  type AuthenticatedState,
  type BlockResult,
  type DecodedTx,
  SparseMerkleState,
  type StateLayer,
  type VmParams,
} from "../../vm/index.ts";
import type { ExecutedBlock } from "./executed-blocks.ts";
import { RecordingState, replayWrites, type StateWrite } from "./recording-state.ts";
import type { ShardLinks } from "./shard-links.ts";

/** What running a block needs from the node. */
export interface RunModules {
  params: VmParams;
  state: AuthenticatedState;
  verifier?: BatchVerifier;
  /**
   * Transactions this node already decoded, checked and verified the signatures of (its
   * mempool's), by hash: see ExecutionEnv's decoded and decodedAreVerified.
   */
  decoded?: (hash: Uint8Array) => DecodedTx | undefined;
  /** On a sharded network: the beacon chain and the other shards as this node follows them. */
  links?: ShardLinks;
}

/** One block's execution: the writes it made, its result, and the state tree after it. */
export interface BlockRun {
  writes: StateWrite[];
  result: BlockResult;
  layer?: StateLayer | undefined;
}

/** A single-chain network has no beacon chain: every block names height 0 and a zero hash. */
export const NO_BEACON = { height: 0n, hash: new Uint8Array(32) };

/**
 * Runs `f` on the state as it is after `chain` (executed blocks above the committed tip, oldest
 * first), and drops every pending write afterwards.
 */
export async function onTopOf<T>(
  state: AuthenticatedState,
  chain: readonly ExecutedBlock[],
  f: (state: AuthenticatedState) => Promise<T>,
): Promise<T> {
  state.discard();
  try {
    const top = chain[chain.length - 1]?.layer;
    const stacked = top !== undefined && state instanceof SparseMerkleState && state.stackOn(top);
    if (!stacked) for (const a of chain) replayWrites(state, a.writes);
    return await f(state);
  } finally {
    state.discard();
  }
}

/**
 * Runs one block (built or validated by `f`, shard/block-exec.ts) on top of `chain`, whose
 * last header is `parent`, and records the writes it makes and the tree after it.
 */
export function runBlock(
  m: RunModules,
  chain: readonly ExecutedBlock[],
  parent: ShardHeader,
  proposer: Uint8Array,
  f: (state: AuthenticatedState, ctx: ShardBlockContext) => Promise<BlockResult>,
): Promise<BlockRun> {
  const links = m.links;
  return onTopOf(m.state, chain, async (state) => {
    const recording = new RecordingState(state);
    const result = await f(recording, {
      params: m.params,
      parent,
      proposer: addressBytesOf(proposer),
      execution: { verifier: m.verifier, decoded: m.decoded, decodedAreVerified: true },
      // A single-chain network has no beacon chain: blocks build on "beacon block 0", and no
      // receipt arrives from anywhere.
      beaconCommitted: (height, hash) =>
        links === undefined ? height === 0n && equalBytes(hash, NO_BEACON.hash) : links.beaconCommitted(height, hash),
      isCrosslinked: (source, headerHash, beaconHeight) =>
        links?.isCrosslinked(source, headerHash, beaconHeight) === true,
    });
    const layer = state instanceof SparseMerkleState ? await state.layer() : undefined;
    return { writes: recording.writes.slice(), result, ...(layer !== undefined ? { layer } : {}) };
  });
}

/**
 * Stores a committed block's state, on a state without pending writes: its layer as computed,
 * or else its writes replayed on the committed tree. Returns the new root.
 */
export async function commitState(state: AuthenticatedState, block: ExecutedBlock): Promise<Uint8Array> {
  if (block.layer !== undefined && state instanceof SparseMerkleState) {
    const root = await state.commitLayer(block.layer);
    if (root !== undefined) return root;
  }
  replayWrites(state, block.writes);
  return state.commit();
}
