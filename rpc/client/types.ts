// What the typed client hands back. One rule throughout, so a caller never has to guess:
// - quantities (amounts in base units, heights, nonces, rounds, counts, indexes) are bigint;
// - data (hashes, raw transactions, keys, proofs) are `Hex` strings, 0x-prefixed lower-case,
//   exactly as the node sent them; on the way in, data may be given as Hex or Uint8Array;
// - addresses are bech32m "isc1..." strings (bytes are accepted on the way in).
// The one exception is the deprecated RpcClient.sendRawTransaction, kept for existing callers.

/** 0x-prefixed hex, two digits per byte. */
export type Hex = `0x${string}`;

/** Bytes given to the client: a Hex string or the bytes themselves. */
export type BytesLike = Hex | Uint8Array;

/** An "isc1..." address, or its 20 bytes. */
export type AddressLike = string | Uint8Array;

/** Which state a read sees: `latest` = `finalized` (the last committed block); `pending` adds this node's pool (nonce only). */
export type StateTag = "latest" | "finalized" | "pending";

/** A block by height, or the last committed one (`latest`, `finalized`) or the first after genesis (`earliest`). */
export type BlockTag = bigint | number | "latest" | "finalized" | "earliest";

export type TxStatusKind = "unknown" | "accepted" | "included" | "finalized";

/** How long ubn_sendRawTransaction holds its answer back: until admitted, in a block, or final. */
export type WaitUntil = "accepted" | "included" | "finalized";

export interface SendOptions {
  /** Default "accepted": answer once the pool admitted the transaction. */
  waitUntil?: WaitUntil;
  /** How long the node waits for `waitUntil` (default 30000, at most 120000); then error -32022. */
  timeoutMs?: number;
}

export interface ClientAccount {
  /** Spendable ISC, base units (10^18 per ISC). */
  balance: bigint;
  /** The nonce the account's next transaction must carry. */
  nonce: bigint;
  staked: bigint;
  unbonding: bigint;
  /** The committed height the values were read at. */
  height: bigint;
}

export interface ClientTxStatus {
  hash: Hex;
  status: TxStatusKind;
  /** For included and finalized: the block and the position in it; null otherwise. */
  height: bigint | null;
  blockHash: Hex | null;
  index: bigint | null;
}

export interface ClientTransaction {
  hash: Hex;
  /** The signed bytes, as sent. */
  raw: Hex;
  sender: string;
  nonce: bigint;
  fee: bigint;
  sponsor: string | null;
  /** "transfer", "stake", "unstake", "register_validator", ... */
  type: string;
  /** The payload's fields as the node encodes them (quantities and data stay strings here). */
  payload: Record<string, unknown>;
  status: ClientTxStatus;
}

export interface ClientEvent {
  kind: string;
  /** Each field as data or quantity, in its JSON form; which one is fixed per kind in docs/vm.md. */
  fields: string[];
}

/** The outcome of a finalized transaction. */
export interface ClientReceipt {
  txHash: Hex;
  height: bigint;
  blockHash: Hex;
  index: bigint;
  /** "failed": included and fee paid, but the payload's effect was rolled back. */
  status: "success" | "failed";
  failure: { code: string; message: string } | null;
  feePaid: bigint;
  /** True when a sponsor paid the fee. */
  gasless: boolean;
  events: ClientEvent[];
  /** The shard that executed it (0 from a node that does not say). */
  shard: bigint;
  /** A cross-shard transfer's credit: the destination shard and the height that credited it (null in flight). */
  credit: { shard: bigint; height: bigint | null } | null;
}

/** A block; `T` is Hex (transaction hashes) or ClientTransaction (with fullTransactions). */
export interface ClientBlock<T = Hex> {
  height: bigint;
  hash: Hex;
  parentHash: Hex;
  /** The proposer's Ed25519 public key. */
  proposer: Hex;
  round: bigint;
  /** The proposer's clock at building time, ms since the Unix epoch. */
  timeMs: bigint;
  stateRoot: Hex;
  receiptsRoot: Hex;
  transactions: T[];
}

export interface ClientFeeEstimate {
  perByte: bigint;
  perType: Record<string, bigint>;
  /** The least fee the transaction (or a typical transfer) may carry. */
  minimum: bigint;
  /** What to offer to be included soon given the pool now (>= minimum). */
  suggested: bigint;
  /** The encoded size the estimate assumed. */
  bytes: bigint;
}

export interface ClientProof {
  address: string;
  account: ClientAccount;
  key: Hex;
  value: Hex | null;
  proof: Hex;
  stateRoot: Hex;
  height: bigint;
  blockHash: Hex;
  block: Hex;
  certificate: Hex;
}

export interface ClientShardLayout {
  shards: bigint;
  addressRule: string;
  chains: { shard: bigint; name: string; epoch: bigint; committee: Hex[]; following: boolean; height: bigint }[];
  /** The beacon registry (null on a single-chain network). */
  beacon: null | {
    height: bigint;
    epoch: bigint;
    registry: { publicKey: Hex; stake: bigint }[];
    pending: { publicKey: Hex; delta: bigint }[];
    minValidatorStake: bigint;
    consensus: { epoch: bigint; validators: { publicKey: Hex; stake: bigint; lastProposed: bigint | null }[] };
  };
}

export interface ClientSyncing {
  startingBlock: bigint;
  currentBlock: bigint;
  highestBlock: bigint;
}

export interface ClientStatus {
  chainId: string;
  nodeId: string;
  validator: boolean;
  /** The shard that height, blockHash, stateRoot and round describe. */
  shard: bigint;
  height: bigint;
  blockHash: Hex;
  stateRoot: Hex;
  syncing: boolean;
  peers: bigint;
  mempoolSize: bigint;
  round: bigint;
  /** The validator expected to propose in that round; null without a consensus engine. */
  leader: Hex | null;
  version: string;
}

export interface ClientPeer {
  id: string;
  addresses: string[];
}

export interface ClientNodeInfo {
  id: string;
  listenAddresses: string[];
  chainId: string;
  genesisHash: Hex;
  version: string;
  validator: boolean;
}
