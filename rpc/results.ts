// The JSON shapes of method results, and the conversions from the node's values. A typed client
// (a later issue) decodes these same shapes; encoding.ts says how each kind of value is written.
import type { Event } from "../vm/execution/receipt.ts";
import type {
  RpcAccount,
  RpcBlock,
  RpcFeeEstimate,
  RpcNodeInfo,
  RpcPeer,
  RpcProof,
  RpcReceipt,
  RpcShardLayout,
  RpcStatus,
  RpcSyncing,
  RpcTransaction,
  RpcTxStatus,
} from "./api.ts";
import { toAddress, toData, toJsonValue, toQuantity } from "./encoding.ts";

export interface RpcAccountJson {
  balance: string;
  nonce: string;
  staked: string;
  unbonding: string;
  height: string;
}

export interface RpcEventJson {
  kind: string;
  /** Each field as data (bytes) or quantity (bigint); which one is fixed per kind in docs/vm.md. */
  fields: string[];
}

export interface RpcReceiptJson {
  txHash: string;
  height: string;
  blockHash: string;
  index: string;
  status: "success" | "failed";
  failure: { code: string; message: string } | null;
  feePaid: string;
  gasless: boolean;
  events: RpcEventJson[];
  shard: string;
  credit: { shard: string; height: string | null } | null;
}

export interface RpcStatusJson {
  chainId: string;
  nodeId: string;
  validator: boolean;
  shard: string;
  height: string;
  blockHash: string;
  stateRoot: string;
  syncing: boolean;
  peers: string;
  mempoolSize: string;
  round: string;
  leader: string | null;
  version: string;
}

export function accountToJson(a: RpcAccount): RpcAccountJson {
  return {
    balance: toQuantity(a.balance),
    nonce: toQuantity(a.nonce),
    staked: toQuantity(a.staked),
    unbonding: toQuantity(a.unbonding),
    height: toQuantity(a.height),
  };
}

function eventToJson(e: Event): RpcEventJson {
  return { kind: e.kind, fields: e.fields.map((f) => (typeof f === "bigint" ? toQuantity(f) : toData(f))) };
}

export function receiptToJson(r: RpcReceipt): RpcReceiptJson {
  return {
    txHash: toData(r.txHash),
    height: toQuantity(r.height),
    blockHash: toData(r.blockHash),
    index: toQuantity(r.index),
    status: r.status,
    failure: r.failure === null ? null : { code: r.failure.code, message: r.failure.message },
    feePaid: toQuantity(r.feePaid),
    gasless: r.gasless,
    events: r.events.map(eventToJson),
    shard: toQuantity(r.shard),
    credit:
      r.credit === null
        ? null
        : { shard: toQuantity(r.credit.shard), height: r.credit.height === null ? null : toQuantity(r.credit.height) },
  };
}

export function statusToJson(s: RpcStatus): RpcStatusJson {
  return {
    chainId: s.chainId,
    nodeId: s.nodeId,
    validator: s.validator,
    shard: toQuantity(s.shard),
    height: toQuantity(s.height),
    blockHash: toData(s.blockHash),
    stateRoot: toData(s.stateRoot),
    syncing: s.syncing,
    peers: toQuantity(s.peers),
    mempoolSize: toQuantity(s.mempoolSize),
    round: toQuantity(s.round),
    leader: s.leader === null ? null : toData(s.leader),
    version: s.version,
  };
}

export interface RpcBlockJson {
  height: string;
  hash: string;
  parentHash: string;
  proposer: string;
  round: string;
  timeMs: string;
  stateRoot: string;
  receiptsRoot: string;
  /** Hashes, or transaction objects when asked for in full. */
  transactions: string[] | RpcTransactionJson[];
}

/** With `full`, the block's transactions as objects (see transactionToJson) instead of hashes. */
export function blockToJson(b: RpcBlock, full: readonly RpcTransaction[] | null = null): RpcBlockJson {
  return {
    height: toQuantity(b.height),
    hash: toData(b.hash),
    parentHash: toData(b.parentHash),
    proposer: toData(b.proposer),
    round: toQuantity(b.round),
    timeMs: toQuantity(b.timeMs),
    stateRoot: toData(b.stateRoot),
    receiptsRoot: toData(b.receiptsRoot),
    transactions: full === null ? b.transactions.map(toData) : full.map(transactionToJson),
  };
}

export interface RpcTxStatusJson {
  hash: string;
  status: RpcTxStatus["status"];
  height: string | null;
  blockHash: string | null;
  index: string | null;
}

export function txStatusToJson(s: RpcTxStatus): RpcTxStatusJson {
  return {
    hash: toData(s.hash),
    status: s.status,
    height: s.height === null ? null : toQuantity(s.height),
    blockHash: s.blockHash === null ? null : toData(s.blockHash),
    index: s.index === null ? null : toQuantity(s.index),
  };
}

export interface RpcTransactionJson {
  hash: string;
  raw: string;
  sender: string;
  nonce: string;
  fee: string;
  sponsor: string | null;
  type: string;
  payload: Record<string, unknown>;
  status: RpcTxStatusJson;
}

export function transactionToJson(t: RpcTransaction): RpcTransactionJson {
  return {
    hash: toData(t.hash),
    raw: toData(t.raw),
    sender: toAddress(t.sender),
    nonce: toQuantity(t.nonce),
    fee: toQuantity(t.fee),
    sponsor: t.sponsor === null ? null : toAddress(t.sponsor),
    type: t.type,
    payload: toJsonValue(t.payload) as Record<string, unknown>,
    status: txStatusToJson(t.status),
  };
}

export interface RpcFeeEstimateJson {
  perByte: string;
  perType: Record<string, string>;
  minimum: string;
  suggested: string;
  bytes: string;
}

export function feeEstimateToJson(f: RpcFeeEstimate): RpcFeeEstimateJson {
  const perType: Record<string, string> = {};
  for (const [k, v] of Object.entries(f.perType)) perType[k] = toQuantity(v);
  return {
    perByte: toQuantity(f.perByte),
    perType,
    minimum: toQuantity(f.minimum),
    suggested: toQuantity(f.suggested),
    bytes: toQuantity(f.bytes),
  };
}

export interface RpcProofJson {
  address: string;
  account: RpcAccountJson;
  key: string;
  value: string | null;
  proof: string;
  stateRoot: string;
  height: string;
  blockHash: string;
  block: string;
  certificate: string;
}

export function proofToJson(p: RpcProof): RpcProofJson {
  return {
    address: toAddress(p.address),
    account: accountToJson(p.account),
    key: toData(p.key),
    value: p.value === null ? null : toData(p.value),
    proof: toData(p.proof),
    stateRoot: toData(p.stateRoot),
    height: toQuantity(p.height),
    blockHash: toData(p.blockHash),
    block: toData(p.block),
    certificate: toData(p.certificate),
  };
}

export interface RpcSyncingJson {
  startingBlock: string;
  currentBlock: string;
  highestBlock: string;
}

/** `false` when the node is not syncing, as in Ethereum's eth_syncing. */
export function syncingToJson(s: RpcSyncing): RpcSyncingJson | false {
  if (!s.syncing) return false;
  return {
    startingBlock: toQuantity(s.startingBlock),
    currentBlock: toQuantity(s.currentBlock),
    highestBlock: toQuantity(s.highestBlock),
  };
}

export interface RpcShardLayoutJson {
  shards: string;
  addressRule: string;
  chains: { shard: string; name: string; epoch: string; committee: string[]; following: boolean; height: string }[];
  beacon: null | {
    height: string;
    epoch: string;
    registry: { publicKey: string; stake: string }[];
    pending: { publicKey: string; delta: string }[];
    minValidatorStake: string;
    consensus: { epoch: string; validators: { publicKey: string; stake: string; lastProposed: string | null }[] };
  };
}

export function shardLayoutToJson(l: RpcShardLayout): RpcShardLayoutJson {
  return {
    shards: toQuantity(l.shards),
    addressRule: l.addressRule,
    chains: l.chains.map((c) => ({
      shard: toQuantity(c.shard),
      name: c.name,
      epoch: toQuantity(c.epoch),
      committee: c.committee.map(toData),
      following: c.following,
      height: toQuantity(c.height),
    })),
    beacon: l.beacon === undefined ? null : beaconToJson(l.beacon),
  };
}

function beaconToJson(b: NonNullable<RpcShardLayout["beacon"]>): NonNullable<RpcShardLayoutJson["beacon"]> {
  return {
    height: toQuantity(b.height),
    epoch: toQuantity(b.epoch),
    registry: b.registry.map((v) => ({ publicKey: toData(v.publicKey), stake: toQuantity(v.stake) })),
    // A signed decimal string: a change may remove stake, and quantities are never negative.
    pending: b.pending.map((c) => ({ publicKey: toData(c.publicKey), delta: c.delta.toString() })),
    minValidatorStake: toQuantity(b.minValidatorStake),
    consensus: {
      epoch: toQuantity(b.consensus.epoch),
      validators: b.consensus.validators.map((v) => ({
        publicKey: toData(v.publicKey),
        stake: toQuantity(v.stake),
        lastProposed: v.lastProposed === null ? null : toQuantity(v.lastProposed),
      })),
    },
  };
}

export function peerToJson(p: RpcPeer): { id: string; addresses: string[] } {
  return { id: p.id, addresses: [...p.addresses] };
}

export interface RpcNodeInfoJson {
  id: string;
  listenAddresses: string[];
  chainId: string;
  genesisHash: string;
  version: string;
  validator: boolean;
}

export function nodeInfoToJson(n: RpcNodeInfo): RpcNodeInfoJson {
  return {
    id: n.id,
    listenAddresses: [...n.listenAddresses],
    chainId: n.chainId,
    genesisHash: toData(n.genesisHash),
    version: n.version,
    validator: n.validator,
  };
}
