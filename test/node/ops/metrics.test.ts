import { afterEach, describe, expect, it } from "vitest";
import { type MetricsServer, NodeMetrics, startMetricsServer } from "../../../node/ops/index.ts";

let server: MetricsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("metrics", () => {
  it("serves every UBN metric with the values set, and process metrics, on GET /metrics", async () => {
    const m = new NodeMetrics();
    m.chainHeight.set({ chain: "shard-0" }, 42);
    m.commitLatency.observe({ chain: "shard-0" }, 0.3);
    m.consensusRound.set(7);
    m.consensusTimeouts.inc(2);
    m.consensusViews.inc(9);
    m.consensusShortRounds.inc(4);
    m.peers.set(5);
    m.mempoolTxs.set({ chain: "shard-0" }, 11);
    m.mempoolBytes.set({ chain: "shard-0" }, 2048);
    m.syncState.set({ chain: "beacon" }, 1);
    m.syncBlocks.inc(30);
    m.txsCommitted.inc(100);
    m.blocksCommitted.inc(3);

    server = await startMetricsServer(m, { port: 0 });
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    for (const line of [
      'ubn_chain_height{chain="shard-0"} 42',
      'ubn_commit_latency_seconds_bucket{le="0.5",chain="shard-0"} 1',
      'ubn_commit_latency_seconds_count{chain="shard-0"} 1',
      "ubn_consensus_round 7",
      "ubn_consensus_timeouts_total 2",
      "ubn_consensus_views_total 9",
      "ubn_consensus_short_rounds_total 4",
      "ubn_peers 5",
      'ubn_mempool_txs{chain="shard-0"} 11',
      'ubn_mempool_bytes{chain="shard-0"} 2048',
      'ubn_sync_state{chain="beacon"} 1',
      "ubn_sync_blocks_total 30",
      "ubn_txs_committed_total 100",
      "ubn_blocks_committed_total 3",
    ]) {
      expect(text.split("\n")).toContain(line);
    }
    expect(text).toContain("# TYPE ubn_commit_latency_seconds histogram");
    expect(text).toContain("process_cpu_user_seconds_total");
    expect(text).toContain("nodejs_eventloop_lag_seconds");
  });

  it("keeps each node's metrics apart: two instances in one process do not clash", async () => {
    const a = new NodeMetrics({ processMetrics: false });
    const b = new NodeMetrics({ processMetrics: false });
    a.peers.set(1);
    b.peers.set(2);
    expect(await a.render()).toContain("ubn_peers 1");
    expect(await b.render()).toContain("ubn_peers 2");
    expect(await a.render()).not.toContain("process_cpu");
  });

  it("reads the peer count at each scrape once given where to read it", async () => {
    const m = new NodeMetrics({ processMetrics: false });
    let connected = 3;
    m.countPeersWith(() => connected);
    expect((await m.render()).split("\n")).toContain("ubn_peers 3");
    connected = 1;
    expect((await m.render()).split("\n")).toContain("ubn_peers 1");
  });

  it("answers 404 elsewhere and 405 to other verbs, and closes idempotently", async () => {
    server = await startMetricsServer(new NodeMetrics({ processMetrics: false }), { port: 0 });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${server.url}/`)).status).toBe(404);
    expect((await fetch(`${server.url}/metrics`, { method: "POST" })).status).toBe(405);
    await Promise.all([server.close(), server.close()]);
    await expect(fetch(`${server.url}/metrics`)).rejects.toThrow();
  });
});
