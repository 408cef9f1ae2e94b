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
  /** The shard that executed the transaction. */
  shard: number;
  /**
   * For a transfer to another shard: where the credit landed (its shard, and the height of the
   * block there that credited it, null while the receipt is in flight). Null otherwise.
   */
  credit: { shard: number; height: bigint | null } | null;
}

export interface RpcStatus {
  chainId: string;
  /** The node's libp2p peer id. */
  nodeId: string;
  /** Whether this node holds a validator key for the current epoch. */
  validator: boolean;
  /**
   * The shard that height, blockHash, stateRoot and round describe: the lowest-numbered shard
   * this node follows (0 on a network of one shard).
   */
  shard: number;
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
  /**
   * The validator this node expects to propose in that round (its Ed25519 public key), or null
   * on a node not running the engine.
   */
  leader: Uint8Array | null;
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

/** Which state a read sees: the last final block, or that plus the sender's pooled transactions. */
export type RpcStateTag = "latest" | "finalized" | "pending";

/**
 * Where a transaction stands on this node:
 * - unknown:   neither in the pool nor in any block this node executed;
 * - accepted:  in this node's mempool;
 * - included:  in a block this node executed and voted for (or saw certified) that is not final yet;
 * - finalized: in a committed block (final: 2-chain HotStuff never reverts a commit).
 */
export type RpcTxStatusKind = "unknown" | "accepted" | "included" | "finalized";

export interface RpcTxStatus {
  hash: Uint8Array;
  status: RpcTxStatusKind;
  /** For included and finalized: the block. */
  height: bigint | null;
  blockHash: Uint8Array | null;
  index: number | null;
}

/** A transaction decoded for display. */
export interface RpcTransaction {
  hash: Uint8Array;
  /** The signed transaction bytes, as sent. */
  raw: Uint8Array;
  /** The sender's and the fee sponsor's 20-byte addresses (not their public keys). */
  sender: Uint8Array;
  nonce: bigint;
  fee: bigint;
  sponsor: Uint8Array | null;
  /** The payload's type ("transfer", "stake", ...) and its fields, JSON-ready apart from bigint and bytes. */
  type: string;
  payload: Record<string, unknown>;
  status: RpcTxStatus;
}

export interface RpcFeeEstimate {
  /** Base units per byte of the signed transaction, and the per-type base fee (genesis params). */
  perByte: bigint;
  perType: Record<string, bigint>;
  /** The fee the given transaction (or a typical transfer) needs at minimum. */
  minimum: bigint;
  /** What to offer to be included soon given the pool now (>= minimum). */
  suggested: bigint;
  /** The encoded size the estimate assumed. */
  bytes: number;
}

export interface RpcProof {
  address: Uint8Array;
  account: RpcAccount;
  /** The state key of the account and the encoded account value (null: absent). */
  key: Uint8Array;
  value: Uint8Array | null;
  /** crypto/encoding of vm/state/sparse-merkle-proof.ts StateProof. */
  proof: Uint8Array;
  stateRoot: Uint8Array;
  height: bigint;
  blockHash: Uint8Array;
  /** The canonical consensus block (its payload carries stateRoot) and the QC that certifies it. */
  block: Uint8Array;
  certificate: Uint8Array;
}

export interface RpcSyncing {
  syncing: boolean;
  startingBlock: bigint;
  currentBlock: bigint;
  highestBlock: bigint;
}

export interface RpcShardLayout {
  shards: number;
  /** How an address maps to its shard, in words (docs/protocol.md gives the formula). */
  addressRule: string;
  /**
   * Per shard: its epoch and committee now, and whether this node follows (executes) it: a
   * validator follows only the shards whose committees seat it, and refuses reads of the others.
   */
  chains: {
    shard: number;
    name: string;
    epoch: bigint;
    committee: Uint8Array[];
    following: boolean;
    /** The newest committed block of the shard this node holds: executed, or tracked by its header. */
    height: bigint;
  }[];
  /** The beacon chain's registry as of its newest final block (none on a single-chain network). */
  beacon?: {
    height: bigint;
    epoch: bigint;
    /** Validators and their stakes in force (drawn into the committees of the next epoch). */
    registry: { publicKey: Uint8Array; stake: bigint }[];
    /** Stake changes taken by the beacon that apply at the end of this epoch. */
    pending: { publicKey: Uint8Array; delta: bigint }[];
    /** Stake a key needs to be dealt a committee seat. */
    minValidatorStake: bigint;
    /**
     * The beacon's own consensus: its validator-set epoch and members for the next beacon
     * block, each with the height of the newest final beacon block it proposed.
     */
    consensus: {
      epoch: bigint;
      validators: { publicKey: Uint8Array; stake: bigint; lastProposed: bigint | null }[];
    };
  };
}

export interface RpcPeer {
  id: string;
  addresses: string[];
}

export interface RpcNodeInfo {
  id: string;
  listenAddresses: string[];
  chainId: string;
  genesisHash: Uint8Array;
  version: string;
  validator: boolean;
}

/** What subscriptions are built from; each event is emitted once, in chain order. */
export type RpcNodeEvent =
  /** A block this node executed and accepted above its last final block (newHeads). */
  | { kind: "newHead"; block: RpcBlock }
  /** A block became final; `changed` lists every address whose account it wrote. */
  | { kind: "finalizedHead"; block: RpcBlock; changed: Uint8Array[] }
  /** Transactions entered this node's mempool (from RPC or gossip). */
  | { kind: "txAccepted"; hashes: Uint8Array[] }
  | { kind: "syncing"; syncing: RpcSyncing };

export interface RpcNodeApi {
  chainId(): string;
  /**
   * Admits a signed transaction into the mempool and gossips it; throws RpcError with an
   * application code (see errors.ts) when refused. Returns its hash.
   */
  sendRawTransaction(tx: Uint8Array): Promise<Uint8Array>;
  /** An account as of the last committed block; an unknown address reads as all zeros. */
  getAccount(address: Uint8Array, tag?: RpcStateTag): Promise<RpcAccount>;
  /** The receipt of a committed transaction; null if the node knows no such committed transaction. */
  getTransactionReceipt(hash: Uint8Array): Promise<RpcReceipt | null>;
  /** Last committed height (of `shard`, 0 when omitted). */
  blockNumber(shard?: number): bigint;
  /** A committed block of `shard` (0 when omitted) by height; null above the committed tip (and for the genesis, height 0). */
  getBlockByNumber(height: bigint, shard?: number): Promise<RpcBlock | null>;
  /** A committed block by hash; null if unknown. */
  getBlockByHash(hash: Uint8Array): Promise<RpcBlock | null>;
  /** A committed block's transactions, decoded, in block order; null above the committed tip. */
  getBlockTransactions(height: bigint, shard?: number): Promise<RpcTransaction[] | null>;
  getTransactionByHash(hash: Uint8Array): Promise<RpcTransaction | null>;
  getTransactionStatus(hash: Uint8Array): Promise<RpcTxStatus>;
  /** Fee for `tx` (signed or not: only its size and type matter), or for a typical transfer. */
  estimateFee(tx: Uint8Array | null): Promise<RpcFeeEstimate>;
  getProof(address: Uint8Array): Promise<RpcProof>;
  syncing(): RpcSyncing;
  shardLayout(): RpcShardLayout;
  peers(): RpcPeer[];
  nodeInfo(): RpcNodeInfo;
  status(): RpcStatus;
  health(): RpcHealth;
  /** Listens to the node's events; returns the function that stops listening. */
  subscribe(listener: (event: RpcNodeEvent) => void): () => void;
}
