// DIR/config.json: how an operator runs a node. Every key is optional; unknown keys and values
// of the wrong type are refused by name, so a typo never silently falls back to a default.
//
// {
//   "validatorKey": "val-1",                      // key name in DIR/keystore; omit for a full node
//   "p2p": { "listen": ["/ip4/127.0.0.1/tcp/26656"], "bootstrap": ["/ip4/.../p2p/12D3..."] },
//   "rpc": { "host": "127.0.0.1", "port": 8545,       // limits below: rpc/options.ts has the defaults
//            "maxBodyBytes": 1048576, "maxBatch": 100, "wsMaxMessageBytes": 1048576, "wsMaxConnections": 200,
//            "maxSubscriptionsPerConnection": 100, "notificationQueue": 1024,
//            "rateLimit": { "perSecond": 500, "burst": 1000 },  // or null to turn it off
//            "cors": ["https://wallet.example"], "hosts": ["localhost", "127.0.0.1", "[::1]"] },
//   "metrics": { "host": "127.0.0.1", "port": 9615 },   // or null to turn the endpoint off
//   "log": { "level": "info" },
//   "chain": { "emptyBlocks": false, "behindBlocks": 8, "maxClockSkewMs": 5000, "maxProposalTxs": 2000 },
//   "mempool": { "maxTxs": 20000, "maxBytes": 67108864, "maxPerSender": 256, "maxNonceGap": 64, "ttlMs": 600000 }
// }
import { readFile } from "node:fs/promises";
import { CodedError } from "../crypto/index.ts";
import { isCorsOrigin, type RpcServerOptions } from "../rpc/options.ts";

/** The `rpc` section; the options left out take rpc/options.ts defaults (see RpcServerOptions). */
export type RpcConfig = Omit<RpcServerOptions, "onInternalError" | "now" | "cors" | "hosts"> & {
  host: string;
  cors?: string[];
  hosts?: string[];
};

export interface NodeConfig {
  validatorKey: string | null;
  p2p: { listen: string[]; bootstrap: string[] };
  rpc: RpcConfig;
  metrics: { host: string; port: number } | null;
  log: { level: string };
  chain: {
    emptyBlocks: boolean;
    behindBlocks: number;
    maxClockSkewMs: number;
    maxProposalTxs: number;
    /**
     * On a sharded network, which shards a validator executes: "assigned", those whose
     * committees seat it now or next (the others' headers and outboxes only); "all", every
     * shard (an RPC node's choice). A node without a key follows every shard either way.
     */
    followShards?: "assigned" | "all";
  };
  mempool: { maxTxs?: number; maxBytes?: number; maxPerSender?: number; maxNonceGap?: number; ttlMs?: number };
  /**
   * Signature checking: `workers` threads, or null for one per core. Several nodes sharing a
   * machine (a devnet) each want fewer: every thread keeps its own cache of parsed keys, and
   * more threads than cores only add wake-ups.
   */
  verifier: { workers: number | null };
}

export const defaultNodeConfig: NodeConfig = {
  validatorKey: null,
  p2p: { listen: ["/ip4/127.0.0.1/tcp/26656"], bootstrap: [] },
  rpc: { host: "127.0.0.1", port: 8545 },
  metrics: { host: "127.0.0.1", port: 9615 },
  log: { level: "info" },
  chain: { emptyBlocks: false, behindBlocks: 8, maxClockSkewMs: 5000, maxProposalTxs: 2000 },
  mempool: {},
  verifier: { workers: null },
};

export class ConfigError extends CodedError<"CONFIG_INVALID" | "CONFIG_UNREADABLE"> {
  override name = "ConfigError";
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export async function loadNodeConfig(path: string): Promise<NodeConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return structuredClone(defaultNodeConfig);
    throw new ConfigError("CONFIG_UNREADABLE", `cannot read ${path}: ${(e as Error).message}`);
  }
  let value: Json;
  try {
    value = JSON.parse(text) as Json;
  } catch (e) {
    throw new ConfigError("CONFIG_INVALID", `${path} is not JSON: ${(e as Error).message}`);
  }
  return parseNodeConfig(value, path);
}

export function parseNodeConfig(value: Json, source = "config"): NodeConfig {
  const fail = (path: string, why: string): never => {
    throw new ConfigError("CONFIG_INVALID", `${source}: ${path}: ${why}`);
  };
  const obj = (v: Json | undefined, path: string, keys: readonly string[]): Record<string, Json> => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return fail(path, "expected an object");
    for (const k of Object.keys(v))
      if (!keys.includes(k)) fail(`${path}.${k}`, `unknown key (known: ${keys.join(", ")})`);
    return v;
  };
  const str = (v: Json, path: string): string =>
    typeof v === "string" && v.length > 0 ? v : fail(path, "expected a non-empty string");
  const int = (v: Json, path: string, min: number, max: number): number =>
    typeof v === "number" && Number.isInteger(v) && v >= min && v <= max
      ? v
      : fail(path, `expected an integer from ${min} to ${max}`);
  const strings = (v: Json, path: string): string[] =>
    Array.isArray(v) ? v.map((x, i) => str(x, `${path}[${i}]`)) : fail(path, "expected a list of strings");

  const c = structuredClone(defaultNodeConfig);
  const root = obj(value, "$", ["validatorKey", "p2p", "rpc", "metrics", "log", "chain", "mempool", "verifier"]);
  if (root.validatorKey !== undefined)
    c.validatorKey = root.validatorKey === null ? null : str(root.validatorKey, "validatorKey");
  if (root.p2p !== undefined) {
    const p = obj(root.p2p, "p2p", ["listen", "bootstrap"]);
    if (p.listen !== undefined) c.p2p.listen = strings(p.listen, "p2p.listen");
    if (p.bootstrap !== undefined) c.p2p.bootstrap = strings(p.bootstrap, "p2p.bootstrap");
  }
  const endpoint = (v: Json, path: string, into: { host: string; port: number }) => {
    const e = obj(v, path, ["host", "port"]);
    if (e.host !== undefined) into.host = str(e.host, `${path}.host`);
    if (e.port !== undefined) into.port = int(e.port, `${path}.port`, 0, 65535);
  };
  if (root.rpc !== undefined) {
    // Each limit with its bounds: [key, min, max].
    const limits = [
      ["maxBodyBytes", 1, 2 ** 30],
      ["maxBatch", 1, 10_000],
      ["wsMaxMessageBytes", 1, 2 ** 30],
      ["wsMaxConnections", 1, 100_000],
      ["maxSubscriptionsPerConnection", 1, 100_000],
      ["notificationQueue", 1, 1_000_000],
    ] as const;
    const r = obj(root.rpc, "rpc", ["host", "port", ...limits.map(([k]) => k), "rateLimit", "cors", "hosts"]);
    if (r.host !== undefined) c.rpc.host = str(r.host, "rpc.host");
    if (r.port !== undefined) c.rpc.port = int(r.port, "rpc.port", 0, 65535);
    for (const [k, min, max] of limits) if (r[k] !== undefined) c.rpc[k] = int(r[k] as Json, `rpc.${k}`, min, max);
    if (r.rateLimit !== undefined) {
      if (r.rateLimit === null) c.rpc.rateLimit = null;
      else {
        const rl = obj(r.rateLimit, "rpc.rateLimit", ["perSecond", "burst"]);
        if (rl.perSecond === undefined || rl.burst === undefined) fail("rpc.rateLimit", "needs perSecond and burst");
        c.rpc.rateLimit = {
          perSecond: int(rl.perSecond as Json, "rpc.rateLimit.perSecond", 1, 1_000_000),
          burst: int(rl.burst as Json, "rpc.rateLimit.burst", 1, 10_000_000),
        };
      }
    }
    if (r.cors !== undefined) {
      c.rpc.cors = strings(r.cors, "rpc.cors");
      c.rpc.cors.forEach((o, i) => {
        if (!isCorsOrigin(o))
          fail(`rpc.cors[${i}]`, `expected "*" or an origin like "https://wallet.example", got "${o}"`);
      });
    }
    if (r.hosts !== undefined) c.rpc.hosts = strings(r.hosts, "rpc.hosts");
  }
  if (root.metrics !== undefined) {
    if (root.metrics === null) c.metrics = null;
    else {
      c.metrics = { host: "127.0.0.1", port: 9615 };
      endpoint(root.metrics, "metrics", c.metrics);
    }
  }
  if (root.log !== undefined) {
    const l = obj(root.log, "log", ["level"]);
    if (l.level !== undefined) c.log.level = str(l.level, "log.level");
  }
  if (root.chain !== undefined) {
    const ch = obj(root.chain, "chain", [
      "emptyBlocks",
      "behindBlocks",
      "maxClockSkewMs",
      "maxProposalTxs",
      "followShards",
    ]);
    if (ch.followShards !== undefined) {
      if (ch.followShards !== "assigned" && ch.followShards !== "all")
        fail("chain.followShards", 'expected "assigned" or "all"');
      c.chain.followShards = ch.followShards as "assigned" | "all";
    }
    if (ch.emptyBlocks !== undefined)
      c.chain.emptyBlocks =
        typeof ch.emptyBlocks === "boolean" ? ch.emptyBlocks : fail("chain.emptyBlocks", "expected true or false");
    if (ch.behindBlocks !== undefined) c.chain.behindBlocks = int(ch.behindBlocks, "chain.behindBlocks", 2, 1_000_000);
    if (ch.maxProposalTxs !== undefined)
      c.chain.maxProposalTxs = int(ch.maxProposalTxs, "chain.maxProposalTxs", 1, 100_000);
    if (ch.maxClockSkewMs !== undefined)
      c.chain.maxClockSkewMs = int(ch.maxClockSkewMs, "chain.maxClockSkewMs", 0, 3_600_000);
  }
  if (root.mempool !== undefined) {
    const keys = ["maxTxs", "maxBytes", "maxPerSender", "maxNonceGap", "ttlMs"] as const;
    const mp = obj(root.mempool, "mempool", keys);
    for (const k of keys) if (mp[k] !== undefined) c.mempool[k] = int(mp[k] as Json, `mempool.${k}`, 1, 2 ** 40);
  }
  if (root.verifier !== undefined) {
    const v = obj(root.verifier, "verifier", ["workers"]);
    if (v.workers !== undefined)
      c.verifier.workers = v.workers === null ? null : int(v.workers, "verifier.workers", 1, 256);
  }
  return c;
}
