// A chain's numbers as the node's Prometheus metrics see them (one label value per chain).
import type { ChainMetricsSink } from "../chain/chain-ports.ts";
import type { ChainMode } from "../chain/sync-switch.ts";
import type { NodeMetrics } from "./metrics.ts";

export function chainMetrics(m: NodeMetrics, chain: string): ChainMetricsSink {
  const modeValue: Record<ChainMode, number> = { consensus: 0, following: 0, syncing: 1, light: 0 };
  const last = { round: 0, timeouts: 0, shortRounds: 0 };
  return {
    tip(height: bigint) {
      m.chainHeight.set({ chain }, Number(height));
    },
    committed(info: { height: bigint; txs: number; latencyMs: number | null }) {
      m.chainHeight.set({ chain }, Number(info.height));
      m.blocksCommitted.inc();
      if (info.txs > 0) m.txsCommitted.inc(info.txs);
      if (info.latencyMs !== null) m.commitLatency.observe({ chain }, info.latencyMs / 1000);
    },
    mode(mode: ChainMode) {
      m.syncState.set({ chain }, modeValue[mode]);
    },
    mempool(txs: number, bytes: number) {
      m.mempoolTxs.set({ chain }, txs);
      m.mempoolBytes.set({ chain }, bytes);
    },
    synced(blocks: number) {
      m.syncBlocks.inc(blocks);
    },
    consensus(now: { round: bigint; timeouts: number; shortRounds: number }) {
      // Counters take increments; the engine reports totals, and a new engine starts from 0.
      const round = Number(now.round);
      if (round > last.round) m.consensusViews.inc(round - last.round);
      const since = (total: number, before: number) => (total >= before ? total - before : total);
      const newTimeouts = since(now.timeouts, last.timeouts);
      if (newTimeouts > 0) m.consensusTimeouts.inc(newTimeouts);
      const newShort = since(now.shortRounds, last.shortRounds);
      if (newShort > 0) m.consensusShortRounds.inc(newShort);
      last.round = round;
      last.timeouts = now.timeouts;
      last.shortRounds = now.shortRounds;
      m.consensusRound.set(round);
    },
  };
}
