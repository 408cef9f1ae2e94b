// From JSON text to a reply: parse, split a batch, check each request, call its method, and turn
// every failure into a JSON-RPC error. Nothing thrown by a method escapes: a refusal the node
// meant (RpcError) keeps its code and message, anything else becomes -32603 with a fixed message
// and goes to onInternalError for the operator's log.
import { INTERNAL_ERROR_MESSAGE, isRpcError, RpcError, RpcErrorCode } from "./errors.ts";
import {
  errorResponse,
  type JsonRpcReply,
  type JsonRpcRequest,
  type JsonRpcResponse,
  methodForMessage,
  readRequest,
  resultResponse,
} from "./jsonrpc.ts";
import type { RpcMethodTable } from "./methods.ts";

export interface DispatchOptions {
  /** Most requests in one batch; a longer batch is refused whole with one -32600 error. */
  maxBatch: number;
  /** Told about every failure that was answered as -32603 (`method` is "" outside a call). */
  onInternalError?: (error: unknown, method: string) => void;
}

export async function dispatchText(
  text: string,
  methods: RpcMethodTable,
  opts: DispatchOptions,
): Promise<JsonRpcReply> {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return errorResponse(null, new RpcError(RpcErrorCode.parseError, "parse error: the body is not valid JSON"));
  }
  return dispatchMessage(message, methods, opts);
}

export async function dispatchMessage(
  message: unknown,
  methods: RpcMethodTable,
  opts: DispatchOptions,
): Promise<JsonRpcReply> {
  if (!Array.isArray(message)) return dispatchOne(message, methods, opts);
  if (message.length === 0) {
    return errorResponse(null, new RpcError(RpcErrorCode.invalidRequest, "invalid request: empty batch"));
  }
  if (message.length > opts.maxBatch) {
    return errorResponse(
      null,
      new RpcError(
        RpcErrorCode.invalidRequest,
        `invalid request: batch of ${message.length} requests, at most ${opts.maxBatch} allowed`,
      ),
    );
  }
  // All calls start at once, in order, and the answers keep that order. Each call does its
  // synchronous part (parameter checks, handing a transaction to the node) before the next
  // starts, so a wallet's transactions with consecutive nonces reach the node in order, and
  // the node can admit a whole batch of transactions together (one signature batch).
  const settled = await Promise.all(message.map((item) => dispatchOne(item, methods, opts)));
  const responses = settled.filter((r): r is JsonRpcResponse => r !== undefined);
  return responses.length === 0 ? undefined : responses;
}

async function dispatchOne(
  value: unknown,
  methods: RpcMethodTable,
  opts: DispatchOptions,
): Promise<JsonRpcResponse | undefined> {
  const read = readRequest(value);
  if ("error" in read) return errorResponse(read.id, read.error);
  const { request } = read;
  let result: unknown;
  try {
    result = await call(request, methods);
  } catch (e) {
    if (request.id === undefined) {
      if (!isRpcError(e)) opts.onInternalError?.(e, request.method);
      return undefined;
    }
    if (isRpcError(e)) return errorResponse(request.id, e);
    opts.onInternalError?.(e, request.method);
    return errorResponse(request.id, new RpcError(RpcErrorCode.internalError, INTERNAL_ERROR_MESSAGE));
  }
  // A notification is still executed (a transaction sent as one is submitted), only not answered.
  return request.id === undefined ? undefined : resultResponse(request.id, result ?? null);
}

async function call(request: JsonRpcRequest, methods: RpcMethodTable): Promise<unknown> {
  const method = methods.get(request.method);
  if (method === undefined) {
    throw new RpcError(RpcErrorCode.methodNotFound, `method not found: "${methodForMessage(request.method)}"`);
  }
  const name = methodForMessage(request.method);
  if (!Array.isArray(request.params)) {
    throw new RpcError(RpcErrorCode.invalidParams, `${name} takes positional params (an array), not an object`);
  }
  const declared = method.params;
  const required = declared.filter((p) => !p.endsWith("?")).length;
  const given = request.params.length;
  if (given < required || given > declared.length) {
    const names = declared.map((p) => (p.endsWith("?") ? `${p.slice(0, -1)} (optional)` : p));
    const takes =
      declared.length === 0
        ? "no params"
        : required === declared.length
          ? `${required} param${required === 1 ? "" : "s"} (${names.join(", ")})`
          : `${required} to ${declared.length} params (${names.join(", ")})`;
    throw new RpcError(RpcErrorCode.invalidParams, `${name} takes ${takes}, got ${given}`);
  }
  const params =
    given === declared.length ? request.params : [...request.params, ...new Array(declared.length - given)];
  return method.call(params);
}
