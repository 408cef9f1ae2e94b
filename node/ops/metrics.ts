// Prometheus metrics of a node, in a registry of its own (not prom-client's global one), so
// several nodes in one process (devnet, tests) never share or clash over series.
//
// Names carry their unit (_seconds, _total); the only label is `chain` ("beacon", "shard-0", ...),
// a set fixed at genesis, so the number of series stays bounded whatever peers send.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

export type ChainLabel = "chain";

/** From a fraction of a second (a quiet local devnet) to tens of seconds (views timing out). */
const COMMIT_LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 20, 30, 60];

export interface NodeMetricsOptions {
  /** Add Node.js process metrics (CPU, memory, event loop lag, GC); default true. */
  processMetrics?: boolean;
}

export class NodeMetrics {
  readonly registry: Registry;
  /** Last committed height. */
  readonly chainHeight: Gauge<ChainLabel>;
  /** From the moment a proposal is first seen to the moment its block commits. */
  readonly commitLatency: Histogram<ChainLabel>;
  /** The consensus round the node is in. */
  readonly consensusRound: Gauge;
  /** Rounds this node timed out of. */
  readonly consensusTimeouts: Counter;
  /** Rounds (views) entered, by a certificate or a timeout. */
  readonly consensusViews: Counter;
  /** Rounds given a short timeout for a silent leader or vote collector (consensus/silent-validators.ts). */
  readonly consensusShortRounds: Counter;
  /** Connected peers: read at each scrape once countPeersWith has been called (see there). */
  readonly peers: Gauge;
  readonly mempoolTxs: Gauge<ChainLabel>;
  readonly mempoolBytes: Gauge<ChainLabel>;
  /** 0: synced, following consensus; 1: catching up by fast sync. */
  readonly syncState: Gauge<ChainLabel>;
  /** Blocks applied by fast sync. */
  readonly syncBlocks: Counter;
  readonly txsCommitted: Counter;
  readonly blocksCommitted: Counter;
  private peerCount: (() => number) | null = null;

  constructor(opts: NodeMetricsOptions = {}) {
    this.registry = new Registry();
    const registers = [this.registry];
    this.chainHeight = new Gauge({
      name: "ubn_chain_height",
      help: "Last committed block height",
      labelNames: ["chain"],
      registers,
    });
    this.commitLatency = new Histogram({
      name: "ubn_commit_latency_seconds",
      help: "Time from first seeing a block's proposal to committing it",
      labelNames: ["chain"],
      buckets: COMMIT_LATENCY_BUCKETS,
      registers,
    });
    this.consensusRound = new Gauge({ name: "ubn_consensus_round", help: "Current consensus round", registers });
    this.consensusTimeouts = new Counter({
      name: "ubn_consensus_timeouts_total",
      help: "Consensus rounds this node timed out of",
      registers,
    });
    this.consensusViews = new Counter({
      name: "ubn_consensus_views_total",
      help: "Consensus rounds (views) entered",
      registers,
    });
    this.consensusShortRounds = new Counter({
      name: "ubn_consensus_short_rounds_total",
      help: "Consensus rounds given a short timeout because their leader or vote collector went silent",
      registers,
    });
    this.peers = new Gauge({
      name: "ubn_peers",
      help: "Connected peers",
      registers,
      collect: () => {
        if (this.peerCount !== null) this.peers.set(this.peerCount());
      },
    });
    this.mempoolTxs = new Gauge({
      name: "ubn_mempool_txs",
      help: "Transactions in the mempool",
      labelNames: ["chain"],
      registers,
    });
    this.mempoolBytes = new Gauge({
      name: "ubn_mempool_bytes",
      help: "Encoded size of the transactions in the mempool",
      labelNames: ["chain"],
      registers,
    });
    this.syncState = new Gauge({
      name: "ubn_sync_state",
      help: "0 when synced and following consensus, 1 while syncing",
      labelNames: ["chain"],
      registers,
    });
    this.syncBlocks = new Counter({ name: "ubn_sync_blocks_total", help: "Blocks applied by fast sync", registers });
    this.txsCommitted = new Counter({ name: "ubn_txs_committed_total", help: "Transactions committed", registers });
    this.blocksCommitted = new Counter({ name: "ubn_blocks_committed_total", help: "Blocks committed", registers });
    if (opts.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /**
   * Has each scrape read the peer count from `count`. Set from connect and disconnect events,
   * the gauge read 0 on a healthy node: its first connections open while the node starts, before
   * anything listens for them, and no event follows until a peer leaves.
   */
  countPeersWith(count: () => number): void {
    this.peerCount = count;
  }

  /** The exposition text of every metric, for GET /metrics. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
