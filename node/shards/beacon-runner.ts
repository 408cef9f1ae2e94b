// The beacon chain hosted by the node: its block store, the beacon executor, the consensus
// engine (its validators are the registry's seated keys, BeaconSets; a node with a key runs
// the engine in every epoch, as a member or observing), fast sync, and its gossip topic and
// protocols. The same parts as a shard's ChainRunner (node/chain/chain-runner.ts) without a
// mempool: a beacon block carries its proposer's clock, reveal and crosslinks, built when the
// engine asks.
import type { JolteonEngine, ValidatorSet } from "../../consensus/index.ts";
import { type BatchVerifier, EncodingError, nativeSigner, publicKeyOf, sha256, toHex } from "../../crypto/index.ts";
import type { CommittedShardChain } from "../../shard/beacon-block.ts";
import type { BlockStore } from "../chain/block-store.ts";
import type { ChainNetwork } from "../chain/chain-ports.ts";
import { ConsensusHost, departedRounds, type HostLogger } from "../chain/consensus-host.ts";
import { ConsensusRelay } from "../chain/consensus-relay.ts";
import { chainEngine } from "../chain/engine-factory.ts";
import type { PendingBlocks } from "../chain/pending-blocks.ts";
import { type ChainMode, SyncSwitch } from "../chain/sync-switch.ts";
import { FastSync } from "../sync/fast-sync.ts";
import { SyncProgress } from "../sync/progress.ts";
import { blocksProtocol, serveBlocks } from "../sync/protocol.ts";
import type { BeaconCommitted, BeaconExecutor } from "./beacon-executor.ts";
import type { BeaconSets } from "./beacon-sets.ts";

export const BEACON_CHAIN_NAME = "beacon";

export interface BeaconRunnerOptions {
  chainId: string;
  genesisHash: Uint8Array;
  secretKey?: Uint8Array;
  baseTimeoutMs: number;
  maxTimeoutMs: number;
  /** At least this long between two beacon blocks this node proposes. */
  blockIntervalMs: number;
  maxClockSkewMs: number;
  behindBlocks: number;
}

export interface BeaconRunnerModules {
  executor: BeaconExecutor;
  /** The beacon's consensus epochs: genesis set, later ones learned from commits. */
  epochs: BeaconSets;
  store: BlockStore;
  pending: PendingBlocks;
  safety: { read(): Promise<Uint8Array | undefined>; write(state: Uint8Array): Promise<void> };
  verifier: BatchVerifier;
  network: ChainNetwork;
  /** Each shard's committed blocks as this node follows them (what crosslinks prove). */
  shards(): readonly CommittedShardChain[];
  /** Whether some shard has committed headers a beacon block could crosslink now. */
  crosslinkWork(): boolean;
  onCommitted(info: BeaconCommitted): void;
  log: HostLogger;
  onFatal(e: unknown): void;
  now(): number;
}

export class BeaconRunner {
  readonly opts: BeaconRunnerOptions;
  private readonly m: BeaconRunnerModules;
  private readonly host: ConsensusHost<BeaconCommitted> | null;
  private readonly relay: ConsensusRelay;
  private readonly sync: FastSync<BeaconCommitted>;
  readonly selfId: string | null;
  private lastBuiltAt = 0;
  private readonly switch: SyncSwitch<BeaconCommitted>;
  private modeNow: ChainMode = "syncing";

  constructor(opts: BeaconRunnerOptions, modules: BeaconRunnerModules) {
    this.opts = opts;
    this.m = modules;
    // Grows as epochs are learned: the relay takes messages from any key of any set.
    const ids = modules.epochs.ids;
    // Any key: one staked after genesis enters the set at a later epoch, observing until then.
    this.selfId = opts.secretKey === undefined ? null : toHex(publicKeyOf(opts.secretKey));
    const executor = modules.executor;
    const secretKey = opts.secretKey;
    if (this.selfId !== null && secretKey !== undefined) {
      const selfId = this.selfId;
      const selfKey = publicKeyOf(secretKey);
      const signer = nativeSigner(secretKey);
      this.host = new ConsensusHost<BeaconCommitted>({
        createEngine: (persisted) => this.createEngine(selfId, signer, persisted),
        safety: modules.safety,
        keptBlocksLanded: () => modules.pending.landed(),
        executor,
        broadcast: (bytes) => this.relay.broadcast(bytes),
        send: (to, bytes) => this.relay.send(to, bytes),
        requestPayload: (req, answer) => {
          // Paced: a beacon block every blockIntervalMs at most from this proposer, and while
          // no shard has a header to crosslink, only once half a round timeout has passed
          // (the randomness and epochs still advance, at a fraction of the cost).
          const asked = modules.now();
          const attempt = () => {
            if (this.switch.stopped) return;
            const now = modules.now();
            const paced = now >= this.lastBuiltAt + opts.blockIntervalMs;
            const idleOver = now >= asked + opts.baseTimeoutMs * 0.5;
            if (!paced || (!idleOver && !modules.crosslinkWork())) {
              setTimeout(
                attempt,
                Math.max(10, Math.min(opts.blockIntervalMs, this.lastBuiltAt + opts.blockIntervalMs - now)),
              ).unref();
              return;
            }
            const payload = executor.build(req.parentHash, req.height, selfKey, signer, modules.shards(), now);
            this.lastBuiltAt = now;
            if (payload !== null) answer(payload);
          };
          attempt();
        },
        blockSeen: () => {},
        epochs: () => modules.epochs.later,
        onCommitted: (info) => this.committed(info),
        onFatal: modules.onFatal,
        now: modules.now,
        maxClockSkewMs: opts.maxClockSkewMs,
        log: modules.log,
        departed: departedRounds(opts.baseTimeoutMs, modules.network.departed?.bind(modules.network)),
      });
    } else {
      this.host = null;
    }
    const host = this.host;
    this.relay = new ConsensusRelay({
      chainId: this.consensusChainId,
      payloadDigest: sha256,
      validatorIds: ids,
      topic: `/ubn/${opts.chainId}/${BEACON_CHAIN_NAME}/consensus/1`,
      directProtocol: this.directProtocol,
      network: modules.network,
      pending: modules.pending,
      tip: () => executor.tip,
      deliver: host === null ? null : (from, bytes) => host.deliver(from, bytes),
      engineRunning: () => host?.active === true,
      engineGeneration: () => host?.generation ?? 0,
      proposed: (hash, _round, payload) => executor.adoptBuilt(hash, payload),
      log: modules.log,
    });
    this.sync = new FastSync<BeaconCommitted>(
      {},
      {
        peers: () => modules.network.peers(),
        request: (peer, bytes, timeoutMs) => modules.network.request(peer, this.blocksProtocol, bytes, { timeoutMs }),
        penalize: (peer, reason) => modules.network.penalize(peer, reason),
        executor,
        range: {
          chainId: this.consensusChainId,
          payloadDigest: sha256,
          genesisHash: opts.genesisHash,
          validators: modules.epochs.genesis,
          laterEpochs: () => modules.epochs.later,
          verify: (items) => modules.verifier.verify(items),
        },
        onApplied: (info) => this.committed(info),
        progress: new SyncProgress(modules.log, modules.now),
        now: modules.now,
        log: modules.log,
      },
    );
    this.switch = new SyncSwitch({
      sync: this.sync,
      host: this.host,
      height: () => executor.tip.height,
      behindBlocks: opts.behindBlocks,
      setMode: (mode) => {
        this.modeNow = mode;
      },
      synced: () => {},
      log: modules.log,
    });
  }

  /** The chain id beacon consensus signs with. */
  get consensusChainId(): string {
    return `${this.opts.chainId}/${BEACON_CHAIN_NAME}`;
  }

  get engine(): JolteonEngine | null {
    return this.host?.current ?? null;
  }

  get mode(): ChainMode {
    return this.modeNow;
  }

  async start(): Promise<void> {
    const net = this.m.network;
    net.handle(this.blocksProtocol, async (from, req) => {
      try {
        return await serveBlocks(this.m.store, this.m.executor.tip.height, req);
      } catch (e) {
        if (e instanceof EncodingError) net.penalize(from, "blocks request does not decode");
        throw e;
      }
    });
    net.subscribe(`/ubn/${this.opts.chainId}/${BEACON_CHAIN_NAME}/consensus/1`, (_from, data) =>
      this.relay.receive(data, "gossip"),
    );
    net.onDirect(this.directProtocol, (from, data) => this.relay.receive(data, "direct", from));
    await this.switch.start();
  }

  stop(): Promise<void> {
    return this.switch.stop();
  }

  /** A consensus epoch learned from a commit (BeaconSets): to the running engine now. */
  learnEpoch(set: ValidatorSet, fromHeight: bigint): void {
    this.host?.learnEpoch(set, fromHeight);
  }

  private createEngine(self: string, signer: (m: Uint8Array) => Uint8Array, persisted: Uint8Array | undefined) {
    const o = this.opts;
    return chainEngine(
      {
        chainId: this.consensusChainId,
        genesisHash: o.genesisHash,
        self,
        baseTimeoutMs: o.baseTimeoutMs,
        maxTimeoutMs: o.maxTimeoutMs,
        validators: this.m.epochs.genesis,
        signer,
      },
      this.m.executor.tip,
      persisted,
    );
  }

  private get directProtocol(): string {
    return `/ubn/${this.opts.chainId}/${BEACON_CHAIN_NAME}/consensus-direct/1`;
  }

  private get blocksProtocol(): string {
    return blocksProtocol(this.opts.chainId, BEACON_CHAIN_NAME);
  }

  /**
   * After each commit, by consensus or by fast sync: the node hears of it, then the kept blocks
   * at or below it are let go (PendingBlocks.committed; the records that are bodies now stay). Without it the beacon kept
   * every block until the bound of 1,024 evicted it, and rewrote an index of up to 1,024 entries
   * with each block it saw.
   */
  private async committed(info: BeaconCommitted): Promise<void> {
    this.m.onCommitted(info);
    await this.m.pending.committed(info.tip.height);
  }
}
