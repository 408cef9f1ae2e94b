// The JSON shapes of method results, and the conversions from the node's values. A typed client
// (a later issue) decodes these same shapes; encoding.ts says how each kind of value is written.
import type { Event } from "../vm/execution/receipt.ts";
import type { RpcAccount, RpcBlock, RpcReceipt, RpcStatus } from "./api.ts";
import { toData, toQuantity } from "./encoding.ts";

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
}

export interface RpcStatusJson {
  chainId: string;
  nodeId: string;
  validator: boolean;
  height: string;
  blockHash: string;
  stateRoot: string;
  syncing: boolean;
  peers: string;
  mempoolSize: string;
  round: string;
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
  };
}

export function statusToJson(s: RpcStatus): RpcStatusJson {
  return {
    chainId: s.chainId,
    nodeId: s.nodeId,
    validator: s.validator,
    height: toQuantity(s.height),
    blockHash: toData(s.blockHash),
    stateRoot: toData(s.stateRoot),
    syncing: s.syncing,
    peers: toQuantity(s.peers),
    mempoolSize: toQuantity(s.mempoolSize),
    round: toQuantity(s.round),
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
  transactions: string[];
}

export function blockToJson(b: RpcBlock): RpcBlockJson {
  return {
    height: toQuantity(b.height),
    hash: toData(b.hash),
    parentHash: toData(b.parentHash),
    proposer: toData(b.proposer),
    round: toQuantity(b.round),
    timeMs: toQuantity(b.timeMs),
    stateRoot: toData(b.stateRoot),
    receiptsRoot: toData(b.receiptsRoot),
    transactions: b.transactions.map(toData),
  };
}
