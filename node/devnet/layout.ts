// Creates the home directories of a local network: one validator key each, one genesis shared
// by all, and configs that point every node at the others on loopback. Used by `ubn devnet`,
// `ubn bench devnet` and the end-to-end tests.
import { mkdir, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { addressBytesOf, encryptKey, generateKeyPair, type KeyPair, saveKeyFile, toHex } from "../../crypto/index.ts";
import { defaultGenesisParams, type Genesis, type GenesisParams, genesisToJson } from "../../genesis/index.ts";
import type { NodeConfig } from "../config.ts";
import { hexToPeerId } from "../net/index.ts";

/** Devnet keys protect nothing of value: a light scrypt setting keeps start-up quick. */
const DEVNET_SCRYPT = { n: 1 << 12, r: 8, p: 1 };
export const DEVNET_PASSWORD = "devnet";
const ISC = 10n ** 18n;

export interface DevnetLayoutOptions {
  validators: number;
  /** Shard chains (default 1: no beacon chain). */
  shards?: number;
  /**
   * Validator nodes whose keys are not in the genesis (named joiner-i, after the validators):
   * they follow until staking wins their key a seat on a sharded network.
   */
  joiners?: number;
  /** Extra full nodes (no key). */
  fullNodes?: number;
  chainId?: string;
  /** Overrides of the devnet's genesis params. */
  params?: Partial<GenesisParams>;
  /** Funded accounts besides the faucet (e.g. the benchmark's senders). */
  accounts?: { address: Uint8Array; balance: bigint }[];
  /** Config changes applied to every node. */
  config?: (c: NodeConfig, index: number) => void;
  /**
   * The address node i listens on for peers, RPC and metrics (default 127.0.0.1); its peers
   * dial it there. The ports are still picked free on 127.0.0.1, so other addresses must be
   * ones no other program uses (each node in a network namespace of its own).
   */
  hostOf?: (index: number) => string;
}

export interface DevnetNodeLayout {
  name: string;
  home: string;
  /** Runs with a validator key (a genesis validator or a joiner). */
  validator: boolean;
  publicKey: string;
  p2p: string;
  rpcPort: number;
  metricsPort: number;
}

export interface DevnetLayout {
  home: string;
  chainId: string;
  genesis: Genesis;
  nodes: DevnetNodeLayout[];
  faucet: KeyPair;
}

/** The genesis params of a devnet: 100 ms blocks, 1 s round timeouts. */
export const devnetParams: GenesisParams = {
  ...defaultGenesisParams,
  blockIntervalMs: 100,
  proposeTimeoutMs: 1000,
  voteTimeoutMs: 1000,
  unbondingPeriodBlocks: 100,
  epochLength: 100,
};

export async function createDevnetLayout(home: string, opts: DevnetLayoutOptions): Promise<DevnetLayout> {
  const chainId = opts.chainId ?? "ubn-devnet";
  const joiners = opts.joiners ?? 0;
  const keyed = opts.validators + joiners;
  const count = keyed + (opts.fullNodes ?? 0);
  const keys = Array.from({ length: count }, () => generateKeyPair());
  const faucet = generateKeyPair();
  const ports = await freePorts(count * 3);
  const nameOf = (i: number) =>
    i < opts.validators ? `validator-${i}` : i < keyed ? `joiner-${i - opts.validators}` : `full-${i - keyed}`;
  const hostOf = opts.hostOf ?? (() => "127.0.0.1");
  const nodes: DevnetNodeLayout[] = keys.map((k, i) => ({
    name: nameOf(i),
    home: join(home, nameOf(i)),
    validator: i < keyed,
    publicKey: toHex(k.publicKey),
    p2p: `/ip4/${hostOf(i)}/tcp/${ports[i * 3]}/p2p/${hexToPeerId(toHex(k.publicKey)).toString()}`,
    rpcPort: ports[i * 3 + 1] as number,
    metricsPort: ports[i * 3 + 2] as number,
  }));
  const genesis: Genesis = {
    chainId,
    genesisTimeMs: Math.floor(Date.now() / 1000) * 1000,
    shardCount: opts.shards ?? 1,
    validators: keys
      .slice(0, opts.validators)
      .map((k, i) => ({ name: `validator-${i}`, publicKey: k.publicKey, stake: 1000n * ISC })),
    accounts: [{ address: addressBytesOf(faucet.publicKey), balance: 1_000_000_000n * ISC }, ...(opts.accounts ?? [])],
    params: { ...devnetParams, ...opts.params },
  };
  const genesisText = genesisToJson(genesis);
  await mkdir(home, { recursive: true });
  await writeFile(join(home, "genesis.json"), genesisText);
  await saveKeyFile(
    join(home, "keystore"),
    await encryptKey(faucet.secretKey, DEVNET_PASSWORD, "faucet", DEVNET_SCRYPT),
  );
  for (let i = 0; i < count; i++) {
    const n = nodes[i] as DevnetNodeLayout;
    await mkdir(n.home, { recursive: true });
    await writeFile(join(n.home, "genesis.json"), genesisText);
    const listenPort = Number(n.p2p.split("/")[4]);
    const config: NodeConfig = {
      validatorKey: n.validator ? "validator" : null,
      p2p: {
        listen: [`/ip4/${hostOf(i)}/tcp/${listenPort}`],
        bootstrap: nodes.filter((o) => o !== n).map((o) => o.p2p),
      },
      rpc: { host: hostOf(i), port: n.rpcPort },
      metrics: { host: hostOf(i), port: n.metricsPort },
      log: { level: "info" },
      // Node 0 is the devnet's RPC node: it executes every shard so that it answers for any
      // account; the other validators execute the shards whose committees seat them.
      chain: {
        emptyBlocks: false,
        behindBlocks: 8,
        maxClockSkewMs: 5000,
        maxProposalTxs: 2000,
        followShards: i === 0 ? "all" : "assigned",
      },
      mempool: {},
      // The nodes share this machine's cores: one verifier thread each per core they have.
      verifier: { workers: Math.max(1, Math.floor(availableParallelism() / count)) },
    };
    opts.config?.(config, i);
    await writeFile(join(n.home, "config.json"), `${JSON.stringify(config, null, 2)}\n`);
    if (n.validator) {
      const file = await encryptKey((keys[i] as KeyPair).secretKey, DEVNET_PASSWORD, "validator", DEVNET_SCRYPT);
      await saveKeyFile(join(n.home, "keystore"), file);
    } else {
      await writeFile(join(n.home, "node-key"), `${toHex((keys[i] as KeyPair).secretKey)}\n`, { mode: 0o600 });
    }
  }
  const layout: DevnetLayout = { home, chainId, genesis, nodes, faucet };
  await writeFile(
    join(home, "devnet.json"),
    `${JSON.stringify({ chainId, nodes: nodes.map((n) => ({ ...n })), faucet: { publicKey: toHex(faucet.publicKey) } }, null, 2)}\n`,
  );
  return layout;
}

/** Ports free right now on 127.0.0.1 (the OS picks them; they are released before use). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<import("node:net").Server>((resolve, reject) => {
          const s = createServer();
          s.once("error", reject);
          s.listen(0, "127.0.0.1", () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}
