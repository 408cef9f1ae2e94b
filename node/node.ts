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
import type { ValidatorSet } from "../consensus/index.ts";
import { BatchVerifier, CodedError, decryptKey, equalBytes, findKeyFile, fromHex, toHex } from "../crypto/index.ts";
import { applyGenesis, type Genesis, genesisHash, parseGenesis, vmParamsOf } from "../genesis/index.ts";
import { startRpcServer } from "../rpc/index.ts";
import { shardPayloadDigest } from "../shard/body.ts";
import { SparseMerkleState } from "../vm/index.ts";
import { BlockStore, type ChainTip } from "./chain/block-store.ts";
import { type ChainMode, ChainRunner } from "./chain/chain-runner.ts";
import { ChainError, ChainErrorCode } from "./chain/errors.ts";
import { PendingBlocks } from "./chain/pending-blocks.ts";
import { StagedKv } from "./chain/staged-kv.ts";
import { tipHeaderOf } from "./chain/stored-payload.ts";
import { loadNodeConfig, type NodeConfig } from "./config.ts";
import { Network } from "./net/index.ts";
import { nodeRpcApi } from "./node-rpc.ts";
import { createLogger, type Logger, NodeMetrics, startMetricsServer } from "./ops/index.ts";
import { readDbMeta, writeDbMeta } from "./storage/db-meta.ts";
import { LevelKv } from "./storage/level-kv.ts";
import { SafetyFile } from "./storage/safety-file.ts";

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

/** The shard this release runs; the beacon chain and more shards come with sharding. */
const CHAIN_NAME = "shard-0";
const CHAIN_PREFIX = Uint8Array.of(0x10, 0x00);

export class UbnNode {
  readonly home: string;
  readonly genesis: Genesis;
  readonly config: NodeConfig;
  readonly log: Logger;
  readonly metrics: NodeMetrics;
  readonly chain: ChainRunner;
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
  }) {
    this.home = f.home;
    this.genesis = f.genesis;
    this.config = f.config;
    this.log = f.log;
    this.metrics = f.metrics;
    this.chain = f.chain;
    this.network = f.network;
  }

  static async start(opts: StartNodeOptions): Promise<UbnNode> {
    const home = opts.home;
    const genesis = parseGenesis(await readFile(join(home, "genesis.json"), "utf8"));
    if (genesis.shardCount !== 1) {
      throw new NodeError(
        "NODE_UNSUPPORTED_GENESIS",
        `genesis has ${genesis.shardCount} shards; this release runs single-shard chains (ubn genesis init --shards 1)`,
      );
    }
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

      // 2. The chain's state and tip, from genesis on the first start.
      const db = new StagedKv(level);
      const store = new BlockStore(db, CHAIN_PREFIX);
      const safety = await SafetyFile.open(join(home, "safety"), CHAIN_NAME);
      closers.push(() => safety.file.close());
      let safetyState = safety.state;
      const stateKv = store.stateKv();
      const state = await readOrCorrupt(level.path, () => SparseMerkleState.open(stateKv));
      let tip = await readOrCorrupt(level.path, () => store.tip());
      if (tip === undefined) tip = await initChain(state, store, db, genesis, gHash);
      if (meta === undefined) await writeDbMeta(level, { chainId: genesis.chainId, genesisHash: gHash });
      const pending = await readOrCorrupt(level.path, () =>
        PendingBlocks.load(
          db,
          store.pendingPrefix(),
          `${genesis.chainId}/${CHAIN_NAME}`,
          shardPayloadDigest,
          (tip as ChainTip).height,
        ),
      );
      const verifier = new BatchVerifier();
      closers.push(() => verifier.close());

      // 3. The network.
      const network = await Network.create(
        { secretKey: identity, listen: config.p2p.listen, bootstrap: config.p2p.bootstrap },
        log.child({ module: "net" }),
      );
      closers.push(() => network.stop());

      const metrics = new NodeMetrics();
      const chainLog = log.child({ chain: CHAIN_NAME });
      let node: UbnNode | null = null;
      const chain = new ChainRunner(
        {
          chainId: genesis.chainId,
          name: CHAIN_NAME,
          genesisHash: gHash,
          payloadDigest: shardPayloadDigest,
          validators: validatorSetOf(genesis),
          secretKey,
          baseTimeoutMs: genesis.params.proposeTimeoutMs,
          // Back-off stops at 3x: with a crashed validator, its rounds and the rounds whose
          // votes go to it time out back to back, and an 8x cap stalled a 4-node devnet for
          // 10-15 s at a time. Skipping crashed leaders (leader reputation) is the real fix.
          maxTimeoutMs: genesis.params.proposeTimeoutMs * 3,
          blockIntervalMs: genesis.params.blockIntervalMs,
          emptyBlocks: config.chain.emptyBlocks,
          // A block this node proposes must also execute, twice over (here and at every
          // validator), well within a round timeout: the node packs at most maxProposalTxs.
          maxBlockTxs: Math.min(genesis.params.maxBlockTxs, config.chain.maxProposalTxs),
          maxBlockBytes: genesis.params.maxBlockBytes,
          maxClockSkewMs: config.chain.maxClockSkewMs,
          behindBlocks: config.chain.behindBlocks,
          mempool: config.mempool,
        },
        {
          params: vmParamsOf(genesis),
          db,
          store,
          state,
          stateKv,
          pending,
          safety: {
            read: async () => safetyState,
            write: async (state) => {
              await safety.file.write(state);
              safetyState = state;
            },
          },
          verifier,
          network,
          log: chainLog,
          metrics: chainMetrics(metrics, CHAIN_NAME),
          onFatal: (e) => node?.onFatal(e),
          now: () => Date.now(),
        },
        tip,
        await readOrCorrupt(level.path, () => tipHeaderOf(store, tip as ChainTip)),
      );
      node = new UbnNode({ home, genesis, config, log, metrics, chain, network });
      network.onPeer(() => metrics.peers.set(network.peers().length));
      log.info(
        {
          chainId: genesis.chainId,
          genesis: toHex(gHash),
          height: String(tip.height),
          validator: chain.selfId !== null,
          id: network.id,
          listen: network.listenAddresses(),
        },
        "node starting",
      );

      // 4. The RPC endpoint first, so that operators and wallets see a node that is catching
      // up (ubn_syncing, /health?synced), then consensus after catching up.
      const self = node;
      const rpc = await startRpcServer(
        nodeRpcApi({
          chain,
          store,
          stateKv,
          state,
          params: vmParamsOf(genesis),
          genesisHash: gHash,
          network,
          stopping: () => self.stopping,
        }),
        {
          ...config.rpc,
          onInternalError: (e, method) => log.error({ err: String(e), method }, "rpc internal error"),
        },
      );
      closers.push(() => rpc.close());
      node.rpcUrl = rpc.url;
      await chain.start();
      closers.push(() => chain.stop());
      if (config.metrics !== null) {
        const m = await startMetricsServer(metrics, config.metrics);
        closers.push(() => m.close());
        node.metricsUrl = m.url;
      }
      // Only a node that started owns its parts; a failure above closes them here instead.
      node.closers.push(...closers);
      closers.length = 0;
      log.info({ rpc: node.rpcUrl, metrics: node.metricsUrl, mode: chain.mode }, "node started");
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

function validatorSetOf(genesis: Genesis): ValidatorSet {
  const validators = genesis.validators
    .map((v) => ({ id: toHex(v.publicKey), publicKey: v.publicKey, stake: v.stake }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { epoch: 0n, validators };
}

async function initChain(
  state: SparseMerkleState,
  store: BlockStore,
  db: StagedKv,
  genesis: Genesis,
  gHash: Uint8Array,
): Promise<ChainTip> {
  const stateRoot = await applyGenesis(state, genesis, { shard: 0 });
  const tip: ChainTip = {
    height: 0n,
    hash: gHash,
    epoch: 0n,
    round: 0n,
    stateRoot,
    timeMs: BigInt(genesis.genesisTimeMs),
  };
  store.stageCommit({ tip, block: null, txHashes: [], receipts: [] });
  await state.commit();
  await db.flushStaged();
  return tip;
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

function chainMetrics(m: NodeMetrics, chain: string) {
  const modeValue: Record<ChainMode, number> = { consensus: 0, following: 0, syncing: 1 };
  const last = { round: 0, timeouts: 0 };
  return {
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
    consensus(now: { round: bigint; timeouts: number }) {
      // Counters take increments; the engine reports totals, and a new engine starts from 0.
      const round = Number(now.round);
      if (round > last.round) m.consensusViews.inc(round - last.round);
      const newTimeouts = now.timeouts >= last.timeouts ? now.timeouts - last.timeouts : now.timeouts;
      if (newTimeouts > 0) m.consensusTimeouts.inc(newTimeouts);
      last.round = round;
      last.timeouts = now.timeouts;
      m.consensusRound.set(round);
    },
  };
}
