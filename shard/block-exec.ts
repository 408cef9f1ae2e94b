// Building and validating a shard block: the one place that turns transactions and inbound
// receipts into a {header, body} payload, and that checks a proposed payload before a vote.
// The simulator and the node both call these, so what a proposer builds is exactly what every
// validator accepts.
//
// Both run on an AuthenticatedState that holds the parent block's state. On success the
// block's writes are left pending in it (the caller commits them, or keeps them as the state of
// an uncommitted block); on any error they are discarded and the state is as it was.
import { equalBytes } from "../crypto/index.ts";
import { decodeSeq, inboxNextKey } from "../vm/cross-shard/records.ts";
import {
  type AuthenticatedState,
  BlockError,
  type BlockResult,
  type ExecutionEnv,
  executeBlock,
  type VmParams,
} from "../vm/index.ts";
import { bodyHash, checkBodyMatches, type InboundBundle, type ShardBlockPayload, type ShardBody } from "./body.ts";
import { ShardError, ShardErrorCode } from "./errors.ts";
import { headerHash, type ShardHeader } from "./header.ts";
import { checkInbound } from "./inbox.ts";
import { outboxRoot } from "./outbox.ts";

/** What a shard block is judged against besides its parent's state. */
export interface ShardBlockContext {
  /** VM parameters of this chain; its shard number is `params.chain.id` (0 on a single-chain network). */
  params: VmParams;
  /** Signature checking for execution (worker threads, signatures the mempool already checked). */
  execution?: Omit<ExecutionEnv, "params">;
  /** The parent block's header (the genesis header for height 1). */
  parent: ShardHeader;
  /** Address paid the block reward and tips (the consensus proposer's), or null. */
  proposer: Uint8Array | null;
  /**
   * Is (height, hash) a beacon block this node has committed? A shard block may only build on
   * final beacon blocks, so every validator judges its inbound receipts against the same view.
   */
  beaconCommitted(height: bigint, hash: Uint8Array): boolean;
  /** Was this header of `source` crosslinked in a committed beacon block at or below `beaconHeight`? */
  isCrosslinked(source: number, headerHash: Uint8Array, beaconHeight: bigint): boolean;
}

export interface BuildRequest {
  beacon: { height: bigint; hash: Uint8Array };
  /** The proposer's clock; the header takes the parent's time if this is earlier. */
  timeMs: bigint;
  /** Candidate transactions, in the order to try them. */
  txs: readonly Uint8Array[];
  inbound: readonly InboundBundle[];
}

export interface BuiltBlock {
  payload: ShardBlockPayload;
  result: BlockResult;
  /** Candidates left out because they would have made the block invalid. */
  dropped: Uint8Array[];
}

/** Retries after dropping a transaction that would make the block invalid. */
const BUILD_ATTEMPTS = 16;

function chainOf(params: VmParams): number {
  return params.chain?.id ?? 0;
}

/** Reads the next seq this chain expects from each source a bundle comes from. */
async function expectedSeqs(
  state: AuthenticatedState,
  bundles: readonly InboundBundle[],
): Promise<Map<number, bigint>> {
  const out = new Map<number, bigint>();
  for (const b of bundles) {
    const source = b.header.shard;
    if (!out.has(source)) out.set(source, decodeSeq(await state.get(inboxNextKey(source))));
  }
  return out;
}

async function inboundReceipts(
  state: AuthenticatedState,
  ctx: ShardBlockContext,
  beaconHeight: bigint,
  bundles: readonly InboundBundle[],
) {
  const expected = await expectedSeqs(state, bundles);
  return checkInbound(bundles, {
    destination: chainOf(ctx.params),
    expected: (source) => expected.get(source) ?? 0n,
    isCrosslinked: (source, hash) => ctx.isCrosslinked(source, hash, beaconHeight),
  });
}

/**
 * Builds the next block on `ctx.parent`. Inbound bundles must be valid (the proposer picks them
 * from crosslinked headers); transactions that fail block-level checks are dropped and the
 * block rebuilt. Throws ShardError or BlockError when no valid block can be made.
 */
export async function buildShardBlock(
  state: AuthenticatedState,
  ctx: ShardBlockContext,
  req: BuildRequest,
): Promise<BuiltBlock> {
  const shard = chainOf(ctx.params);
  const height = ctx.parent.height + 1n;
  const receipts = await inboundReceipts(state, ctx, req.beacon.height, req.inbound);
  // Never before the parent (bigints, so no Math.max).
  let timeMs = ctx.parent.timeMs;
  if (req.timeMs > timeMs) timeMs = req.timeMs;
  let txs = [...req.txs];
  const dropped: Uint8Array[] = [];
  for (let attempt = 0; ; attempt++) {
    let result: BlockResult;
    try {
      result = await executeBlock(
        state,
        { chainId: ctx.params.chainId, height, proposer: ctx.proposer, txs, inbound: receipts },
        { ...ctx.execution, params: ctx.params },
      );
    } catch (e) {
      const index = e instanceof BlockError ? e.txIndex : undefined;
      if (index === undefined || attempt >= BUILD_ATTEMPTS) throw e;
      dropped.push(txs[index] as Uint8Array);
      txs = txs.filter((_, i) => i !== index);
      continue;
    }
    const body: ShardBody = { txs, inbound: [...req.inbound] };
    const header: ShardHeader = {
      shard,
      height,
      parent: headerHash(ctx.parent),
      beaconHeight: req.beacon.height,
      beaconHash: req.beacon.hash,
      timeMs,
      stateRoot: result.stateRoot,
      bodyHash: bodyHash(body),
      receiptsRoot: result.receiptsRoot,
      outboxRoot: outboxRoot(result.outbox),
      outboxCount: result.outbox.length,
    };
    return { payload: { header, body }, result, dropped };
  }
}

/**
 * Checks a proposed block against its parent and re-executes it on the parent's state; returns
 * the execution result. Throws ShardError (header, body or inbound receipts) or BlockError
 * (execution) otherwise, with the state left as it was.
 */
export async function validateShardBlock(
  state: AuthenticatedState,
  ctx: ShardBlockContext,
  payload: ShardBlockPayload,
): Promise<BlockResult> {
  const { header, body } = payload;
  const { parent } = ctx;
  const shard = chainOf(ctx.params);
  if (header.shard !== shard) fail(ShardErrorCode.wrongShard, `a block of shard ${header.shard} on shard ${shard}`);
  if (header.height !== parent.height + 1n || !equalBytes(header.parent, headerHash(parent))) {
    fail(ShardErrorCode.brokenHeaderChain, `block ${header.height} does not extend block ${parent.height}`);
  }
  if (header.timeMs < parent.timeMs) fail(ShardErrorCode.badHeader, "time before the parent's");
  if (header.beaconHeight < parent.beaconHeight) fail(ShardErrorCode.badHeader, "beacon reference moves back");
  if (!ctx.beaconCommitted(header.beaconHeight, header.beaconHash)) {
    fail(ShardErrorCode.unknownBeacon, `beacon block ${header.beaconHeight} is not committed here`);
  }
  checkBodyMatches(payload);
  const receipts = await inboundReceipts(state, ctx, header.beaconHeight, body.inbound);
  const result = await executeBlock(
    state,
    { chainId: ctx.params.chainId, height: header.height, proposer: ctx.proposer, txs: body.txs, inbound: receipts },
    { ...ctx.execution, params: ctx.params },
  );
  const mismatch = [
    ["state root", equalBytes(result.stateRoot, header.stateRoot)],
    ["receipts root", equalBytes(result.receiptsRoot, header.receiptsRoot)],
    ["outbox root", equalBytes(outboxRoot(result.outbox), header.outboxRoot)],
    ["outbox count", result.outbox.length === header.outboxCount],
  ].find(([, ok]) => !ok);
  if (mismatch !== undefined) {
    state.discard();
    fail(ShardErrorCode.rootMismatch, `the header's ${mismatch[0]} differs from execution`);
  }
  return result;
}

function fail(code: ShardErrorCode, why: string): never {
  throw new ShardError(code, why);
}
