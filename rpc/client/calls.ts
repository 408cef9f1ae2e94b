// One descriptor per method: its name, its params encoded for the wire, and the reader of its
// result. The client's methods send one descriptor each; a batch sends several in one request
// (RpcClient.batch(ubn.getBalance(a), ubn.blockNumber())), with the same types either way.
import { formatAddress, toHex } from "../../crypto/index.ts";
import { toQuantity } from "../encoding.ts";
import * as read from "./decode.ts";
import type {
  AddressLike,
  BlockTag,
  BytesLike,
  ClientAccount,
  ClientBlock,
  ClientFeeEstimate,
  ClientNodeInfo,
  ClientPeer,
  ClientProof,
  ClientReceipt,
  ClientShardLayout,
  ClientStatus,
  ClientSyncing,
  ClientTransaction,
  ClientTxStatus,
  Hex,
  SendOptions,
  StateTag,
} from "./types.ts";

export interface RpcCall<T> {
  method: string;
  params: unknown[];
  decode(result: unknown): T;
}

/** The result type of a call descriptor. */
export type CallResult<C> = C extends RpcCall<infer T> ? T : never;

export function hexOf(bytes: BytesLike): Hex {
  return typeof bytes === "string" ? bytes : `0x${toHex(bytes)}`;
}

export function addressOf(a: AddressLike): string {
  return typeof a === "string" ? a : formatAddress(a);
}

function blockTag(tag: BlockTag): string {
  return typeof tag === "string" ? tag : toQuantity(tag);
}

/** Drops trailing undefined params: the node treats them as omitted. */
function trim(params: unknown[]): unknown[] {
  let n = params.length;
  while (n > 0 && params[n - 1] === undefined) n--;
  return params.slice(0, n);
}

function call<T>(method: string, params: unknown[], decode: (r: unknown) => T): RpcCall<T> {
  return { method, params: trim(params), decode };
}

const nullOr =
  <T>(decode: (v: unknown) => T) =>
  (v: unknown): T | null =>
    v === null ? null : decode(v);

/** The call descriptors of every ubn_*, net_*, web3_* and admin_* method (docs/rpc.md). */
export const ubn = {
  chainId: (): RpcCall<string> => call("ubn_chainId", [], (r) => read.string(r, "chain id")),

  /** Last committed height of a shard (only shard 0 exists today). */
  blockNumber: (shard?: bigint | number): RpcCall<bigint> =>
    call("ubn_blockNumber", [shard === undefined ? undefined : toQuantity(shard)], (r) => read.quantity(r, "height")),

  getShardLayout: (): RpcCall<ClientShardLayout> => call("ubn_getShardLayout", [], read.shardLayout),

  getAccount: (address: AddressLike, tag?: StateTag): RpcCall<ClientAccount> =>
    call("ubn_getAccount", [addressOf(address), tag], read.account),

  getBalance: (address: AddressLike, tag?: StateTag): RpcCall<bigint> =>
    call("ubn_getBalance", [addressOf(address), tag], (r) => read.quantity(r, "balance")),

  /** The nonce the address's next transaction must use; with "pending", after its pooled ones. */
  getTransactionCount: (address: AddressLike, tag?: StateTag): RpcCall<bigint> =>
    call("ubn_getTransactionCount", [addressOf(address), tag], (r) => read.quantity(r, "nonce")),

  /** Submits signed transaction bytes; answers the hash once `options.waitUntil` is reached. */
  sendRawTransaction: (tx: BytesLike, options?: SendOptions): RpcCall<Hex> =>
    call("ubn_sendRawTransaction", [hexOf(tx), sendOptions(options)], (r) => read.data(r, "transaction hash")),

  getTransactionByHash: (hash: BytesLike): RpcCall<ClientTransaction | null> =>
    call("ubn_getTransactionByHash", [hexOf(hash)], nullOr(read.transaction)),

  /** The receipt of a finalized transaction; null before that (or if unknown). */
  getTransactionReceipt: (hash: BytesLike): RpcCall<ClientReceipt | null> =>
    call("ubn_getTransactionReceipt", [hexOf(hash)], nullOr(read.receipt)),

  /** 1 to 100 hashes; the statuses in the same order. */
  getTransactionStatuses: (hashes: readonly BytesLike[]): RpcCall<ClientTxStatus[]> =>
    call("ubn_getTransactionStatuses", [hashes.map(hexOf)], (r) => read.array(r, "statuses").map(read.txStatus)),

  getBlockByNumber: <Full extends boolean = false>(
    height: BlockTag,
    fullTransactions?: Full,
    shard?: bigint | number,
  ): RpcCall<ClientBlock<Full extends true ? ClientTransaction : Hex> | null> =>
    call(
      "ubn_getBlockByNumber",
      shard === undefined
        ? [blockTag(height), fullTransactions]
        : [blockTag(height), fullTransactions ?? false, toQuantity(shard)],
      nullOr(blockReader(fullTransactions)),
    ),

  getBlockByHash: <Full extends boolean = false>(
    hash: BytesLike,
    fullTransactions?: Full,
  ): RpcCall<ClientBlock<Full extends true ? ClientTransaction : Hex> | null> =>
    call("ubn_getBlockByHash", [hexOf(hash), fullTransactions], nullOr(blockReader(fullTransactions))),

  /** Fee for `tx` (signed or not: only its size and type count), or for a typical transfer. */
  estimateFee: (tx?: BytesLike): RpcCall<ClientFeeEstimate> =>
    call("ubn_estimateFee", [tx === undefined ? undefined : hexOf(tx)], read.feeEstimate),

  getProof: (address: AddressLike): RpcCall<ClientProof> => call("ubn_getProof", [addressOf(address)], read.proof),

  syncing: (): RpcCall<ClientSyncing | false> => call("ubn_syncing", [], read.syncing),

  status: (): RpcCall<ClientStatus> => call("ubn_status", [], read.status),

  peerCount: (): RpcCall<bigint> => call("net_peerCount", [], (r) => read.quantity(r, "peer count")),

  clientVersion: (): RpcCall<string> => call("web3_clientVersion", [], (r) => read.string(r, "client version")),

  /** Loopback clients only (else -32030). */
  adminPeers: (): RpcCall<ClientPeer[]> => call("admin_peers", [], read.peers),

  /** Loopback clients only (else -32030). */
  adminNodeInfo: (): RpcCall<ClientNodeInfo> => call("admin_nodeInfo", [], read.nodeInfo),

  /** The OpenRPC document describing every method. */
  discover: (): RpcCall<Record<string, unknown>> => call("rpc.discover", [], (r) => read.object(r, "OpenRPC document")),
};

function sendOptions(options: SendOptions | undefined): unknown {
  if (options === undefined || (options.waitUntil === undefined && options.timeoutMs === undefined)) return undefined;
  return {
    ...(options.waitUntil === undefined ? {} : { waitUntil: options.waitUntil }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: toQuantity(options.timeoutMs) }),
  };
}

function blockReader<Full extends boolean>(
  full: Full | undefined,
): (v: unknown) => ClientBlock<Full extends true ? ClientTransaction : Hex> {
  return (full === true ? read.blockOfTransactions : read.blockOfHashes) as (
    v: unknown,
  ) => ClientBlock<Full extends true ? ClientTransaction : Hex>;
}
