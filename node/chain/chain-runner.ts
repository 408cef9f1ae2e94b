// One chain hosted by the node: its store, state, executor, mempool, consensus engine (when
// this node validates it), fast sync, and its gossip topics and protocols. The node runs one
// per shard. This file wires the parts; transactions come in through tx-intake.ts, consensus
// messages go through consensus-relay.ts, the engine runs in consensus-host.ts with the
// proposer of validator-duties.ts, sync-switch.ts moves between fast sync and consensus, and
// chain-topics.ts holds the chain's topics and protocols (options: chain-runner-options.ts).
import {
  type CommittedBlock,
  decodeQuorumCert,
  encodeMessage,
  type JolteonEngine,
  type ValidatorSet,
} from "../../consensus/index.ts";
import { publicKeyOf as publicKeyOfSecret, toHex } from "../../crypto/index.ts";
import type { ShardHeader } from "../../shard/header.ts";
import { transactionHash } from "../../vm/index.ts";
import { evictOldest } from "../evict-oldest.ts";
import { type AccountReader, type AddResult, defaultMempoolOptions, Mempool } from "../mempool/index.ts";
import { FastSync } from "../sync/fast-sync.ts";
import { SyncProgress } from "../sync/progress.ts";
import { type EpochSet, setInForce } from "../sync/verify-range.ts";
import { CommittedAccountCache } from "./account-cache.ts";
import type { BlockStore } from "./block-store.ts";
import { ChainEvents } from "./chain-events.ts";
import type { ChainRunnerModules, ChainRunnerOptions } from "./chain-runner-options.ts";
import { ChainTopics } from "./chain-topics.ts";
import type { ConsensusHost } from "./consensus-host.ts";
import { ConsensusRelay } from "./consensus-relay.ts";
import { ChainExecutor, type CommittedInfo } from "./executor.ts";
import type { Proposer } from "./proposer.ts";
import { type ChainMode, SyncSwitch } from "./sync-switch.ts";
import { TxIntake } from "./tx-intake.ts";
import { chainValidator } from "./validator-duties.ts";

export type { ChainRunnerModules, ChainRunnerOptions } from "./chain-runner-options.ts";
export type { ChainMode } from "./sync-switch.ts";

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
  /** False while this node does not follow the chain (pause()): its gossip is left unread. */
  private followingNow = true;
  /** Subscribed to the chain's gossip topics. */
  private readonly switch: SyncSwitch<CommittedInfo>;
  private readonly topics: ChainTopics;
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
    this.topics = new ChainTopics({
      network: modules.network,
      chainId: opts.chainId,
      name: opts.name,
      store: modules.store,
      tipHeight: () => this.executor.tip.height,
      onTx: (from, data) => (this.followingNow ? this.intake.onGossip(from, data) : "ignore"),
      onConsensus: (data) => (this.followingNow ? this.relay.receive(data, "gossip") : "ignore"),
      onDirect: (from, data) => (this.followingNow ? this.relay.receive(data, "direct", from) : "ignore"),
    });
    this.executor = new ChainExecutor(tip, tipHeader, {
      params: modules.params,
      state: modules.state,
      store: modules.store,
      db: modules.db,
      verifier: modules.verifier,
      decoded: (hash) => this.mempool.decoded(hash),
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
      publish: (batch) => void modules.network.publish(this.topics.topic("tx"), batch).catch(() => {}),
      changed: () => this.afterMempoolChange(),
      accepted: (hashes) => this.events.accepted(hashes),
      now: modules.now,
      log: modules.log,
    });
    this.selfId = opts.secretKey === undefined ? null : toHex(publicKeyOfSecret(opts.secretKey));
    if (this.selfId !== null && opts.everyValidator === undefined && !this.validatorIds.has(this.selfId)) {
      // One chain, one validator set for ever: a key outside it follows like a full node.
      this.selfId = null;
    }
    const epochs = () => this.laterEpochs;
    const validator =
      this.selfId === null || opts.secretKey === undefined
        ? null
        : chainValidator(opts, {
            secretKey: opts.secretKey,
            consensusChainId: this.consensusChainId,
            executor: this.executor,
            mempool: this.mempool,
            safety: modules.safety,
            pending: modules.pending,
            crossShardWork: modules.links === undefined ? undefined : () => modules.links?.crossShardWork() === true,
            epochs,
            relay: () => this.relay,
            onCommitted: (info, block) => this.onCommitted(info, block),
            noteSeen: (hash, now) => this.noteSeen(hash, now),
            onFatal: modules.onFatal,
            now: modules.now,
            log: modules.log,
            departed: modules.network.departed?.bind(modules.network),
          });
    this.proposer = validator?.proposer ?? null;
    this.host = validator?.host ?? null;
    const host = this.host;
    this.relay = new ConsensusRelay({
      chainId: this.consensusChainId,
      payloadDigest: opts.payloadDigest,
      validatorIds: this.validatorIds,
      topic: this.topics.topic("consensus"),
      directProtocol: this.topics.directProtocol,
      network: modules.network,
      pending: modules.pending,
      tip: () => this.executor.tip,
      deliver: host === null ? null : (from, bytes) => host.deliver(from, bytes),
      engineRunning: () => host?.active === true,
      engineGeneration: () => host?.generation ?? 0,
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
        request: (peer, bytes, timeoutMs) =>
          modules.network.request(peer, this.topics.blocksProtocol, bytes, { timeoutMs }),
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
        now: modules.now,
        log: modules.log,
      },
    );
    this.switch = new SyncSwitch({
      sync: this.sync,
      host: this.host,
      height: () => this.executor.tip.height,
      behindBlocks: opts.behindBlocks,
      setMode: (mode) => this.setMode(mode),
      synced: (blocks) => this.m.metrics.synced(Number(blocks)),
      pausing: () => this.proposer?.stop(),
      resumed: () => this.offerTipCertificate(),
      tick: () => this.upkeep(),
      log: modules.log,
    });
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

  /** Whether this node executes the chain now (see pause()). */
  get following(): boolean {
    return this.followingNow;
  }

  /** The epochs after the first, as learned so far (their sets and first heights). */
  get epochSets(): readonly EpochSet[] {
    return this.laterEpochs;
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

  /**
   * Subscribes to the chain's topics and protocols, catches up, then joins consensus; with
   * `follow` false, only subscribes, and the chain waits for resume() (see pause()).
   */
  async start(follow = true): Promise<void> {
    // Without it a node restarted on a quiet or halted chain showed no height until its next commit.
    this.m.metrics.tip(this.executor.tip.height);
    this.topics.serve();
    if (!follow) {
      this.followingNow = false;
      this.setMode("light");
      return;
    }
    this.topics.join();
    await this.waitForPeers(3000);
    await this.switch.start();
  }

  /**
   * Stops executing the chain: the engine and fast sync stop, its gossip is left unread, and
   * its state stays at the committed height reached. On a sharded network a validator follows
   * only the shards whose committees name it, now or next (node/shards/shard-following.ts);
   * the others' headers and outboxes come from light-follower.ts.
   */
  async pause(): Promise<void> {
    if (!this.followingNow) return;
    this.followingNow = false;
    this.proposer?.stop();
    await this.switch.stop();
    this.topics.leave();
    this.setMode("light");
  }

  /** Follows the chain again: fast sync from the height where it stopped, then consensus. */
  async resume(): Promise<void> {
    if (this.followingNow) return;
    this.followingNow = true;
    this.topics.join();
    await this.switch.start();
  }

  async stop(): Promise<void> {
    this.intake.stop();
    this.relay.stop();
    this.proposer?.stop();
    await this.switch.stop();
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
    return this.setAt(this.executor.tip.height + 1n);
  }

  /** The validator set (and epoch) of the block at `height`, from the epochs learned so far. */
  setAt(height: bigint): ValidatorSet {
    return setInForce(this.opts.validators, this.laterEpochs, height);
  }

  /** Something a proposal could carry changed outside this chain (a beacon block, another shard's receipts). */
  poke(): void {
    this.workChanged();
  }

  /**
   * Admits transactions submitted to this node (RPC); see TxIntake. While this node does not
   * follow the chain, it checks what needs no state and passes them on to the nodes that do.
   */
  submit(txs: readonly Uint8Array[]): Promise<AddResult[]> {
    if (!this.followingNow) return this.intake.relayOnly(txs, this.m.params, (items) => this.m.verifier.verify(items));
    return this.intake.submit(txs);
  }

  private async onCommitted(info: CommittedInfo, block: CommittedBlock | null): Promise<void> {
    this.accounts.committed(info.writes);
    const hex = toHex(info.tip.hash);
    await this.m.pending.committed(info.tip.height);
    const seen = this.seenAt.get(hex);
    this.seenAt.delete(hex);
    // Execution gave one receipt per transaction, in order, each with the transaction's hash.
    const txs = info.payload.body.txs;
    const hashes = info.receipts.length === txs.length ? info.receipts.map((r) => r.txHash) : txs.map(transactionHash);
    if (txs.length > 0) await this.mempool.removeIncluded(txs, this.committedAccounts, hashes);
    this.intake.committed(txs.length);
    this.m.metrics.committed({
      height: info.tip.height,
      txs: info.payload.body.txs.length,
      latencyMs: block !== null && seen !== undefined ? this.m.now() - seen : null,
    });
    this.m.metrics.mempool(this.mempool.size, this.mempool.bytes);
    for (const l of this.listeners) l(info);
    this.events.committed(info);
    this.workChanged();
  }

  /** What a proposal could carry changed: the proposer may go, the round timer may run or hold. */
  private workChanged(): void {
    this.proposer?.poke();
    this.host?.workChanged();
  }

  private afterMempoolChange(): void {
    this.m.metrics.mempool(this.mempool.size, this.mempool.bytes);
    this.workChanged();
  }

  private noteSeen(hash: Uint8Array, now: number): void {
    const hex = toHex(hash);
    if (this.seenAt.has(hex)) return;
    if (this.seenAt.size >= 4096) evictOldest(this.seenAt);
    this.seenAt.set(hex, now);
  }

  private setMode(mode: ChainMode): void {
    const changed = mode !== this.modeNow;
    if (changed) this.m.log.info({ mode }, "chain mode");
    this.modeNow = mode;
    if (changed) this.events.mode(mode);
    this.m.metrics.mode(mode);
  }

  /**
   * After a sync, the certificate of the new tip, as if a peer had sent it: the engine's highest
   * QC must reach the tip's round, or as a member of the next epoch it could not propose that
   * epoch's first block (which carries the old epoch's last QC), and no peer sends it again.
   */
  private async offerTipCertificate(): Promise<void> {
    const stored = await this.m.store.blockAt(this.executor.tip.height);
    if (stored === undefined || this.selfId === null) return;
    const qc = decodeQuorumCert(stored.certificate);
    this.host?.deliver(this.selfId, encodeMessage({ kind: "certificate", qc }));
  }

  /** Every look of the sync switch: the mempool's and the engine's metrics, stale transactions out. */
  private upkeep(): void {
    this.m.metrics.mempool(this.mempool.size, this.mempool.bytes);
    this.mempool.evictStale(this.m.now());
    const engine = this.host?.current;
    if (engine) {
      const { localTimeouts: timeouts, shortRounds } = engine.stats();
      this.m.metrics.consensus({ round: engine.status().round, timeouts, shortRounds });
    }
  }

  private async waitForPeers(ms: number): Promise<void> {
    const until = this.m.now() + ms;
    while (this.m.network.peers().length === 0 && this.m.now() < until && !this.switch.stopped) {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
