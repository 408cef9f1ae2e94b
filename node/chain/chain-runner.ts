// One chain hosted by the node: its store, state, executor, mempool, consensus engine (when
// this node validates it), fast sync, and its gossip topics and protocols. The node runs one
// per chain (one shard today; the beacon chain and more shards reuse this unchanged).
//
// Modes:
//   syncing    the engine is stopped; blocks come from peers through fast sync;
//   consensus  the engine runs; every few seconds the peers' heights are compared with ours,
//              and a validator that fell more than `behindBlocks` behind goes back to syncing;
//   following  a full node (no key): it applies what fast sync fetches, continuously.
import { createHash } from "node:crypto";
import {
  blockHash as blockHashOf,
  type CommittedBlock,
  createEngine,
  decodeMessage,
  encodeMessage,
  type JolteonEngine,
  type Message,
  type ValidatorSet,
} from "../../consensus/index.ts";
import {
  type BatchVerifier,
  EncodingError,
  nativeSigner,
  publicKeyOf as publicKeyOfSecret,
  toHex,
  verifyNative as verifyOne,
} from "../../crypto/index.ts";
import { type SparseMerkleState, transactionHash, type VmParams } from "../../vm/index.ts";
import {
  type AccountReader,
  type AddResult,
  defaultMempoolOptions,
  Mempool,
  MempoolError,
  MempoolErrorCode,
  type MempoolOptions,
} from "../mempool/index.ts";
import type { Verdict } from "../net/interface.ts";
import { FastSync } from "../sync/fast-sync.ts";
import { SyncProgress } from "../sync/progress.ts";
import { blocksProtocol, serveBlocks } from "../sync/protocol.ts";
import { CommittedAccountCache } from "./account-cache.ts";
import type { BlockStore } from "./block-store.ts";
import { checkConsensusMessage } from "./consensus-gossip.ts";
import { ConsensusHost, type HostLogger } from "./consensus-host.ts";
import { ChainExecutor, type CommittedInfo } from "./executor.ts";
import type { PendingBlocks } from "./pending-blocks.ts";
import { Proposer } from "./proposer.ts";
import type { StagedKv } from "./staged-kv.ts";
import { decodeTxBatch, TxBatcher } from "./tx-gossip.ts";

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
}

export type CommitListener = (info: CommittedInfo) => void;

const VERIFIED_CACHE = 200_000;
/** The pool takes new transactions while it holds less than this many blocks' worth. */
const BACKLOG_BLOCKS = 8;
/** ... or less than this many, whatever the blocks carry. */
const MIN_BACKLOG_TXS = 2048;

function poolFull(): AddResult {
  return {
    ok: false,
    hash: null,
    error: new MempoolError(MempoolErrorCode.full, "the mempool is full; try again later"),
  };
}

export class ChainRunner {
  readonly opts: ChainRunnerOptions;
  private readonly m: ChainRunnerModules;
  readonly executor: ChainExecutor;
  readonly mempool: Mempool;
  private readonly proposer: Proposer | null;
  private readonly host: ConsensusHost | null;
  private readonly sync: FastSync;
  private readonly batcher: TxBatcher;
  private readonly validatorIds: Set<string>;
  private readonly listeners = new Set<CommitListener>();
  /** Hashes of transactions whose signatures this node verified (admitted to its mempool). */
  private readonly verified = new Set<string>();
  private readonly seenAt = new Map<string, number>();
  private readonly accounts: CommittedAccountCache;
  /** Moving average of transactions per committed non-empty block (see saturated()). */
  private txsPerBlock = 0;
  private submissions: {
    txs: readonly Uint8Array[];
    resolve: (r: AddResult[]) => void;
    reject: (e: unknown) => void;
  }[] = [];
  /** Hashes of the consensus messages this node gossiped (see broadcast). */
  private readonly published = new Set<string>();

  private modeNow: ChainMode = "syncing";
  private watcher: NodeJS.Timeout | null = null;
  private stopped = false;
  private switching: Promise<void> = Promise.resolve();
  readonly selfId: string | null;

  constructor(
    opts: ChainRunnerOptions,
    modules: ChainRunnerModules,
    tip: Awaited<ReturnType<BlockStore["tip"]>> & object,
  ) {
    this.opts = opts;
    this.m = modules;
    this.validatorIds = new Set(opts.validators.validators.map((v) => v.id));
    this.accounts = new CommittedAccountCache(modules.stateKv);
    this.executor = new ChainExecutor(tip, {
      params: modules.params,
      state: modules.state,
      store: modules.store,
      db: modules.db,
      verifier: modules.verifier,
      alreadyVerified: (tx) => this.verified.has(toHex(transactionHash(tx))),
      known: (hex) => modules.pending.get(hex),
    });
    this.mempool = new Mempool(opts.mempool, {
      params: modules.params,
      verify: (items) => modules.verifier.verify(items),
    });
    this.batcher = new TxBatcher((batch) => void modules.network.publish(this.topic("tx"), batch).catch(() => {}));
    this.selfId = opts.secretKey === undefined ? null : toHex(publicKeyOfSecret(opts.secretKey));
    if (this.selfId !== null && !this.validatorIds.has(this.selfId)) {
      // A key that is not in the validator set follows the chain like a full node.
      this.selfId = null;
    }
    const secretKey = opts.secretKey;
    if (this.selfId !== null && secretKey !== undefined) {
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
        },
      );
      const proposer = this.proposer;
      const self = this.selfId;
      const signer = nativeSigner(secretKey);
      this.host = new ConsensusHost({
        createEngine: (persisted) => this.createEngine(self, signer, persisted),
        safety: modules.safety,
        executor: this.executor,
        broadcast: (bytes) => this.broadcast(bytes),
        send: (to, bytes) => this.sendDirect(to, bytes),
        requestPayload: (req, answer) => proposer.request(req, answer),
        blockSeen: (hash, now) => {
          proposer.blockSeen(hash, now);
          this.noteSeen(hash, now);
        },
        onCommitted: (info, block) => this.onCommitted(info, block),
        onFatal: modules.onFatal,
        now: modules.now,
        maxClockSkewMs: opts.maxClockSkewMs,
        log: modules.log,
      });
    } else {
      this.proposer = null;
      this.host = null;
    }
    this.sync = new FastSync(
      {},
      {
        peers: () => modules.network.peers(),
        request: (peer, bytes, timeoutMs) => modules.network.request(peer, this.blocksProtocol, bytes, { timeoutMs }),
        penalize: (peer, reason) => modules.network.penalize(peer, reason),
        executor: this.executor,
        range: {
          chainId: this.consensusChainId,
          genesisHash: opts.genesisHash,
          validators: opts.validators,
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
    net.subscribe(this.topic("tx"), (from, data) => this.onTxGossip(from, data));
    net.subscribe(this.topic("consensus"), (_from, data) => this.onConsensus(data, "gossip"));
    net.onDirect(this.directProtocol, (from, data) => this.onConsensus(data, "direct", from));
    await this.waitForPeers(3000);
    await this.catchUpThenRun();
    this.watcher = setInterval(() => this.watch(), this.host === null ? 250 : 2000);
    this.watcher.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.watcher !== null) clearInterval(this.watcher);
    this.batcher.stop();
    this.proposer?.stop();
    await this.host?.stop();
    await this.switching;
  }

  /** Admits transactions submitted to this node (RPC) and gossips those admitted. */
  /**
   * Submissions arriving in the same turn of the event loop (the calls of one JSON-RPC batch,
   * or of many clients) are admitted together: one mempool batch, so one signature batch on
   * the worker threads instead of one check per transaction on this thread.
   */
  submit(txs: readonly Uint8Array[]): Promise<AddResult[]> {
    return new Promise((resolve, reject) => {
      this.submissions.push({ txs, resolve, reject });
      if (this.submissions.length === 1) setImmediate(() => void this.admitSubmissions());
    });
  }

  private async admitSubmissions(): Promise<void> {
    const waiting = this.submissions;
    this.submissions = [];
    const all = waiting.flatMap((w) => w.txs);
    try {
      const results = this.saturated()
        ? all.map(poolFull)
        : await this.mempool.add(all, this.committedAccounts, this.m.now());
      results.forEach((r, i) => {
        if (!r.ok) return;
        this.rememberVerified(r.hash);
        this.batcher.push(all[i] as Uint8Array);
      });
      this.afterMempoolChange();
      let at = 0;
      for (const w of waiting) {
        w.resolve(results.slice(at, at + w.txs.length));
        at += w.txs.length;
      }
    } catch (e) {
      for (const w of waiting) w.reject(e);
    }
  }

  private async onTxGossip(from: string, data: Uint8Array): Promise<Verdict> {
    let txs: Uint8Array[];
    try {
      txs = decodeTxBatch(data);
    } catch {
      return "reject";
    }
    // A full pool takes nothing more until blocks drain it: refuse before any signature work.
    if (this.saturated()) return "ignore";
    const results = await this.mempool.add(txs, this.committedAccounts, this.m.now());
    let forged = false;
    for (const r of results) {
      if (r.ok) this.rememberVerified(r.hash);
      else if (r.error.code === "MEMPOOL_BAD_SIGNATURE" || r.error.code === "MEMPOOL_MALFORMED") forged = true;
    }
    this.afterMempoolChange();
    if (forged) {
      this.m.log.debug({ peer: from }, "transaction batch with invalid transactions");
      return "reject";
    }
    return "accept";
  }

  private onConsensus(data: Uint8Array, via: "gossip" | "direct", peer?: string): Verdict {
    if (this.host === null || !this.host.active) return "ignore";
    const check = checkConsensusMessage(data, this.consensusChainId, this.validatorIds, via);
    if (!check.ok) {
      this.m.log.debug({ peer, reason: check.reason }, "invalid consensus message");
      return "reject";
    }
    this.remember(check.message);
    if (via === "direct" && peer !== undefined) {
      const answer = this.localSyncAnswer(data);
      if (answer !== null) void this.m.network.send(peer, this.directProtocol, answer).catch(() => {});
    }
    // Direct messages come from an authenticated peer; gossip is attributed to its signer.
    const from = via === "direct" ? (peer as string) : (check.author ?? peer ?? "");
    this.host.deliver(from, data);
    return "accept";
  }

  private broadcast(bytes: Uint8Array): void {
    // The proposals this node makes carry payloads it built: keep their execution by hash.
    const check = checkConsensusMessage(bytes, this.consensusChainId, this.validatorIds, "gossip");
    if (check.ok) this.remember(check.message);
    if (check.ok && check.message.kind === "proposal") {
      const b = check.message.block;
      const hash = blockHashOf(this.consensusChainId, b);
      this.executor.adoptBuilt(hash, b.payload);
      this.noteSeen(hash, this.m.now());
    }
    // Gossip drops a message it has seen (ids are hashes of the bytes), but the engine repeats
    // a message on purpose (its timeout, each time the round timer fires) so that validators
    // that were down or cut off get it: a repeat goes straight to every validator instead.
    const id = createHash("sha256").update(bytes).digest("hex");
    if (this.published.has(id)) {
      for (const peer of this.m.network.peers()) {
        if (this.validatorIds.has(peer)) void this.m.network.send(peer, this.directProtocol, bytes).catch(() => {});
      }
      return;
    }
    if (this.published.size >= 1024) this.published.delete(this.published.values().next().value as string);
    this.published.add(id);
    void this.m.network.publish(this.topic("consensus"), bytes).catch(() => {});
  }

  /** Keeps the blocks of proposals and sync responses (see PendingBlocks). */
  private remember(m: Message): void {
    const blocks = m.kind === "proposal" ? [m.block] : m.kind === "sync-response" ? m.blocks : [];
    if (blocks.length === 0) return;
    this.m.pending
      .add(blocks, this.executor.tip.height)
      .catch((e) => this.m.log.warn({ err: String(e) }, "could not keep a block"));
  }

  /**
   * The engine's messages to one validator. A sync request for blocks this node kept (after a
   * restart, the engine no longer knows the blocks above its committed tip) is answered here
   * at once as well, as if by the validator asked.
   */
  private sendDirect(to: string, bytes: Uint8Array): void {
    const local = this.localSyncAnswer(bytes);
    if (local !== null) this.host?.deliver(to, local);
    void this.m.network.send(to, this.directProtocol, bytes).catch(() => {});
  }

  /** A sync response from the kept blocks to a sync request, or null. */
  private localSyncAnswer(bytes: Uint8Array): Uint8Array | null {
    if (this.m.pending.size === 0) return null;
    let m: Message;
    try {
      m = decodeMessage(bytes);
    } catch {
      return null;
    }
    if (m.kind !== "sync-request") return null;
    const r = this.m.pending.syncResponse(toHex(m.blockHash), this.executor.tip.hash, m.maxBlocks);
    return r === null ? null : encodeMessage({ kind: "sync-response", ...r });
  }

  private async onCommitted(info: CommittedInfo, block: CommittedBlock | null): Promise<void> {
    this.accounts.committed(info.writes);
    const hex = toHex(info.tip.hash);
    await this.m.pending.committed(info.tip.height);
    const seen = this.seenAt.get(hex);
    this.seenAt.delete(hex);
    if (info.payload.txs.length > 0) {
      await this.mempool.removeIncluded(info.payload.txs, this.committedAccounts);
      // Blocks that carried something tell how fast the chain drains the pool.
      const n = info.payload.txs.length;
      this.txsPerBlock = this.txsPerBlock === 0 ? n : 0.8 * this.txsPerBlock + 0.2 * n;
    }
    for (const tx of info.payload.txs) this.verified.delete(toHex(transactionHash(tx)));
    this.m.metrics.committed({
      height: info.tip.height,
      txs: info.payload.txs.length,
      latencyMs: block !== null && seen !== undefined ? this.m.now() - seen : null,
    });
    this.m.metrics.mempool(this.mempool.size, this.mempool.bytes);
    for (const l of this.listeners) l(info);
    this.proposer?.poke();
  }

  /**
   * The pool is at its limit, or holds more than BACKLOG_BLOCKS blocks' worth of transactions
   * at the rate blocks have been carrying them. New transactions are then refused at once,
   * before their signatures are checked: under overload, checking transactions that could not
   * be included for many seconds took the CPU that consensus needed to commit the ones already
   * admitted, and throughput collapsed instead of levelling off.
   */
  private saturated(): boolean {
    const size = this.mempool.size;
    if (size >= (this.opts.mempool.maxTxs ?? defaultMempoolOptions.maxTxs)) return true;
    return this.txsPerBlock > 0 && size >= Math.max(MIN_BACKLOG_TXS, BACKLOG_BLOCKS * this.txsPerBlock);
  }

  private afterMempoolChange(): void {
    this.m.metrics.mempool(this.mempool.size, this.mempool.bytes);
    this.proposer?.poke();
  }

  private rememberVerified(hash: Uint8Array): void {
    if (this.verified.size >= VERIFIED_CACHE) this.verified.delete(this.verified.values().next().value as string);
    this.verified.add(toHex(hash));
  }

  private noteSeen(hash: Uint8Array, now: number): void {
    const hex = toHex(hash);
    if (this.seenAt.has(hex)) return;
    if (this.seenAt.size >= 4096) this.seenAt.delete(this.seenAt.keys().next().value as string);
    this.seenAt.set(hex, now);
  }

  private setMode(mode: ChainMode): void {
    if (mode !== this.modeNow) this.m.log.info({ mode }, "chain mode");
    this.modeNow = mode;
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
    this.setMode("consensus");
    await this.host.start();
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
      if (best <= this.executor.tip.height + BigInt(this.opts.behindBlocks)) return;
      this.m.log.info(
        { height: String(this.executor.tip.height), peers: String(best) },
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
    const tip = this.executor.tip;
    return createEngine(
      {
        chainId: this.consensusChainId,
        genesisHash: this.opts.genesisHash,
        self,
        baseTimeoutMs: this.opts.baseTimeoutMs,
        maxTimeoutMs: this.opts.maxTimeoutMs,
      },
      {
        validators: this.opts.validators,
        signer,
        verify: (items) => items.map((it) => verifyOne(it.publicKey, it.message, it.signature)),
        persisted,
        resumeFrom: { epoch: tip.epoch, round: tip.round, height: tip.height, hash: tip.hash },
      },
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
