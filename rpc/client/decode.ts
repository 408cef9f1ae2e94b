// JSON results of the node -> the client's types (types.ts). Every reader checks the shape it
// relies on, so a node of another version fails loudly here instead of as a NaN far away.
import { isAddress } from "../../crypto/index.ts";
import { isData, isQuantity } from "../encoding.ts";
import { badResponse } from "./errors.ts";
import type {
  ClientAccount,
  ClientBlock,
  ClientEvent,
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
  TxStatusKind,
} from "./types.ts";

type Json = Record<string, unknown>;

export function object(v: unknown, what: string): Json {
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw badResponse(`${what} should be an object`, v);
  return v as Json;
}

export function array(v: unknown, what: string): unknown[] {
  if (!Array.isArray(v)) throw badResponse(`${what} should be an array`, v);
  return v;
}

export function quantity(v: unknown, what = "a quantity"): bigint {
  if (typeof v !== "string" || !isQuantity(v)) throw badResponse(`${what} should be a 0x quantity`, v);
  return BigInt(v);
}

export function data(v: unknown, what = "data"): Hex {
  if (typeof v !== "string" || !isData(v)) throw badResponse(`${what} should be 0x data`, v);
  return v.toLowerCase() as Hex;
}

export function address(v: unknown, what = "an address"): string {
  if (typeof v !== "string" || !isAddress(v)) throw badResponse(`${what} should be an isc1 address`, v);
  return v;
}

export function string(v: unknown, what: string): string {
  if (typeof v !== "string") throw badResponse(`${what} should be a string`, v);
  return v;
}

export function boolean(v: unknown, what: string): boolean {
  if (typeof v !== "boolean") throw badResponse(`${what} should be a boolean`, v);
  return v;
}

function nullable<T>(read: (v: unknown, what: string) => T): (v: unknown, what: string) => T | null {
  return (v, what) => (v === null || v === undefined ? null : read(v, what));
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], what: string): T {
  if (typeof v !== "string" || !(allowed as readonly string[]).includes(v))
    throw badResponse(`${what} should be one of ${allowed.join(", ")}`, v);
  return v as T;
}

export function account(v: unknown): ClientAccount {
  const a = object(v, "account");
  return {
    balance: quantity(a.balance, "account.balance"),
    nonce: quantity(a.nonce, "account.nonce"),
    staked: quantity(a.staked, "account.staked"),
    unbonding: quantity(a.unbonding, "account.unbonding"),
    height: quantity(a.height, "account.height"),
  };
}

const TX_STATUSES: readonly TxStatusKind[] = ["unknown", "accepted", "included", "finalized"];

export function txStatus(v: unknown): ClientTxStatus {
  const s = object(v, "transaction status");
  return {
    hash: data(s.hash, "status.hash"),
    status: oneOf(s.status, TX_STATUSES, "status.status"),
    height: nullable(quantity)(s.height, "status.height"),
    blockHash: nullable(data)(s.blockHash, "status.blockHash"),
    index: nullable(quantity)(s.index, "status.index"),
  };
}

export function transaction(v: unknown): ClientTransaction {
  const t = object(v, "transaction");
  return {
    hash: data(t.hash, "transaction.hash"),
    raw: data(t.raw, "transaction.raw"),
    sender: address(t.sender, "transaction.sender"),
    nonce: quantity(t.nonce, "transaction.nonce"),
    fee: quantity(t.fee, "transaction.fee"),
    sponsor: nullable(address)(t.sponsor, "transaction.sponsor"),
    type: string(t.type, "transaction.type"),
    payload: object(t.payload, "transaction.payload"),
    status: txStatus(t.status),
  };
}

function event(v: unknown): ClientEvent {
  const e = object(v, "event");
  return {
    kind: string(e.kind, "event.kind"),
    fields: array(e.fields, "event.fields").map((f) => string(f, "event field")),
  };
}

export function receipt(v: unknown): ClientReceipt {
  const r = object(v, "receipt");
  const failure = r.failure === null || r.failure === undefined ? null : object(r.failure, "receipt.failure");
  return {
    txHash: data(r.txHash, "receipt.txHash"),
    height: quantity(r.height, "receipt.height"),
    blockHash: data(r.blockHash, "receipt.blockHash"),
    index: quantity(r.index, "receipt.index"),
    status: oneOf(r.status, ["success", "failed"] as const, "receipt.status"),
    failure:
      failure === null
        ? null
        : { code: string(failure.code, "failure.code"), message: string(failure.message, "failure.message") },
    feePaid: quantity(r.feePaid, "receipt.feePaid"),
    gasless: r.gasless === undefined ? false : boolean(r.gasless, "receipt.gasless"),
    events: r.events === undefined ? [] : array(r.events, "receipt.events").map(event),
    shard: r.shard === undefined ? 0n : quantity(r.shard, "receipt.shard"),
    credit: r.credit === undefined || r.credit === null ? null : credit(r.credit),
  };
}

function credit(v: unknown): { shard: bigint; height: bigint | null } {
  const c = object(v, "receipt.credit");
  return {
    shard: quantity(c.shard, "receipt.credit.shard"),
    height: c.height === null ? null : quantity(c.height, "receipt.credit.height"),
  };
}

export function block<T>(v: unknown, readTransaction: (t: unknown) => T): ClientBlock<T> {
  const b = object(v, "block");
  return {
    height: quantity(b.height, "block.height"),
    hash: data(b.hash, "block.hash"),
    parentHash: data(b.parentHash, "block.parentHash"),
    proposer: data(b.proposer, "block.proposer"),
    round: quantity(b.round, "block.round"),
    timeMs: quantity(b.timeMs, "block.timeMs"),
    stateRoot: data(b.stateRoot, "block.stateRoot"),
    receiptsRoot: data(b.receiptsRoot, "block.receiptsRoot"),
    transactions: array(b.transactions, "block.transactions").map(readTransaction),
  };
}

export const blockOfHashes = (v: unknown): ClientBlock<Hex> => block(v, (t) => data(t, "block transaction hash"));
export const blockOfTransactions = (v: unknown): ClientBlock<ClientTransaction> => block(v, transaction);

export function feeEstimate(v: unknown): ClientFeeEstimate {
  const f = object(v, "fee estimate");
  const perType: Record<string, bigint> = {};
  for (const [k, q] of Object.entries(object(f.perType, "fee.perType"))) perType[k] = quantity(q, `fee.perType.${k}`);
  return {
    perByte: quantity(f.perByte, "fee.perByte"),
    perType,
    minimum: quantity(f.minimum, "fee.minimum"),
    suggested: quantity(f.suggested, "fee.suggested"),
    bytes: quantity(f.bytes, "fee.bytes"),
  };
}

export function proof(v: unknown): ClientProof {
  const p = object(v, "proof");
  return {
    address: address(p.address, "proof.address"),
    account: account(p.account),
    key: data(p.key, "proof.key"),
    value: nullable(data)(p.value, "proof.value"),
    proof: data(p.proof, "proof.proof"),
    stateRoot: data(p.stateRoot, "proof.stateRoot"),
    height: quantity(p.height, "proof.height"),
    blockHash: data(p.blockHash, "proof.blockHash"),
    block: data(p.block, "proof.block"),
    certificate: data(p.certificate, "proof.certificate"),
  };
}

export function shardLayout(v: unknown): ClientShardLayout {
  const l = object(v, "shard layout");
  return {
    shards: quantity(l.shards, "layout.shards"),
    addressRule: string(l.addressRule, "layout.addressRule"),
    chains: array(l.chains, "layout.chains").map((c) => {
      const o = object(c, "layout chain");
      return {
        shard: quantity(o.shard, "chain.shard"),
        name: string(o.name, "chain.name"),
        epoch: quantity(o.epoch, "chain.epoch"),
        committee: array(o.committee, "chain.committee").map((k) => data(k, "committee key")),
        following: boolean(o.following, "chain.following"),
        height: quantity(o.height, "chain.height"),
      };
    }),
    beacon: l.beacon === null || l.beacon === undefined ? null : beaconLayout(object(l.beacon, "layout.beacon")),
  };
}

function beaconLayout(b: Json): NonNullable<ClientShardLayout["beacon"]> {
  return {
    height: quantity(b.height, "beacon.height"),
    epoch: quantity(b.epoch, "beacon.epoch"),
    registry: array(b.registry, "beacon.registry").map((v) => {
      const o = object(v, "registry entry");
      return { publicKey: data(o.publicKey, "registry.publicKey"), stake: quantity(o.stake, "registry.stake") };
    }),
    pending: array(b.pending, "beacon.pending").map((v) => {
      const o = object(v, "pending change");
      const delta = string(o.delta, "pending.delta");
      if (!/^-?(0|[1-9][0-9]*)$/.test(delta)) throw badResponse("pending.delta should be a decimal integer", delta);
      return { publicKey: data(o.publicKey, "pending.publicKey"), delta: BigInt(delta) };
    }),
    minValidatorStake: quantity(b.minValidatorStake, "beacon.minValidatorStake"),
    consensus: beaconConsensus(object(b.consensus, "beacon.consensus")),
  };
}

function beaconConsensus(c: Record<string, unknown>): NonNullable<ClientShardLayout["beacon"]>["consensus"] {
  return {
    epoch: quantity(c.epoch, "consensus.epoch"),
    validators: array(c.validators, "consensus.validators").map((v) => {
      const o = object(v, "beacon validator");
      return {
        publicKey: data(o.publicKey, "validator.publicKey"),
        stake: quantity(o.stake, "validator.stake"),
        lastProposed: o.lastProposed === null ? null : quantity(o.lastProposed, "validator.lastProposed"),
      };
    }),
  };
}

/** ubn_syncing: false, or the progress of a catch-up. */
export function syncing(v: unknown): ClientSyncing | false {
  if (v === false) return false;
  const s = object(v, "syncing");
  return {
    startingBlock: quantity(s.startingBlock, "syncing.startingBlock"),
    currentBlock: quantity(s.currentBlock, "syncing.currentBlock"),
    highestBlock: quantity(s.highestBlock, "syncing.highestBlock"),
  };
}

export function status(v: unknown): ClientStatus {
  const s = object(v, "status");
  return {
    chainId: string(s.chainId, "status.chainId"),
    nodeId: string(s.nodeId, "status.nodeId"),
    validator: boolean(s.validator, "status.validator"),
    shard: quantity(s.shard, "status.shard"),
    height: quantity(s.height, "status.height"),
    blockHash: data(s.blockHash, "status.blockHash"),
    stateRoot: data(s.stateRoot, "status.stateRoot"),
    syncing: boolean(s.syncing, "status.syncing"),
    peers: quantity(s.peers, "status.peers"),
    mempoolSize: quantity(s.mempoolSize, "status.mempoolSize"),
    round: quantity(s.round, "status.round"),
    leader: nullable(data)(s.leader, "status.leader"),
    version: string(s.version, "status.version"),
  };
}

export function peers(v: unknown): ClientPeer[] {
  return array(v, "peers").map((p) => {
    const o = object(p, "peer");
    return {
      id: string(o.id, "peer.id"),
      addresses: array(o.addresses, "peer.addresses").map((a) => string(a, "peer address")),
    };
  });
}

export function nodeInfo(v: unknown): ClientNodeInfo {
  const n = object(v, "node info");
  return {
    id: string(n.id, "nodeInfo.id"),
    listenAddresses: array(n.listenAddresses, "nodeInfo.listenAddresses").map((a) => string(a, "listen address")),
    chainId: string(n.chainId, "nodeInfo.chainId"),
    genesisHash: data(n.genesisHash, "nodeInfo.genesisHash"),
    version: string(n.version, "nodeInfo.version"),
    validator: boolean(n.validator, "nodeInfo.validator"),
  };
}
