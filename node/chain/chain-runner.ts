// One chain hosted by the node: its store, state, executor, mempool, consensus engine (when
// this node validates it), fast sync, and its gossip topics and protocols. The node runs one
// per chain (one shard today; the beacon chain and more shards reuse this unchanged). This file
// wires the parts and switches modes; transactions come in through tx-intake.ts, consensus
// messages go through consensus-relay.ts, the engine runs in consensus-host.ts.
//
// Modes:
//   syncing    the engine is stopped; blocks come from peers through fast sync;
//   consensus  the engine runs; every few seconds the peers' heights are compared with ours,
//              and a validator that fell more than `behindBlocks` behind goes back to syncing;
//   following  a full node (no key): it applies what fast sync fetches, continuously.
import {
  type CommittedBlock,
  decodeQuorumCert,
  encodeMessage,
  type JolteonEngine,
  type PayloadDigest,
  type ValidatorSet,
} from "../../consensus/index.ts";
import {
  type BatchVerifier,
  EncodingError,
  nativeSigner,
  publicKeyOf as publicKeyOfSecret,
  toHex,
} from "../../crypto/index.ts";
import type { ShardHeader } from "../../shard/header.ts";
import type { SparseMerkleState, VmParams } from "../../vm/index.ts";
import {
  type AccountReader,
  type AddResult,
  defaultMempoolOptions,
  Mempool,
  type MempoolOptions,
} from "../mempool/index.ts";
import type { Verdict } from "../net/interface.ts";
import { FastSync } from "../sync/fast-sync.ts";
import { SyncProgress } from "../sync/progress.ts";
import { blocksProtocol, serveBlocks } from "../sync/protocol.ts";
import type { EpochSet } from "../sync/verify-range.ts";
import { CommittedAccountCache } from "./account-cache.ts";
import type { BlockStore } from "./block-store.ts";
import { ChainEvents } from "./chain-events.ts";
import { ConsensusHost, type HostLogger } from "./consensus-host.ts";
import { ConsensusRelay } from "./consensus-relay.ts";
import { chainEngine } from "./engine-factory.ts";
import { ChainExecutor, type CommittedInfo, type ShardLinks } from "./executor.ts";
import type { PendingBlocks } from "./pending-blocks.ts";
import { Proposer } from "./proposer.ts";
import type { StagedKv } from "./staged-kv.ts";
import { TxIntake } from "./tx-intake.ts";

/** The parts of node/net's Network a chain uses. */
export interface ChainNetwork {
  readonly id: string;
  peers(): string[];
  subscribe(topic: string, handler: (from: string, data: Uint8Array) => Verdict | Promise<Verdict>): void;
  publish(topic: string, data: Uint8Array): Promise<void>;
  handle(protocol: string, handler: (from: string, request: Uint8Array) => Promise<Uint8Array>): void;
  request(peer: string, protocol: string, request: Uint8Array, opts?: { timeoutMs?: number }): Promise<Uint8Array>;
  send(peer: string, protocol: string, data: Uint8Array): Promise<void>;
  onDirect(protocol: string, handler: (from: string, data: Uint8Array) => Verdict | Promise<Verdict>): void;
  penalize(peer: string, reason: string, weight?: number): void;
}

export interface ChainMetricsSink {
  committed(info: { height: bigint; txs: number; latencyMs: number | null }): void;
  mode(mode: ChainMode): void;
  mempool(txs: number, bytes: number): void;
  synced(blocks: number): void;
  /** The engine's round and its count of local timeouts (both only grow within a run). */
  consensus(now: { round: bigint; timeouts: number }): void;
}

export type ChainMode = "syncing" | "consensus" | "following";

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
   * prove its receipts) but never votes or proposes. `validators` by default.
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

export type CommitListener = (info: CommittedInfo) => void;

export class ChainRunner {
  readonly opts: ChainRunnerOptions;
  private readonly m: ChainRunnerModules;
  readonly executor: ChainExecutor;
  readonly mempool: Mempool;
  private readonly proposer: Proposer | null;
  private readonly host: ConsensusHost<CommittedInfo> | null;
  private readonly sync: FastSync<CommittedInfo>;
  private readonly intake: TxIntake;
  private readonly relay: ConsensusRelay;
  private readonly validatorIds: Set<string>;
  private readonly listeners = new Set<CommitListener>();
  /** The epochs after the first, as learned (see learnEpoch). */
  private readonly laterEpochs: EpochSet[] = [];
  private readonly seenAt = new Map<string, number>();
  private readonly accounts: CommittedAccountCache;
  /** Blocks executed and committed, transactions admitted, mode changes: for RPC watchers. */
  readonly events = new ChainEvents();

  private modeNow: ChainMode = "syncing";
  /** The committed height when watch() last compared it with the peers'. */
  private heightAtLastWatch = -1n;
  private watcher: NodeJS.Timeout | null = null;
  private stopped = false;
  private switching: Promise<void> = Promise.resolve();
  readonly selfId: string | null;

  constructor(
    opts: ChainRunnerOptions,
    modules: ChainRunnerModules,
    tip: Awaited<ReturnType<BlockStore["tip"]>> & object,
    tipHeader: ShardHeader,
  ) {
    this.opts = opts;
    this.m = modules;
    this.validatorIds = new Set([...opts.validators.validators.map((v) => v.id), ...(opts.everyValidator ?? [])]);
    this.accounts = new CommittedAccountCache(modules.stateKv);
    this.executor = new ChainExecutor(tip, tipHeader, {
      params: modules.params,
      state: modules.state,
      store: modules.store,
      db: modules.db,
      verifier: modules.verifier,
      alreadyVerified: (tx) => this.intake.isVerified(tx),
      known: (hex) => modules.pending.get(hex),
      onExecuted: (hash, block) => this.events.executed(hash, block),
      links: modules.links,
    });
    this.mempool = new Mempool(opts.mempool, {
      params: modules.params,
      verify: (items) => modules.verifier.verify(items),
    });
    this.intake = new TxIntake({
      mempool: this.mempool,
      maxTxs: opts.mempool.maxTxs ?? defaultMempoolOptions.maxTxs,
      accounts: this.committedAccounts,
      publish: (batch) => void modules.network.publish(this.topic("tx"), batch).catch(() => {}),
      changed: () => this.afterMempoolChange(),
      accepted: (hashes) => this.events.accepted(hashes),
      now: modules.now,
      log: modules.log,
    });
    this.selfId = opts.secretKey === undefined ? null : toHex(publicKeyOfSecret(opts.secretKey));
    if (this.selfId !== null && !this.validatorIds.has(this.selfId)) {
      // A key that is not in the validator set follows the chain like a full node.
      this.selfId = null;
    }
    const secretKey = opts.secretKey;
    const epochs = () => this.laterEpochs;
    // What the engine's host does the same for a member and an observer.
    const hostModules = (self: string, key: Uint8Array) => {
      const signer = nativeSigner(key);
      return {
        createEngine: (persisted: Uint8Array | undefined) => this.createEngine(self, signer, persisted),
        safety: modules.safety,
        executor: this.executor,
        broadcast: (bytes: Uint8Array) => this.relay.broadcast(bytes),
        send: (to: string, bytes: Uint8Array) => this.relay.send(to, bytes),
        onCommitted: (info: CommittedInfo, block: CommittedBlock) => this.onCommitted(info, block),
        onFatal: modules.onFatal,
        now: modules.now,
        maxClockSkewMs: opts.maxClockSkewMs,
        log: modules.log,
        epochs,
      };
    };
    if (this.selfId !== null && secretKey !== undefined) {
      // A member of this chain's validator set, or on a sharded network any validator: its
      // engine votes and asks for payloads only in the epochs whose committee names it.
      const selfKey = publicKeyOfSecret(secretKey);
      this.proposer = new Proposer(
        {
          blockIntervalMs: opts.blockIntervalMs,
          executionBudgetMs: Math.max(20, Math.floor(opts.baseTimeoutMs / 5)),
          emptyBlocks: opts.emptyBlocks,
          maxBlockTxs: opts.maxBlockTxs,
          maxBlockBytes: opts.maxBlockBytes,
        },
        {
          executor: this.executor,
          mempool: this.mempool,
          selfKey,
          now: modules.now,
          onDropped: (txs) => this.mempool.discard(txs),
          log: modules.log,
          crossShardWork: modules.links === undefined ? undefined : () => modules.links?.crossShardWork() === true,
        },
      );
      const proposer = this.proposer;
      this.host = new ConsensusHost({
        ...hostModules(this.selfId, secretKey),
        requestPayload: (req, answer) => proposer.request(req, answer),
        blockSeen: (hash, now) => {
          proposer.blockSeen(hash, now);
          this.noteSeen(hash, now);
        },
      });
    } else {
      this.proposer = null;
      this.host = null;
    }
    const host = this.host;
    this.relay = new ConsensusRelay({
      chainId: this.consensusChainId,
      payloadDigest: opts.payloadDigest,
      validatorIds: this.validatorIds,
      topic: this.topic("consensus"),
      directProtocol: this.directProtocol,
      network: modules.network,
      pending: modules.pending,
      tip: () => this.executor.tip,
      deliver: host === null ? null : (from, bytes) => host.deliver(from, bytes),
      engineRunning: () => host?.active === true,
      proposed: (hash, round, payload) => {
        // The proposals this node makes carry payloads it built: keep their execution by hash.
        this.executor.adoptBuilt(hash, round, payload);
        this.noteSeen(hash, modules.now());
      },
      log: modules.log,
    });
    this.sync = new FastSync(
      {},
      {
        peers: () => modules.network.peers(),
        request: (peer, bytes, timeoutMs) => modules.network.request(peer, this.blocksProtocol, bytes, { timeoutMs }),
        penalize: (peer, reason) => modules.network.penalize(peer, reason),
        executor: this.executor,
        range: {
          chainId: this.consensusChainId,
          payloadDigest: opts.payloadDigest,
          genesisHash: opts.genesisHash,
          validators: opts.validators,
          laterEpochs: epochs,
          verify: (items) => modules.verifier.verify(items),
        },
        onApplied: (info) => this.onCommitted(info, null),
        progress: new SyncProgress(modules.log, modules.now),
        log: modules.log,
      },
    );
  }

  /** The chain id consensus signs with: the genesis chain id and the chain's name. */
  get consensusChainId(): string {
    return `${this.opts.chainId}/${this.opts.name}`;
  }

  get mode(): ChainMode {
    return this.modeNow;
  }

  get engine(): JolteonEngine | null {
    return this.host?.current ?? null;
  }

  get blocksSynced(): bigint {
    return this.sync.blocksApplied;
  }

  /** Whether the chain is catching up by fast sync, and from where to where. */
  get syncSpan(): { syncing: boolean; start: bigint; target: bigint } {
    return { syncing: this.modeNow === "syncing", ...this.sync.span };
  }

  onCommit(listener: CommitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  readonly committedAccounts: AccountReader = async (address) => {
    const a = await this.accounts.get(address);
    return { balance: a.balance, nonce: a.nonce };
  };

  /** Subscribes to the chain's topics and protocols, catches up, then joins consensus. */
  async start(): Promise<void> {
    const net = this.m.network;
    net.handle(this.blocksProtocol, async (from, req) => {
      try {
        return await serveBlocks(this.m.store, this.executor.tip.height, req);
      } catch (e) {
        if (e instanceof EncodingError) net.penalize(from, "blocks request does not decode");
        throw e;
      }
    });
    net.subscribe(this.topic("tx"), (from, data) => this.intake.onGossip(from, data));
    net.subscribe(this.topic("consensus"), (_from, data) => this.relay.receive(data, "gossip"));
    net.onDirect(this.directProtocol, (from, data) => this.relay.receive(data, "direct", from));
    await this.waitForPeers(3000);
    await this.catchUpThenRun();
    this.watcher = setInterval(() => this.watch(), this.host === null ? 250 : 2000);
    this.watcher.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.watcher !== null) clearInterval(this.watcher);
    this.intake.stop();
    this.proposer?.stop();
    await this.host?.stop();
    await this.switching;
  }

  /**
   * The validator set of the chain's next epoch and its first height (a shard's next committee,
   * once its commits say when it takes over): kept for every later engine start and for
   * verifying synced blocks, and given to the running engine now.
   */
  learnEpoch(set: ValidatorSet, fromHeight: bigint): void {
    const last = this.laterEpochs.at(-1)?.set.epoch ?? this.opts.validators.epoch;
    if (set.epoch !== last + 1n) throw new Error(`${this.opts.name}: epoch ${set.epoch} learned after ${last}`);
    this.laterEpochs.push({ set, fromHeight });
    for (const id of set.validators.map((v) => v.id)) this.validatorIds.add(id);
    this.host?.learnEpoch(set, fromHeight);
  }

  /** The epoch of the chain's next block and its validator set. */
  get currentSet(): ValidatorSet {
    const next = this.executor.tip.height + 1n;
    let set = this.opts.validators;
    for (const e of this.laterEpochs) if (e.fromHeight <= next) set = e.set;
    return set;
  }

  /** Something a proposal could carry changed outside this chain (a beacon block, another shard's receipts). */
  poke(): void {
    this.proposer?.poke();
  }

  /** Admits transactions submitted to this node (RPC); see TxIntake. */
  submit(txs: readonly Uint8Array[]): Promise<AddResult[]> {
    return this.intake.submit(txs);
  }

  private async onCommitted(info: CommittedInfo, block: CommittedBlock | null): Promise<void> {
    this.accounts.committed(info.writes);
    const hex = toHex(info.tip.hash);
    await this.m.pending.committed(info.tip.height);
    const seen = this.seenAt.get(hex);
    this.seenAt.delete(hex);
    if (info.payload.body.txs.length > 0)
      await this.mempool.removeIncluded(info.payload.body.txs, this.committedAccounts);
    this.intake.committed(info.payload.body.txs);
    this.m.metrics.committed({
      height: info.tip.height,
      txs: info.payload.body.txs.length,
      latencyMs: block !== null && seen !== undefined ? this.m.now() - seen : null,
    });
    this.m.metrics.mempool(this.mempool.size, this.mempool.bytes);
    for (const l of this.listeners) l(info);
    this.events.committed(info);
    this.proposer?.poke();
  }

  private afterMempoolChange(): void {
    this.m.metrics.mempool(this.mempool.size, this.mempool.bytes);
    this.proposer?.poke();
  }

  private noteSeen(hash: Uint8Array, now: number): void {
    const hex = toHex(hash);
    if (this.seenAt.has(hex)) return;
    if (this.seenAt.size >= 4096) this.seenAt.delete(this.seenAt.keys().next().value as string);
    this.seenAt.set(hex, now);
  }

  private setMode(mode: ChainMode): void {
    const changed = mode !== this.modeNow;
    if (changed) this.m.log.info({ mode }, "chain mode");
    this.modeNow = mode;
    if (changed) this.events.mode(mode);
    this.m.metrics.mode(mode);
  }

  private async catchUpThenRun(): Promise<void> {
    this.setMode("syncing");
    const applied = await this.sync.catchUp(() => this.stopped);
    if (applied > 0n) this.m.metrics.synced(Number(applied));
    if (this.stopped) return;
    if (this.host === null) {
      this.setMode("following");
      return;
    }
    this.setMode(this.selfId === null ? "following" : "consensus");
    await this.host.start();
    if (applied > 0n && this.selfId !== null) await this.offerTipCertificate(this.selfId);
  }

  /**
   * After a sync, the certificate of the new tip, as if a peer had sent it: the engine's highest
   * QC must reach the tip's round, or as a member of the next epoch it could not propose that
   * epoch's first block (which carries the old epoch's last QC), and no peer sends it again.
   */
  private async offerTipCertificate(self: string): Promise<void> {
    const stored = await this.m.store.blockAt(this.executor.tip.height);
    if (stored === undefined) return;
    const qc = decodeQuorumCert(stored.certificate);
    this.host?.deliver(self, encodeMessage({ kind: "certificate", qc }));
  }

  private watch(): void {
    if (this.stopped) return;
    this.m.metrics.mempool(this.mempool.size, this.mempool.bytes);
    this.mempool.evictStale(this.m.now());
    const engine = this.host?.current;
    if (engine) {
      const stats = engine.stats();
      this.m.metrics.consensus({ round: engine.status().round, timeouts: stats.localTimeouts });
    }
    this.switching = this.switching.then(async () => {
      if (this.stopped) return;
      if (this.host === null) {
        const applied = await this.sync.catchUp(() => this.stopped);
        if (applied > 0n) this.m.metrics.synced(Number(applied));
        return;
      }
      const tips = await this.sync.peerTips();
      let best = 0n;
      for (const t of tips) if (t.height > best) best = t.height;
      const height = this.executor.tip.height;
      // Stuck: peers hold blocks fast sync can prove (two above ours) and ours has not moved
      // since the last look. The engine cannot fetch them itself when they cross into an epoch
      // it has not learned (it drops that epoch's messages unread), nor on a quiet chain where
      // nothing new is proposed.
      const stuck = best > height + 1n && height === this.heightAtLastWatch;
      this.heightAtLastWatch = height;
      if (best <= height + BigInt(this.opts.behindBlocks) && !stuck) return;
      this.m.log.info(
        { height: String(height), peers: String(best), stuck },
        "fell behind: leaving consensus for fast sync",
      );
      this.proposer?.stop();
      await this.host.stop();
      await this.catchUpThenRun();
    });
  }

  private async waitForPeers(ms: number): Promise<void> {
    const until = this.m.now() + ms;
    while (this.m.network.peers().length === 0 && this.m.now() < until && !this.stopped) {
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private createEngine(
    self: string,
    signer: (m: Uint8Array) => Uint8Array,
    persisted: Uint8Array | undefined,
  ): JolteonEngine {
    const o = this.opts;
    return chainEngine(
      {
        chainId: this.consensusChainId,
        genesisHash: o.genesisHash,
        self,
        baseTimeoutMs: o.baseTimeoutMs,
        maxTimeoutMs: o.maxTimeoutMs,
        payloadDigest: o.payloadDigest,
        validators: o.validators,
        signer,
      },
      this.executor.tip,
      persisted,
    );
  }

  private topic(kind: "tx" | "consensus"): string {
    return `/ubn/${this.opts.chainId}/${this.opts.name}/${kind}/1`;
  }

  private get directProtocol(): string {
    return `/ubn/${this.opts.chainId}/${this.opts.name}/consensus-direct/1`;
  }

  private get blocksProtocol(): string {
    return blocksProtocol(this.opts.chainId, this.opts.name);
  }
}
