// components/errors: each application error code of rpc/errors.ts with the message a client can
// expect in substance (the node's messages add the values involved). Methods list the ones they
// can return with `error("name")`.
import { RpcErrorCode } from "../errors.ts";
import type { ErrorObject, Ref } from "./types.ts";

type ErrorName = keyof typeof RpcErrorCode;

const messages: Record<ErrorName, string> = {
  parseError: "parse error: the body is not valid JSON",
  invalidRequest: "invalid request",
  methodNotFound: "method not found",
  invalidParams: "invalid params: a parameter is missing, of the wrong kind or out of range",
  internalError: "internal error",
  unavailable: "the node cannot serve the call right now (starting or stopping): retry",
  invalidTransaction: "transaction refused: malformed, oversized or invalid",
  nonceTooLow: "transaction refused: nonce already used",
  nonceGap: "transaction refused: nonce leaves a gap after the sender's next nonce",
  insufficientFunds: "transaction refused: the fee payer cannot pay",
  feeTooLow: "transaction refused: fee below the minimum or what the pool requires now",
  alreadyKnown: "transaction refused: already in the pool",
  mempoolFull: "transaction refused: the pool is full, retry later",
  badSignature: "transaction refused: a signature does not verify",
  wrongChain: "transaction refused: it carries another chain's id",
  unknownShard: "unknown shard",
  notFound: "not found on this node",
  shardNotFollowed: "this node does not follow the shard now (data: {shard}); ask a node that does",
  waitTimeout: "the transaction did not reach the status asked for in time (data: {hash, status})",
  forbidden: "forbidden: admin methods answer loopback clients only",
  subscriptionsNeedWebSocket: "subscriptions need a WebSocket",
  tooManySubscriptions: "too many subscriptions on this connection",
  rateLimited: "rate limited: retry later",
  messageTooLarge: "message too large",
};

export const componentErrors: Record<string, ErrorObject> = Object.fromEntries(
  (Object.keys(messages) as ErrorName[]).map((name) => [name, { code: RpcErrorCode[name], message: messages[name] }]),
);

export function error(name: ErrorName): Ref {
  return { $ref: `#/components/errors/${name}` };
}

/** Any call can meet these: the node starting or stopping, a client over its rate. */
export const COMMON_ERRORS: readonly Ref[] = [error("unavailable"), error("rateLimited")];

/** Every reason mempool admission can refuse a transaction for. */
export const ADMISSION_ERRORS: readonly Ref[] = [
  error("invalidTransaction"),
  error("nonceTooLow"),
  error("nonceGap"),
  error("insufficientFunds"),
  error("feeTooLow"),
  error("alreadyKnown"),
  error("mempoolFull"),
  error("badSignature"),
  error("wrongChain"),
];
