// A running UBN node: everything one `ubn node start --home DIR` process owns.
//
//   DIR/genesis.json   the chain (validated; its hash names the chain)
//   DIR/config.json    operator settings (node/config.ts), optional
//   DIR/keystore/      the validator key (named by config validatorKey), scrypt-encrypted
//   DIR/node-key       a full node's network identity (created on first start, mode 0600)
//   DIR/data/          the LevelDB database: every chain's blocks and state
//   DIR/safety/        each chain's consensus safety state (node/storage/safety-file.ts)
//
// Start order: the database first (a second process on the same home stops there, before it
// binds a port or touches a file), then the chain state, the network, the chain's consensus,
// and last the RPC and metrics endpoints, so nothing is served before the node can answer.
import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  BatchVerifier,
  CodedError,
  decryptKey,
  equalBytes,
  findKeyFile,
  fromHex,
  nativeVerifier,
  toHex,
} from "../crypto/index.ts";
import { type Genesis, genesisHash, parseGenesis } from "../genesis/index.ts";
import { type RpcNodeApi, startRpcServer } from "../rpc/index.ts";
import type { ChainRunner } from "./chain/chain-runner.ts";
import { ChainError, ChainErrorCode } from "./chain/errors.ts";
import { loadNodeConfig, type NodeConfig } from "./config.ts";
import { Network } from "./net/index.ts";
import { nodeRpcApi } from "./node-rpc.ts";
import {
  type NodeChains,
  type OpenedShardChain,
  type OpenShardChain,
  openShardChain,
  shardChainName,
} from "./open-shard-chain.ts";
import { chainMetrics } from "./ops/chain-metrics.ts";
import { createLogger, type Logger, NodeMetrics, startMetricsServer } from "./ops/index.ts";
import { routedRpcApi } from "./shards/rpc-router.ts";
import { openShardedChains } from "./shards/sharded-chains.ts";
import { readDbMeta, writeDbMeta } from "./storage/db-meta.ts";
import { LevelKv } from "./storage/level-kv.ts";
import { validatorSetOf } from "./validator-set.ts";

export interface StartNodeOptions {
  home: string;
  /** Keystore password (the CLI reads it from --password-file, UBN_PASSWORD or a prompt). */
  password?: () => Promise<string>;
  /** Overrides of the config file (tests and devnet set ports this way). */
  config?: (c: NodeConfig) => void;
  log?: Logger;
}

export class NodeError extends CodedError<"NODE_NO_KEY" | "NODE_UNSUPPORTED_GENESIS" | "NODE_NO_PASSWORD"> {
  override name = "NodeError";
}

export class UbnNode {
  readonly home: string;
  readonly genesis: Genesis;
  readonly config: NodeConfig;
  readonly log: Logger;
  readonly metrics: NodeMetrics;
  /** Shard 0's chain (the only one on a single-shard network). */
  readonly chain: ChainRunner;
  /** Every chain this node hosts. */
  readonly chains: NodeChains;
  readonly network: Network;
  rpcUrl = "";
  metricsUrl: string | null = null;
  private readonly closers: (() => Promise<void>)[] = [];
  private stopping = false;
  private fatal: ((e: unknown) => void) | null = null;

  private constructor(f: {
    home: string;
    genesis: Genesis;
    config: NodeConfig;
    log: Logger;
    metrics: NodeMetrics;
    chain: ChainRunner;
    network: Network;
    chains: NodeChains;
  }) {
    this.home = f.home;
    this.genesis = f.genesis;
    this.config = f.config;
    this.log = f.log;
    this.metrics = f.metrics;
    this.chain = f.chain;
    this.chains = f.chains;
    this.network = f.network;
  }

  static async start(opts: StartNodeOptions): Promise<UbnNode> {
    const home = opts.home;
    const genesis = parseGenesis(await readFile(join(home, "genesis.json"), "utf8"));
    const config = await loadNodeConfig(join(home, "config.json"));
    opts.config?.(config);
    const log = opts.log ?? createLogger({ level: config.log.level as never, name: "ubn" });
    const gHash = genesisHash(genesis);

    const closers: (() => Promise<void>)[] = [];
    const undo = async () => {
      for (const c of closers.reverse()) await c().catch(() => {});
    };
    try {
      // 1. The database: a lock or corruption stops the start here, before anything else.
      const level = await LevelKv.open(join(home, "data"));
      closers.push(() => level.close());
      const meta = await readOrCorrupt(level.path, () => readDbMeta(level));
      if (meta !== undefined && (meta.chainId !== genesis.chainId || !equalBytes(meta.genesisHash, gHash))) {
        throw new ChainError(
          ChainErrorCode.wrongDatabase,
          `the database in ${join(home, "data")} belongs to chain ${meta.chainId} (genesis ${toHex(meta.genesisHash).slice(0, 16)}...), not to this genesis.json`,
        );
      }
      const secretKey = await unlockValidatorKey(home, config, opts.password);
      const identity = secretKey ?? (await nodeKey(home));

      if (meta === undefined) await writeDbMeta(level, { chainId: genesis.chainId, genesisHash: gHash });
      // Every batch goes to the worker threads, however small (the mempool's batches are a few
      // transactions at a time under steady load): the main thread is left to consensus and
      // networking, and a validator with more cores checks more signatures at once.
      const workers = config.verifier.workers;
      const verifier = new BatchVerifier({ inlineBelow: 1, ...(workers !== null ? { workers } : {}) });
      closers.push(() => verifier.close());

      // 2. The network.
      const network = await Network.create(
        { secretKey: identity, listen: config.p2p.listen, bootstrap: config.p2p.bootstrap },
        log.child({ module: "net" }),
      );
      closers.push(() => network.stop());

      // 3. The chains: their state and tip (from genesis on the first start) and their runners.
      const metrics = new NodeMetrics();
      let node: UbnNode | null = null;
      const common = {
        home,
        level,
        genesis,
        genesisHash: gHash,
        config,
        secretKey,
        verifier,
        network,
        metrics,
        log,
        onFatal: (e: unknown) => node?.onFatal(e),
        closers,
        readOrCorrupt: <T>(read: () => Promise<T>) => readOrCorrupt(level.path, read),
      };
      const chains =
        genesis.shardCount === 1
          ? await singleShard(common)
          : await openShardedChains({ ...common, log: (name) => log.child({ chain: name }) });
      const chain = chains.shards[0] as OpenedShardChain;
      node = new UbnNode({ home, genesis, config, log, metrics, chain: chain.chain, network, chains });
      metrics.countPeersWith(() => network.peers().length);
      log.info(
        {
          chainId: genesis.chainId,
          genesis: toHex(gHash),
          shards: genesis.shardCount,
          heights: chains.shards.map((c) => String(c.chain.executor.tip.height)),
          validator: chain.chain.selfId !== null,
          id: network.id,
          listen: network.listenAddresses(),
          ed25519: nativeVerifier,
        },
        "node starting",
      );

      // 4. The RPC endpoint first, so that operators and wallets see a node that is catching
      // up (ubn_syncing, /health?synced), then consensus after catching up.
      const self = node;
      const apis = chains.shards.map((c) =>
        nodeRpcApi({ ...c, genesisHash: gHash, network, stopping: () => self.stopping }),
      );
      const api =
        chains.beacon === null
          ? (apis[0] as RpcNodeApi)
          : routedRpcApi(
              apis,
              chains.layout,
              async (shard, origin) =>
                (await chains.shards[shard]?.store.creditHeight(origin)) ?? chains.creditHeight?.(shard, origin),
              (shard) => chains.shards[shard]?.chain.following ?? false,
            );
      const rpc = await startRpcServer(api, {
        ...config.rpc,
        onInternalError: (e, method) => log.error({ err: String(e), method }, "rpc internal error"),
      });
      closers.push(() => rpc.close());
      node.rpcUrl = rpc.url;
      closers.push(() => chains.stop());
      await chains.start();
      if (config.metrics !== null) {
        const m = await startMetricsServer(metrics, config.metrics);
        closers.push(() => m.close());
        node.metricsUrl = m.url;
      }
      // Only a node that started owns its parts; a failure above closes them here instead.
      node.closers.push(...closers);
      closers.length = 0;
      log.info({ rpc: node.rpcUrl, metrics: node.metricsUrl, mode: chain.chain.mode }, "node started");
      return node;
    } catch (e) {
      await undo();
      throw e;
    }
  }

  /** Resolves when the node stops because of a fatal error (with it) or a stop() (with null). */
  done(): Promise<unknown> {
    return new Promise((resolve) => {
      this.fatal = resolve;
    });
  }

  private onFatal(e: unknown): void {
    this.log.fatal(
      { err: e instanceof Error ? e.message : String(e), code: (e as { code?: string }).code },
      "fatal error: stopping",
    );
    this.fatal?.(e);
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.log.info({}, "node stopping");
    for (const c of this.closers.reverse()) {
      try {
        await c();
      } catch (e) {
        this.log.warn({ err: String(e) }, "error while stopping");
      }
    }
    this.log.info({}, "node stopped");
    this.fatal?.(null);
  }
}

/** Records that do not decode mean a damaged database: say so instead of a decoder's message. */
async function readOrCorrupt<T>(path: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    if (e instanceof CodedError && (e.code.startsWith("ENCODING_") || e.code.startsWith("STATE_"))) {
      throw new ChainError(ChainErrorCode.wrongDatabase, `the database in ${path} is damaged: ${e.message}`, {
        cause: e,
      });
    }
    throw e;
  }
}

/** A single-shard network: shard 0 run by every validator, no beacon chain. */
async function singleShard(
  c: Omit<OpenShardChain, "shard" | "validators" | "metrics" | "log"> & {
    metrics: NodeMetrics;
    log: Logger;
  },
): Promise<NodeChains> {
  const name = shardChainName(0);
  const opened = await openShardChain({
    ...c,
    shard: 0,
    validators: validatorSetOf(c.genesis),
    log: c.log.child({ chain: name }),
    metrics: chainMetrics(c.metrics, name),
  });
  return {
    shards: [opened],
    beacon: null,
    layout: () => {
      throw new Error("a single-shard network has no routed layout");
    },
    start: () => opened.chain.start(),
    stop: () => opened.chain.stop(),
  };
}

async function unlockValidatorKey(
  home: string,
  config: NodeConfig,
  password: StartNodeOptions["password"],
): Promise<Uint8Array | undefined> {
  if (config.validatorKey === null) return undefined;
  const file = await findKeyFile(join(home, "keystore"), config.validatorKey);
  if (password === undefined)
    throw new NodeError("NODE_NO_PASSWORD", "a validator key is configured but no password source was given");
  return decryptKey(file, await password());
}

/** A full node's network identity: random, kept in DIR/node-key so its peer id is stable. */
async function nodeKey(home: string): Promise<Uint8Array> {
  const path = join(home, "node-key");
  try {
    return fromHex((await readFile(path, "utf8")).trim(), 32);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  const key = new Uint8Array(randomBytes(32));
  await writeFile(path, `${toHex(key)}\n`, { mode: 0o600, flag: "wx" });
  return key;
}
