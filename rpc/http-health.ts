// GET /health for load balancers and orchestrators. Plain, it is a liveness probe: 200 while the
// node runs and says it is healthy. With `?synced` and/or `?min_peers=N` it is a readiness probe:
// 200 only if the node is not catching up and has at least N peers, else 503 with the reasons, so
// traffic goes only to nodes that answer with current state.
import type { RpcNodeApi } from "./api.ts";
import { toJsonValue } from "./encoding.ts";

export interface HealthAnswer {
  status: number;
  body: { status: "ok" | "unavailable"; detail: unknown; reasons?: string[] };
}

export type HealthQuery = { synced: boolean; minPeers: number } | { error: string };

/** Reads `synced` and `min_peers` from a query string ("" or "?..."). */
export function readHealthQuery(search: string): HealthQuery {
  const q = new URLSearchParams(search);
  const peers = q.get("min_peers");
  let minPeers = 0;
  if (peers !== null) {
    if (!/^\d{1,6}$/.test(peers))
      return { error: `min_peers must be a non-negative integer, got "${peers.slice(0, 16)}"` };
    minPeers = Number(peers);
  }
  const synced = q.get("synced");
  if (synced !== null && synced !== "" && synced !== "true" && synced !== "1") {
    return { error: `synced takes no value (or true), got "${synced.slice(0, 16)}"` };
  }
  return { synced: synced !== null, minPeers };
}

export function checkHealth(
  api: RpcNodeApi,
  query: { synced: boolean; minPeers: number },
  report: (error: unknown) => void,
): HealthAnswer {
  let detail: unknown;
  const reasons: string[] = [];
  try {
    const health = api.health();
    detail = toJsonValue(health.detail);
    if (!health.ok) reasons.push("the node reports itself unhealthy");
    if (query.synced) {
      const s = api.syncing();
      if (s.syncing) reasons.push(`syncing: at block ${s.currentBlock} of ${s.highestBlock}`);
    }
    if (query.minPeers > 0) {
      const peers = api.peers().length;
      if (peers < query.minPeers) reasons.push(`peers: ${peers}, at least ${query.minPeers} required`);
    }
  } catch (e) {
    report(e);
    return { status: 503, body: { status: "unavailable", detail: { error: "the health check failed" } } };
  }
  const ok = reasons.length === 0;
  const readiness = query.synced || query.minPeers > 0;
  // Plain liveness keeps its historical body; readiness adds the reasons (empty when ready).
  const body: HealthAnswer["body"] = { status: ok ? "ok" : "unavailable", detail };
  if (readiness) body.reasons = reasons;
  return { status: ok ? 200 : 503, body };
}
