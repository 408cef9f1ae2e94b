// The transport-independent first steps for an incoming message, shared by HTTP and WebSocket:
// bytes to JSON (or the -32700 answer), how many requests it holds (the rate limiter's cost),
// and refusing each request of a message with one error (rate limited) while keeping their ids.
import { RpcError, RpcErrorCode } from "./errors.ts";
import { errorResponse, type JsonRpcReply, type JsonRpcResponse, readRequest } from "./jsonrpc.ts";

const utf8Decoder = new TextDecoder("utf-8", { fatal: true });

export type ParsedMessage = { message: unknown } | { reply: JsonRpcResponse };

export function parseMessage(bytes: Uint8Array): ParsedMessage {
  let text: string;
  try {
    text = utf8Decoder.decode(bytes);
  } catch {
    return { reply: parseError("the message is not valid UTF-8") };
  }
  try {
    return { message: JSON.parse(text) };
  } catch {
    return { reply: parseError("the message is not valid JSON") };
  }
}

function parseError(why: string): JsonRpcResponse {
  return errorResponse(null, new RpcError(RpcErrorCode.parseError, `parse error: ${why}`));
}

/**
 * Requests in a message, as the rate limiter counts them. A batch over maxBatch is refused
 * whole without running anything, so it counts as one.
 */
export function requestCount(message: unknown, maxBatch: number): number {
  if (!Array.isArray(message)) return 1;
  return message.length === 0 || message.length > maxBatch ? 1 : message.length;
}

/**
 * The same error for every request of a message, each with its id; notifications get nothing,
 * as they would have had they run. undefined when the message held only notifications.
 */
export function refuseEach(message: unknown, error: RpcError): JsonRpcReply {
  const one = (item: unknown): JsonRpcResponse | undefined => {
    const read = readRequest(item);
    if ("error" in read) return errorResponse(read.id, error);
    return read.request.id === undefined ? undefined : errorResponse(read.request.id, error);
  };
  if (!Array.isArray(message) || message.length === 0) return one(message) ?? undefined;
  const responses = message.map(one).filter((r): r is JsonRpcResponse => r !== undefined);
  return responses.length === 0 ? undefined : responses;
}

export function rateLimitedError(retryAfterMs: number): RpcError {
  return new RpcError(
    RpcErrorCode.rateLimited,
    `rate limited: too many requests from this address; retry in ${retryAfterMs} ms`,
    { retryAfterMs },
  );
}
