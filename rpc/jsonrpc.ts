// The JSON-RPC 2.0 envelope: reading a request object, building responses, and writing replies.
// Transport-independent, so HTTP and WebSocket frame the same messages.
import { truncateForMessage } from "../crypto/index.ts";
import { INTERNAL_ERROR_MESSAGE, RpcError, RpcErrorCode } from "./errors.ts";

export type JsonRpcId = string | number | null;

export interface JsonRpcRequest {
  method: string;
  /** Absent params read as []; by-name params (an object) are kept for the dispatcher to refuse. */
  params: unknown[] | Record<string, unknown>;
  /** undefined: a notification, which gets no response. */
  id: JsonRpcId | undefined;
}

export interface JsonRpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

export type JsonRpcResponse =
  | { jsonrpc: "2.0"; id: JsonRpcId; result: unknown }
  | { jsonrpc: "2.0"; id: JsonRpcId; error: JsonRpcErrorObject };

/** What to send back for one message: one response, a batch, or nothing (only notifications). */
export type JsonRpcReply = JsonRpcResponse | JsonRpcResponse[] | undefined;

export function resultResponse(id: JsonRpcId, result: unknown): JsonRpcResponse {
  return { jsonrpc: "2.0", id, result };
}

export function errorResponse(id: JsonRpcId, error: RpcError): JsonRpcResponse {
  const body: JsonRpcErrorObject = { code: error.code, message: error.message };
  if (error.data !== undefined) body.data = error.data;
  return { jsonrpc: "2.0", id, error: body };
}

function isId(value: unknown): value is JsonRpcId {
  return value === null || typeof value === "string" || (typeof value === "number" && Number.isFinite(value));
}

function invalidRequest(reason: string): RpcError {
  return new RpcError(RpcErrorCode.invalidRequest, `invalid request: ${reason}`);
}

/**
 * Checks one request object. A refused request is always answered, with its id when the id
 * itself was readable (so a client can match it) and null otherwise, as the spec requires.
 */
export function readRequest(value: unknown): { request: JsonRpcRequest } | { id: JsonRpcId; error: RpcError } {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { id: null, error: invalidRequest("expected an object") };
  }
  const v = value as Record<string, unknown>;
  if (v.id !== undefined && !isId(v.id)) {
    return { id: null, error: invalidRequest("id must be a string, a number or null") };
  }
  const id = v.id === undefined ? null : v.id;
  if (v.jsonrpc !== "2.0") return { id, error: invalidRequest('jsonrpc must be "2.0"') };
  if (typeof v.method !== "string" || v.method === "") {
    return { id, error: invalidRequest("method must be a non-empty string") };
  }
  const params = v.params;
  if (params !== undefined && (params === null || typeof params !== "object")) {
    return { id, error: invalidRequest("params must be an array or an object") };
  }
  return {
    request: {
      method: v.method,
      params: (params ?? []) as unknown[] | Record<string, unknown>,
      id: v.id as JsonRpcId | undefined,
    },
  };
}

/** A method name for a message: client-supplied, so cut short. */
export function methodForMessage(method: string): string {
  return truncateForMessage(method, 64);
}

/**
 * Writes a reply as JSON text. A response whose result cannot be serialized (a node bug, such as
 * a bigint left unencoded) becomes an internal error for that id alone, not for the whole batch.
 */
export function serializeReply(reply: JsonRpcResponse | JsonRpcResponse[], onError?: (error: unknown) => void): string {
  const one = (response: JsonRpcResponse): string => {
    try {
      return JSON.stringify(response);
    } catch (e) {
      onError?.(e);
      return JSON.stringify(
        errorResponse(response.id, new RpcError(RpcErrorCode.internalError, INTERNAL_ERROR_MESSAGE)),
      );
    }
  };
  return Array.isArray(reply) ? `[${reply.map(one).join(",")}]` : one(reply);
}
