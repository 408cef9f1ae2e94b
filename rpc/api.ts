// What the RPC server needs from the node, and nothing more: the node implements this interface
// and the server never sees mempool, storage or consensus directly. Values are in their native
// form (bytes, bigint); turning them into JSON is the method table's job (see encoding.ts).
import type { Event } from "../vm/execution/receipt.ts";

export interface RpcAccount {
  /** Spendable ISC, base units. */
  balance: bigint;
  /** The nonce the account's next transaction must carry. */
  nonce: bigint;
  staked: bigint;
  unbonding: bigint;
  /** The committed height the values were read at. */
  height: bigint;
}

export interface RpcReceipt {
  txHash: Uint8Array;
  /** Height and hash of the block that included the transaction. */
  height: bigint;
  blockHash: Uint8Array;
  /** Position of the transaction in that block. */
  index: number;
  /** "failed": included and fee paid, but the payload's effect was rolled back. */
  status: "success" | "failed";
  /** Why it failed (a TxFailure code and its text); null on success. */
  failure: { code: string; message: string } | null;
  /** ISC charged for the transaction, base units, whoever paid it. */
  feePaid: bigint;
  /** True when a fee sponsor paid the fee, so the sender paid nothing. */
  gasless: boolean;
  events: readonly Event[];
}

export interface RpcStatus {
  chainId: string;
  /** The node's libp2p peer id. */
  nodeId: string;
  /** Whether this node holds a validator key for the current epoch. */
  validator: boolean;
  /** Last committed height, its block hash, and the state root after it. */
  height: bigint;
  blockHash: Uint8Array;
  stateRoot: Uint8Array;
  /** True while catching up by fast sync rather than following consensus. */
  syncing: boolean;
  peers: number;
  mempoolSize: number;
  /** The consensus round (view) the node is in. */
  round: bigint;
  /** The node software version. */
  version: string;
}

/** A committed block's header fields and the hashes of its transactions. */
export interface RpcBlock {
  height: bigint;
  hash: Uint8Array;
  parentHash: Uint8Array;
  /** The proposer's Ed25519 public key. */
  proposer: Uint8Array;
  round: bigint;
  /** The proposer's clock at building time, ms since the Unix epoch. */
  timeMs: bigint;
  stateRoot: Uint8Array;
  receiptsRoot: Uint8Array;
  transactions: Uint8Array[];
}

export interface RpcHealth {
  ok: boolean;
  /** Reasons and figures for operators; JSON-ready apart from bigint and bytes, which are encoded. */
  detail: Record<string, unknown>;
}

export interface RpcNodeApi {
  chainId(): string;
  /**
   * Admits a signed transaction into the mempool and gossips it; throws RpcError with an
   * application code (see errors.ts) when refused. Returns its hash.
   */
  sendRawTransaction(tx: Uint8Array): Promise<Uint8Array>;
  /** An account as of the last committed block; an unknown address reads as all zeros. */
  getAccount(address: Uint8Array): Promise<RpcAccount>;
  /** The receipt of a committed transaction; null if the node knows no such committed transaction. */
  getTransactionReceipt(hash: Uint8Array): Promise<RpcReceipt | null>;
  /** Last committed height. */
  blockNumber(): bigint;
  /** A committed block by height; null above the committed tip (and for the genesis, height 0). */
  getBlockByNumber(height: bigint): Promise<RpcBlock | null>;
  status(): RpcStatus;
  health(): RpcHealth;
}
