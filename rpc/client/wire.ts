// The JSON-RPC envelope on the client's side: building requests, and turning a response object
// into its result or an RpcError. Shared by the HTTP and WebSocket clients.
import { RpcError, type RpcErrorCode } from "../errors.ts";
import { badResponse } from "./errors.ts";

export interface WireRequest {
  jsonrpc: "2.0";
  id: number;
  method: string;
  params: unknown[];
}

/** A response's result, or the RpcError it carries (code, message and data as the node sent them). */
export function resultOf(response: unknown): unknown {
  if (response === null || typeof response !== "object" || Array.isArray(response))
    throw badResponse("a JSON-RPC response should be an object", response);
  const r = response as { result?: unknown; error?: unknown };
  if (r.error !== undefined) throw toRpcError(r.error);
  if (!("result" in r)) throw badResponse("a JSON-RPC response should carry result or error", response);
  return r.result;
}

export function toRpcError(error: unknown): RpcError {
  const e = (error ?? {}) as { code?: unknown; message?: unknown; data?: unknown };
  if (typeof e.code !== "number" || typeof e.message !== "string")
    throw badResponse("a JSON-RPC error should have a numeric code and a message", error);
  return new RpcError(e.code as RpcErrorCode, e.message, e.data);
}

/** The id of a response object, or undefined if it has none usable. */
export function idOf(response: unknown): number | undefined {
  if (response === null || typeof response !== "object") return undefined;
  const id = (response as { id?: unknown }).id;
  return typeof id === "number" ? id : undefined;
}
