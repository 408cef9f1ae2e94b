// The typed methods every client has, whatever carries the calls (HTTP or WebSocket). A
// subclass supplies `send` for one call and `sendBatch` for several in one message.
import type { RpcError } from "../errors.ts";
import { type CallResult, type RpcCall, ubn } from "./calls.ts";
import type { RpcClientError } from "./errors.ts";
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

/** One entry of batchSettled: the value, or why that call failed. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: RpcError | RpcClientError };

export type BatchResults<C extends readonly RpcCall<unknown>[]> = { -readonly [K in keyof C]: CallResult<C[K]> };
export type SettledResults<C extends readonly RpcCall<unknown>[]> = {
  -readonly [K in keyof C]: Settled<CallResult<C[K]>>;
};

/** Without a timeout of its own, a call waiting for inclusion gets the node's wait plus this. */
const WAIT_SLACK_MS = 10_000;
const NODE_DEFAULT_WAIT_MS = 30_000;

export abstract class RpcMethods {
  /** Sends one call and decodes its result; throws RpcError for a JSON-RPC error. */
  abstract send<T>(call: RpcCall<T>, timeoutMs?: number): Promise<T>;

  /** Sends several calls in one message; each settles on its own. */
  abstract sendBatch(calls: readonly RpcCall<unknown>[]): Promise<Settled<unknown>[]>;

  /** Any method by name, result undecoded: for methods this client does not know yet. */
  call<T = unknown>(method: string, params: unknown[] = []): Promise<T> {
    return this.send({ method, params, decode: (r) => r as T });
  }

  /**
   * Several calls in one request, e.g. `batch(ubn.getBalance(a), ubn.blockNumber())`, with each
   * result typed; throws the first failure. See batchSettled to handle failures one by one.
   */
  async batch<const C extends readonly RpcCall<unknown>[]>(...calls: C): Promise<BatchResults<C>> {
    const settled = await this.sendBatch(calls);
    return settled.map((s) => {
      if (!s.ok) throw s.error;
      return s.value;
    }) as BatchResults<C>;
  }

  async batchSettled<const C extends readonly RpcCall<unknown>[]>(...calls: C): Promise<SettledResults<C>> {
    return (await this.sendBatch(calls)) as SettledResults<C>;
  }

  chainId(): Promise<string> {
    return this.send(ubn.chainId());
  }

  /** Last committed height of the shard (only shard 0 exists today). */
  blockNumber(shard?: bigint | number): Promise<bigint> {
    return this.send(ubn.blockNumber(shard));
  }

  getShardLayout(): Promise<ClientShardLayout> {
    return this.send(ubn.getShardLayout());
  }

  /** An account as of the last committed block; an unknown address reads as all zeros. */
  getAccount(address: AddressLike, tag?: StateTag): Promise<ClientAccount> {
    return this.send(ubn.getAccount(address, tag));
  }

  /** Spendable balance in base units (10^18 per ISC). */
  getBalance(address: AddressLike, tag?: StateTag): Promise<bigint> {
    return this.send(ubn.getBalance(address, tag));
  }

  /** The nonce the next transaction of `address` must carry; "pending" counts its pooled ones. */
  getTransactionCount(address: AddressLike, tag?: StateTag): Promise<bigint> {
    return this.send(ubn.getTransactionCount(address, tag));
  }

  /**
   * Submits signed transaction bytes (vm/tx encodeTransaction) and returns the hash. With
   * `waitUntil` "included" or "finalized" the node answers once that status is reached, or
   * fails with RpcError -32022 (data {hash, status}) after `timeoutMs`.
   */
  sendTransaction(tx: BytesLike, options?: SendOptions): Promise<Hex> {
    const waits = options?.waitUntil !== undefined && options.waitUntil !== "accepted";
    const timeout = waits ? (options?.timeoutMs ?? NODE_DEFAULT_WAIT_MS) + WAIT_SLACK_MS : undefined;
    return this.send(ubn.sendRawTransaction(tx, options), timeout);
  }

  getTransactionByHash(hash: BytesLike): Promise<ClientTransaction | null> {
    return this.send(ubn.getTransactionByHash(hash));
  }

  /** The receipt of a finalized transaction; null before that, or if the node does not know it. */
  getTransactionReceipt(hash: BytesLike): Promise<ClientReceipt | null> {
    return this.send(ubn.getTransactionReceipt(hash));
  }

  /** Statuses of 1 to 100 transactions, in order. */
  getTransactionStatuses(hashes: readonly BytesLike[]): Promise<ClientTxStatus[]> {
    return this.send(ubn.getTransactionStatuses(hashes));
  }

  async getTransactionStatus(hash: BytesLike): Promise<ClientTxStatus> {
    const [status] = await this.getTransactionStatuses([hash]);
    return status as ClientTxStatus;
  }

  getBlockByNumber<Full extends boolean = false>(
    height: BlockTag,
    fullTransactions?: Full,
    shard?: bigint | number,
  ): Promise<ClientBlock<Full extends true ? ClientTransaction : Hex> | null> {
    return this.send(ubn.getBlockByNumber(height, fullTransactions, shard));
  }

  getBlockByHash<Full extends boolean = false>(
    hash: BytesLike,
    fullTransactions?: Full,
  ): Promise<ClientBlock<Full extends true ? ClientTransaction : Hex> | null> {
    return this.send(ubn.getBlockByHash(hash, fullTransactions));
  }

  /** The fee `tx` needs (signed or not; only size and type count), or a typical transfer's. */
  estimateFee(tx?: BytesLike): Promise<ClientFeeEstimate> {
    return this.send(ubn.estimateFee(tx));
  }

  /** The account with a Merkle proof against a certified state root. */
  getProof(address: AddressLike): Promise<ClientProof> {
    return this.send(ubn.getProof(address));
  }

  /** false, or how far a catch-up has come. */
  syncing(): Promise<ClientSyncing | false> {
    return this.send(ubn.syncing());
  }

  /** The node's status: chain, height, peers, mempool, round, version. */
  getStatus(): Promise<ClientStatus> {
    return this.send(ubn.status());
  }

  peerCount(): Promise<bigint> {
    return this.send(ubn.peerCount());
  }

  clientVersion(): Promise<string> {
    return this.send(ubn.clientVersion());
  }

  /** Loopback clients only. */
  adminPeers(): Promise<ClientPeer[]> {
    return this.send(ubn.adminPeers());
  }

  /** Loopback clients only. */
  adminNodeInfo(): Promise<ClientNodeInfo> {
    return this.send(ubn.adminNodeInfo());
  }

  /** The OpenRPC document of the node's methods. */
  discover(): Promise<Record<string, unknown>> {
    return this.send(ubn.discover());
  }
}
