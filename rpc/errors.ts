// JSON-RPC error codes and the one error class a method (or the node behind it) throws to
// answer with a specific code. Anything else thrown is reported as -32603 with a fixed message,
// so stack traces and internal details never reach a client.
//
// Codes -32768..-32000 are reserved by JSON-RPC 2.0; -32000..-32099 is the part left for the
// server. UBN uses it this way:
//   -32700..-32600  the standard errors (malformed JSON, bad envelope, unknown method, bad
//                   params, internal failure)
//   -32000          the node cannot serve the call right now (starting, shutting down); retry
//   -32010..-32019  a transaction refused by mempool admission, one code per reason, so a
//                   wallet can react without parsing messages (bump the nonce, top up, wait)
//   -32020..-32029  a query the node cannot answer as asked (unknown shard, a wait timed out)
//   -32030..-32039  access and limits (admin methods from afar, subscriptions, rate limits)
// Codes are never reused for another meaning once published.
import { StacklessError } from "../crypto/index.ts";

export const RpcErrorCode = {
  parseError: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internalError: -32603,

  unavailable: -32000,

  /** Malformed, oversized, or invalid for a reason without its own code below. */
  invalidTransaction: -32010,
  /** The nonce was already used by a committed transaction of the sender. */
  nonceTooLow: -32011,
  /** The nonce leaves a gap after the sender's next expected nonce (beyond what the pool holds). */
  nonceGap: -32012,
  /** The fee payer (sender, or the sponsor if any) cannot pay the fee. */
  insufficientFunds: -32013,
  /** The fee is below the chain minimum or below what the pool currently requires. */
  feeTooLow: -32014,
  /** The pool already holds this transaction (or one with the same sender and nonce), or a block already included it. */
  alreadyKnown: -32015,
  /** The pool is full (at its limit, or nothing of lower fee to evict): retry later. */
  mempoolFull: -32016,
  /** The sender's or the sponsor's signature does not verify. */
  badSignature: -32017,
  /** The transaction carries another chain's id. */
  wrongChain: -32018,

  /** The shard named does not exist in this chain's layout. */
  unknownShard: -32020,
  /** Reserved: the object asked for is not available on this node. */
  notFound: -32021,
  /** ubn_sendRawTransaction with waitUntil: the status was not reached in time (data: hash, status). */
  waitTimeout: -32022,
  /**
   * The shard asked about is one this node does not follow now (a validator executes only the
   * shards whose committees seat it; data: {shard}): ask a node that does, or a full node.
   */
  shardNotFollowed: -32023,

  /** admin_* methods answer only clients on a loopback address. */
  forbidden: -32030,
  /** ubn_subscribe and ubn_unsubscribe work over WebSocket only. */
  subscriptionsNeedWebSocket: -32031,
  /** The connection holds as many subscriptions as allowed. */
  tooManySubscriptions: -32032,
  /** The client sent more requests than its rate allows (HTTP status 429). */
  rateLimited: -32033,
  /** A WebSocket message larger than allowed. */
  messageTooLarge: -32034,
} as const;
export type RpcErrorCode = (typeof RpcErrorCode)[keyof typeof RpcErrorCode];

/** The message sent for -32603: fixed, so nothing internal leaks. */
export const INTERNAL_ERROR_MESSAGE = "internal error";

/** An error reply: built without a stack trace, which a reply never carries (crypto/coded-error.ts). */
export class RpcError extends StacklessError {
  override name = "RpcError";
  readonly code: RpcErrorCode;
  /** Sent to the client as `error.data` when defined; must be JSON-ready (no bigint or bytes). */
  readonly data: unknown;

  constructor(code: RpcErrorCode, message: string, data?: unknown) {
    super(message);
    this.code = code;
    this.data = data;
  }
}

export function isRpcError(e: unknown): e is RpcError {
  return e instanceof RpcError;
}

export function invalidParams(message: string): RpcError {
  return new RpcError(RpcErrorCode.invalidParams, message);
}
