// Failures on the client's side of the wire. What the node answers with a JSON-RPC error is an
// RpcError (../errors.ts, numeric code and data); everything else a caller may meet (no node at
// the URL, an HTTP error without a JSON-RPC body, a timeout, a closed socket, an answer that
// does not have the documented shape) is an RpcClientError with one of these string codes.
import { CodedError } from "../../crypto/index.ts";

export const RpcClientErrorCode = {
  /** Nothing answered at the URL (refused, DNS, reset): is the node running? */
  unreachable: "RPC_UNREACHABLE",
  /** An HTTP status without a JSON-RPC body (a proxy's 502, a 403 for an unlisted Host). */
  http: "RPC_HTTP",
  /** No answer within the client's timeout. */
  timeout: "RPC_TIMEOUT",
  /** The WebSocket closed (or never opened) before the answer came. */
  closed: "RPC_CLOSED",
  /** The answer is not what the method documents; the node and client versions may differ. */
  badResponse: "RPC_BAD_RESPONSE",
} as const;
export type RpcClientErrorCode = (typeof RpcClientErrorCode)[keyof typeof RpcClientErrorCode];

export class RpcClientError extends CodedError<RpcClientErrorCode> {
  override name = "RpcClientError";
}

export function badResponse(what: string, value: unknown): RpcClientError {
  const shown = typeof value === "string" ? `"${value.slice(0, 80)}"` : value === null ? "null" : typeof value;
  return new RpcClientError(RpcClientErrorCode.badResponse, `unexpected answer from the node: ${what}, got ${shown}`);
}
