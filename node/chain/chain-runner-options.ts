// What a chain runner (chain-runner.ts) is configured with, and the parts of the node it is
// given: its share of the database, the network, the signature verifier, logs and metrics.
import type { PayloadDigest, ValidatorSet } from "../../consensus/index.ts";
import type { BatchVerifier } from "../../crypto/index.ts";
import type { SparseMerkleState, VmParams } from "../../vm/index.ts";
import type { MempoolOptions } from "../mempool/index.ts";
import type { BlockStore } from "./block-store.ts";
import type { ChainMetricsSink, ChainNetwork } from "./chain-ports.ts";
import type { HostLogger } from "./consensus-host.ts";
import type { ShardLinks } from "./executor.ts";
import type { PendingBlocks } from "./pending-blocks.ts";
import type { StagedKv } from "./staged-kv.ts";

export interface ChainRunnerOptions {
  /** The genesis chain id (what transactions sign). */
  chainId: string;
  /** This chain's name on the network: "shard-0". */
  name: string;
  genesisHash: Uint8Array;
  validators: ValidatorSet;
  /** What this chain's block hashes commit to of a payload: a shard block's header (shard/body.ts). */
  payloadDigest: PayloadDigest;
  /** This validator's 32-byte Ed25519 secret key; absent on a full node. */
  secretKey?: Uint8Array;
  baseTimeoutMs: number;
  maxTimeoutMs: number;
  blockIntervalMs: number;
  emptyBlocks: boolean;
  maxBlockTxs: number;
  maxBlockBytes: number;
  maxClockSkewMs: number;
  /** A validator more than this many blocks behind its peers leaves consensus for fast sync. */
  behindBlocks: number;
  mempool: Partial<MempoolOptions>;
  /**
   * On a sharded network, every validator: a shard's committee changes each epoch, so any of
   * them may serve it in some epoch (their messages are relayed), and this node, when it holds a
   * validator key, runs the shard's engine in every epoch. In one whose committee does not name
   * it, the engine observes: it commits what the members certify (to crosslink the shard and
   * prove its receipts) but never votes or proposes. A key that is not a genesis validator
   * runs the engines too: staking may win it a seat at a later epoch. `validators` by default
   * (one chain: a key outside the set follows like a full node).
   */
  everyValidator?: readonly string[];
}

export interface ChainRunnerModules {
  params: VmParams;
  db: StagedKv;
  store: BlockStore;
  state: SparseMerkleState;
  stateKv: { get(key: Uint8Array): Promise<Uint8Array | undefined> };
  /** Blocks above the committed tip seen on the network, kept across restarts. */
  pending: PendingBlocks;
  /** The consensus safety state's storage (a validator's only). */
  safety: { read(): Promise<Uint8Array | undefined>; write(state: Uint8Array): Promise<void> };
  verifier: BatchVerifier;
  network: ChainNetwork;
  log: HostLogger;
  metrics: ChainMetricsSink;
  onFatal(e: unknown): void;
  now(): number;
  /** The beacon chain and the other shards, on a sharded network. */
  links?: ShardLinks;
}
