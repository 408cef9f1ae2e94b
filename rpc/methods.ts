// The method table: each UBN method, the names of its positional parameters (a trailing "?"
// marks an optional one), and how it turns JSON params into a call on the node and the answer
// back into JSON (see encoding.ts and results.ts). The dispatcher checks arity before calling,
// so a method only validates values. The transports (HTTP, WebSocket) are unaware of methods;
// the WebSocket transport replaces ubn_subscribe / ubn_unsubscribe with connection-bound ones.
import { arch, platform } from "node:os";
import type { RpcBlock, RpcNodeApi, RpcStateTag } from "./api.ts";
import { toData, toQuantity } from "./encoding.ts";
import { RpcError, RpcErrorCode } from "./errors.ts";
import { openRpcDocument } from "./openrpc.ts";
import {
  addressParam,
  blockRefParam,
  booleanParam,
  dataParam,
  enumParam,
  hashParam,
  isAbsent,
  listParam,
  objectParam,
  quantityParam,
} from "./params.ts";
import {
  accountToJson,
  blockToJson,
  feeEstimateToJson,
  nodeInfoToJson,
  peerToJson,
  proofToJson,
  receiptToJson,
  shardLayoutToJson,
  statusToJson,
  syncingToJson,
  transactionToJson,
  txStatusToJson,
} from "./results.ts";
import { waitForStatus } from "./wait-status.ts";

export interface RpcMethod {
  /** Names of the positional parameters; a name ending in "?" is optional (trailing only). */
  params: readonly string[];
  /** Called with one value per declared parameter (undefined for an omitted optional one). */
  call(params: readonly unknown[]): unknown;
}

/** A Map rather than an object, so "constructor" or "__proto__" can never resolve to a method. */
export type RpcMethodTable = Map<string, RpcMethod>;

export interface MethodAccess {
  /** admin_* methods answer; only for clients on a loopback address. */
  admin: boolean;
}

/** Most hashes one ubn_getTransactionStatuses call takes (the batch limit's default). */
export const MAX_STATUS_HASHES = 100;
const DEFAULT_WAIT_MS = 30_000;
const MAX_WAIT_MS = 120_000;
const STATE_TAGS: readonly RpcStateTag[] = ["latest", "finalized", "pending"];
const WAIT_TARGETS = ["accepted", "included", "finalized"] as const;

export function clientVersion(version: string): string {
  return `${version}/node-${process.version}/${platform()}-${arch()}`;
}

export function createMethodTable(api: RpcNodeApi, access: MethodAccess = { admin: false }): RpcMethodTable {
  const tag = (v: unknown) => enumParam(v, "tag", STATE_TAGS, "latest");
  const shard = (v: unknown) => {
    if (isAbsent(v)) return 0;
    const n = quantityParam(v, "shard", 0xffffn);
    const shards = api.shardLayout().shards;
    if (n >= BigInt(shards)) {
      throw new RpcError(RpcErrorCode.unknownShard, `shard ${n} does not exist: this chain has ${shards}`);
    }
    return Number(n);
  };
  const withTransactions = async (block: RpcBlock | null, full: boolean, onShard?: number) => {
    if (block === null) return null;
    if (!full) return blockToJson(block);
    // One read of the block for all its transactions, not one lookup per transaction.
    const txs = await api.getBlockTransactions(block.height, onShard);
    if (txs === null) throw new Error(`the transactions of block ${block.height} are missing`);
    return blockToJson(block, txs);
  };
  const admin = <T>(f: () => T) => {
    if (!access.admin) throw new RpcError(RpcErrorCode.forbidden, "admin methods answer only clients on this machine");
    return f();
  };
  const wsOnly = () => {
    throw new RpcError(RpcErrorCode.subscriptionsNeedWebSocket, "subscriptions need a WebSocket connection");
  };

  return new Map<string, RpcMethod>([
    // --- wallet ---
    ["ubn_chainId", { params: [], call: () => api.chainId() }],
    [
      "ubn_blockNumber",
      {
        params: ["shard?"],
        call: ([s]) => toQuantity(api.blockNumber(shard(s))),
      },
    ],
    ["ubn_getShardLayout", { params: [], call: () => shardLayoutToJson(api.shardLayout()) }],
    [
      "ubn_getAccount",
      {
        params: ["address", "tag?"],
        call: async ([a, t]) => accountToJson(await api.getAccount(addressParam(a, "address"), tag(t))),
      },
    ],
    [
      "ubn_getBalance",
      {
        params: ["address", "tag?"],
        call: async ([a, t]) => toQuantity((await api.getAccount(addressParam(a, "address"), tag(t))).balance),
      },
    ],
    [
      "ubn_getTransactionCount",
      {
        params: ["address", "tag?"],
        call: async ([a, t]) => toQuantity((await api.getAccount(addressParam(a, "address"), tag(t))).nonce),
      },
    ],
    [
      "ubn_sendRawTransaction",
      {
        params: ["tx", "options?"],
        call: async ([tx, o]) => {
          const bytes = dataParam(tx, "tx", { nonEmpty: true });
          const opts = objectParam(o, "options", ["waitUntil", "timeoutMs"]);
          const until = enumParam(opts?.waitUntil, "options.waitUntil", WAIT_TARGETS, "accepted");
          const timeoutMs = isAbsent(opts?.timeoutMs)
            ? DEFAULT_WAIT_MS
            : Number(quantityParam(opts?.timeoutMs, "options.timeoutMs", BigInt(MAX_WAIT_MS)));
          const hash = await api.sendRawTransaction(bytes);
          if (until !== "accepted") await waitForStatus(api, hash, until, timeoutMs);
          return toData(hash);
        },
      },
    ],
    [
      "ubn_getTransactionByHash",
      {
        params: ["hash"],
        call: async ([h]) => {
          const t = await api.getTransactionByHash(hashParam(h, "hash"));
          return t === null ? null : transactionToJson(t);
        },
      },
    ],
    [
      "ubn_getTransactionReceipt",
      {
        params: ["hash"],
        call: async ([hash]) => {
          const receipt = await api.getTransactionReceipt(hashParam(hash, "hash"));
          return receipt === null ? null : receiptToJson(receipt);
        },
      },
    ],
    [
      "ubn_getTransactionStatuses",
      {
        params: ["hashes"],
        call: async ([hs]) => {
          const hashes = listParam(hs, "hashes", MAX_STATUS_HASHES, hashParam);
          const statuses = await Promise.all(hashes.map((h) => api.getTransactionStatus(h)));
          return statuses.map(txStatusToJson);
        },
      },
    ],
    [
      "ubn_getBlockByNumber",
      {
        params: ["height", "fullTransactions?", "shard?"],
        call: async ([height, full, s]) => {
          const k = shard(s);
          const ref = blockRefParam(height, "height");
          const h = ref === "earliest" ? 1n : ref === "latest" || ref === "finalized" ? api.blockNumber(k) : ref;
          return withTransactions(await api.getBlockByNumber(h, k), booleanParam(full, "fullTransactions", false), k);
        },
      },
    ],
    [
      "ubn_getBlockByHash",
      {
        params: ["hash", "fullTransactions?"],
        call: async ([hash, full]) =>
          withTransactions(
            await api.getBlockByHash(hashParam(hash, "hash")),
            booleanParam(full, "fullTransactions", false),
          ),
      },
    ],
    [
      "ubn_estimateFee",
      {
        params: ["tx?"],
        call: async ([tx]) =>
          feeEstimateToJson(await api.estimateFee(isAbsent(tx) ? null : dataParam(tx, "tx", { nonEmpty: true }))),
      },
    ],
    [
      "ubn_getProof",
      { params: ["address"], call: async ([a]) => proofToJson(await api.getProof(addressParam(a, "address"))) },
    ],
    // --- subscriptions: real only on a WebSocket, whose transport replaces these two ---
    ["ubn_subscribe", { params: ["kind", "params?"], call: wsOnly }],
    ["ubn_unsubscribe", { params: ["subscription"], call: wsOnly }],
    // --- node ---
    ["net_peerCount", { params: [], call: () => toQuantity(api.peers().length) }],
    ["web3_clientVersion", { params: [], call: () => clientVersion(api.status().version) }],
    ["ubn_syncing", { params: [], call: () => syncingToJson(api.syncing()) }],
    ["ubn_status", { params: [], call: () => statusToJson(api.status()) }],
    ["admin_peers", { params: [], call: () => admin(() => api.peers().map(peerToJson)) }],
    ["admin_nodeInfo", { params: [], call: () => admin(() => nodeInfoToJson(api.nodeInfo())) }],
    ["rpc.discover", { params: [], call: () => openRpcDocument() }],
  ]);
}
