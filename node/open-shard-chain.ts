// Opens one shard chain of this node: its slice of the database (prefix 0x10, shard), its
// safety file, its state (from genesis on the first start), the blocks kept above its tip,
// and the ChainRunner that runs it. Used once on a single-shard network and once per shard
// on a sharded one (node/shards/sharded-chains.ts).
import { join } from "node:path";
import type { ValidatorSet } from "../consensus/index.ts";
import { type BatchVerifier, publicKeyOf, toHex } from "../crypto/index.ts";
import { applyGenesis, type Genesis, vmParamsOf } from "../genesis/index.ts";
import type { RpcShardLayout } from "../rpc/index.ts";
import { shardPayloadDigest } from "../shard/body.ts";
import { SparseMerkleState, type VmParams } from "../vm/index.ts";
import { BlockStore, type ChainTip } from "./chain/block-store.ts";
import type { ChainMetricsSink, ChainNetwork } from "./chain/chain-ports.ts";
import { ChainRunner } from "./chain/chain-runner.ts";
import type { HostLogger } from "./chain/consensus-host.ts";
import type { ShardLinks } from "./chain/executor.ts";
import { PendingBlocks } from "./chain/pending-blocks.ts";
import { StagedKv } from "./chain/staged-kv.ts";
import { tipHeaderOf } from "./chain/stored-payload.ts";
import type { NodeConfig } from "./config.ts";
import type { BeaconRunner } from "./shards/beacon-runner.ts";
import type { LevelKv } from "./storage/level-kv.ts";
import { openSafetyStore } from "./storage/safety-file.ts";

export interface OpenShardChain {
  home: string;
  level: LevelKv;
  genesis: Genesis;
  genesisHash: Uint8Array;
  config: NodeConfig;
  shard: number;
  validators: ValidatorSet;
  /** On a sharded network, every validator (any may serve this shard in some epoch). */
  everyValidator?: readonly string[];
  secretKey: Uint8Array | undefined;
  verifier: BatchVerifier;
  network: ChainNetwork;
  log: HostLogger;
  metrics: ChainMetricsSink;
  onFatal(e: unknown): void;
  /** The beacon chain and the other shards, on a sharded network. */
  links?: ShardLinks;
  /** Where to register what must be closed when the node stops. */
  closers: (() => Promise<void>)[];
  /** Wraps reads of stored records, so that damage reads as a damaged database. */
  readOrCorrupt<T>(read: () => Promise<T>): Promise<T>;
}

export interface OpenedShardChain {
  chain: ChainRunner;
  store: BlockStore;
  state: SparseMerkleState;
  stateKv: { get(key: Uint8Array): Promise<Uint8Array | undefined> };
  params: VmParams;
}

/**
 * Commits between stores of the state tree's nodes. The top levels of the tree change in every
 * block; storing nodes every 32nd block writes them once instead of 32 times, and LevelDB's
 * compaction of those bytes is the part of a node's cost that grows as its database does
 * (docs/state.md, "Flushing nodes"). The commits between store their values and a journal of
 * their keys, which a restart replays: at most 32 blocks' keys.
 */
export const STATE_NODE_FLUSH_INTERVAL = 32;

/**
 * Where in the flush interval this node's first state flush falls. On the benchmark's devnet a
 * commit that flushes took about 0.1 s longer, and the four validators, started together,
 * flushed at the same heights: each 32nd block came 0.24 s after the one before, against 0.10
 * for the others. Validators spread their flushes evenly by their place in the set (sorted by
 * id), so that a flush slows one voter at a time and a quorum forms without it; a node that is
 * not in the set takes the first place.
 */
export function stateFlushOffset(validators: ValidatorSet, secretKey: Uint8Array | undefined): number {
  if (secretKey === undefined) return 0;
  const id = toHex(publicKeyOf(secretKey));
  const place = validators.validators.findIndex((v) => v.id === id);
  if (place < 0) return 0;
  return Math.floor((place * STATE_NODE_FLUSH_INTERVAL) / validators.validators.length);
}

export function shardChainName(shard: number): string {
  return `shard-${shard}`;
}

export async function openShardChain(o: OpenShardChain): Promise<OpenedShardChain> {
  const { genesis, config } = o;
  const name = shardChainName(o.shard);
  const params: VmParams =
    genesis.shardCount === 1
      ? vmParamsOf(genesis)
      : { ...vmParamsOf(genesis), chain: { id: o.shard, shardCount: genesis.shardCount } };
  const db = new StagedKv(o.level);
  const store = new BlockStore(db, Uint8Array.of(0x10, o.shard));
  const safety = await openSafetyStore(join(o.home, "safety"), name);
  o.closers.push(() => safety.close());
  const stateKv = store.stateKv();
  const state = await o.readOrCorrupt(() =>
    SparseMerkleState.open(stateKv, {
      nodeFlushInterval: STATE_NODE_FLUSH_INTERVAL,
      nodeFlushOffset: stateFlushOffset(o.validators, o.secretKey),
    }),
  );
  let tip = await o.readOrCorrupt(() => store.tip());
  if (tip === undefined) tip = await initChain(state, store, db, genesis, o.genesisHash, o.shard);
  const at = tip;
  const pending = await o.readOrCorrupt(() =>
    PendingBlocks.load(db, store.pendingPrefix(), `${genesis.chainId}/${name}`, shardPayloadDigest, at.height),
  );
  store.keepBodiesIn(pending);
  const chain = new ChainRunner(
    {
      chainId: genesis.chainId,
      name,
      genesisHash: o.genesisHash,
      payloadDigest: shardPayloadDigest,
      validators: o.validators,
      secretKey: o.secretKey,
      baseTimeoutMs: genesis.params.proposeTimeoutMs,
      // Back-off stops at 3x: with a crashed validator, its rounds and the rounds whose
      // votes go to it time out back to back, and an 8x cap stalled a 4-node devnet for
      // 10-15 s at a time. Skipping crashed leaders (leader reputation) is the real fix.
      maxTimeoutMs: genesis.params.proposeTimeoutMs * 3,
      blockIntervalMs: genesis.params.blockIntervalMs,
      emptyBlocks: config.chain.emptyBlocks,
      // A block this node proposes must also execute, twice over (here and at every
      // validator), well within a round timeout: the node packs at most maxProposalTxs.
      maxBlockTxs: Math.min(genesis.params.maxBlockTxs, config.chain.maxProposalTxs),
      maxBlockBytes: genesis.params.maxBlockBytes,
      maxClockSkewMs: config.chain.maxClockSkewMs,
      behindBlocks: config.chain.behindBlocks,
      mempool: config.mempool,
      everyValidator: o.everyValidator,
    },
    {
      params,
      db,
      store,
      state,
      stateKv,
      pending,
      safety,
      verifier: o.verifier,
      network: o.network,
      log: o.log,
      metrics: o.metrics,
      onFatal: o.onFatal,
      now: () => Date.now(),
      links: o.links,
    },
    tip,
    await o.readOrCorrupt(() => tipHeaderOf(store, at, o.shard)),
  );
  return { chain, store, state, stateKv, params };
}

async function initChain(
  state: SparseMerkleState,
  store: BlockStore,
  db: StagedKv,
  genesis: Genesis,
  gHash: Uint8Array,
  shard: number,
): Promise<ChainTip> {
  const stateRoot = await applyGenesis(state, genesis, { shard });
  const tip: ChainTip = {
    height: 0n,
    hash: gHash,
    epoch: 0n,
    round: 0n,
    stateRoot,
    timeMs: BigInt(genesis.genesisTimeMs),
  };
  store.stageCommit({ tip, block: null, txHashes: [], receipts: [] });
  await state.commit();
  await db.flushStaged();
  return tip;
}

/** Every chain a node hosts: its shards (one on a single-shard network) and the beacon chain. */
export interface NodeChains {
  shards: OpenedShardChain[];
  beacon: BeaconRunner | null;
  /** ubn_getShardLayout on a sharded network: S, the address rule, the committees now. */
  layout(): RpcShardLayout;
  /**
   * The height of the block of `shard` that credited transaction `origin`'s receipt, from what
   * this node tracks of a shard it does not execute (its own store answers for the others).
   */
  creditHeight?(shard: number, origin: Uint8Array): bigint | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
}
