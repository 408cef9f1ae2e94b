// The HTTP transport: POST / carries JSON-RPC 2.0 (single, batch, notifications), GET /health
// answers load balancers and orchestrators. Bodies, batches and request times are bounded, and
// no failure of a handler escapes the request it belongs to.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { RpcNodeApi } from "./api.ts";
import { dispatchText } from "./dispatch.ts";
import { toJsonValue } from "./encoding.ts";
import { INTERNAL_ERROR_MESSAGE, RpcError, RpcErrorCode } from "./errors.ts";
import { readBody } from "./http-body.ts";
import { closeServer, listen } from "./http-listen.ts";
import { errorResponse, serializeReply } from "./jsonrpc.ts";
import { createMethodTable, type RpcMethodTable } from "./methods.ts";
import { type ResolvedRpcServerOptions, type RpcServerOptions, resolveRpcServerOptions } from "./options.ts";

export interface RpcServer {
  /** Base URL, e.g. "http://127.0.0.1:8545"; JSON-RPC is at `${url}/`, health at `${url}/health`. */
  url: string;
  /** Stops the server; safe to call more than once. */
  close(): Promise<void>;
}

// Slow clients may not hold a connection forever (slowloris); RPC calls are short.
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;

const JSON_HEADERS = {
  "content-type": "application/json; charset=utf-8",
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
};

const utf8Decoder = new TextDecoder("utf-8", { fatal: true });

export async function startRpcServer(api: RpcNodeApi, options: RpcServerOptions): Promise<RpcServer> {
  const opts = resolveRpcServerOptions(options);
  const methods = createMethodTable(api);
  const report = (error: unknown, method: string) => {
    try {
      opts.onInternalError?.(error, method);
    } catch {
      // A broken reporter must not turn into a broken response.
    }
  };

  const server = createServer((req, res) => {
    route(req, res, api, methods, opts, report).catch((e) => {
      report(e, "");
      if (!res.headersSent) sendJson(res, 500, internalErrorBody());
      else res.destroy();
    });
  });
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;

  const url = await listen(server, opts.host, opts.port);
  let closing: Promise<void> | undefined;
  return { url, close: () => (closing ??= closeServer(server)) };
}

type Report = (error: unknown, method: string) => void;

async function route(
  req: IncomingMessage,
  res: ServerResponse,
  api: RpcNodeApi,
  methods: RpcMethodTable,
  opts: ResolvedRpcServerOptions,
  report: Report,
): Promise<void> {
  const path = (req.url ?? "/").split("?", 1)[0];
  if (path === "/") {
    if (req.method !== "POST") return sendText(res, 405, "JSON-RPC requests are sent by POST\n", { allow: "POST" });
    return handleRpc(req, res, methods, opts, report);
  }
  if (path === "/health") {
    if (req.method !== "GET" && req.method !== "HEAD") return sendText(res, 405, "use GET\n", { allow: "GET, HEAD" });
    return handleHealth(res, api, report);
  }
  sendText(res, 404, "not found: JSON-RPC is served at POST /, health at GET /health\n");
}

async function handleRpc(
  req: IncomingMessage,
  res: ServerResponse,
  methods: RpcMethodTable,
  opts: ResolvedRpcServerOptions,
  report: Report,
): Promise<void> {
  if (!isJsonContentType(req.headers["content-type"])) {
    const error = new RpcError(RpcErrorCode.invalidRequest, "invalid request: Content-Type must be application/json");
    return sendJson(res, 415, serializeReply(errorResponse(null, error)));
  }
  let body: Buffer | null;
  try {
    body = await readBody(req, opts.maxBodyBytes);
  } catch {
    req.destroy(); // the client went away mid-body: nobody to answer
    return;
  }
  if (body === null) {
    const error = new RpcError(RpcErrorCode.invalidRequest, `invalid request: body exceeds ${opts.maxBodyBytes} bytes`);
    // Closing the connection stops the client from streaming the rest of an oversized body.
    return sendJson(res, 413, serializeReply(errorResponse(null, error)), { connection: "close" });
  }
  let text: string;
  try {
    text = utf8Decoder.decode(body);
  } catch {
    const error = new RpcError(RpcErrorCode.parseError, "parse error: the body is not valid UTF-8");
    return sendJson(res, 200, serializeReply(errorResponse(null, error)));
  }
  const reply = await dispatchText(text, methods, { maxBatch: opts.maxBatch, onInternalError: report });
  if (reply === undefined) {
    res.writeHead(204).end();
    return;
  }
  sendJson(
    res,
    200,
    serializeReply(reply, (e) => report(e, "")),
  );
}

function handleHealth(res: ServerResponse, api: RpcNodeApi, report: Report): void {
  let ok: boolean;
  let detail: unknown;
  try {
    const health = api.health();
    ok = health.ok;
    detail = toJsonValue(health.detail);
  } catch (e) {
    report(e, "health");
    ok = false;
    detail = { error: "the health check failed" };
  }
  sendJson(res, ok ? 200 : 503, JSON.stringify({ status: ok ? "ok" : "unavailable", detail }));
}

/** application/json, optionally with charset=utf-8; JSON has no other encoding worth accepting. */
function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const [type, ...params] = header.split(";").map((p) => p.trim().toLowerCase());
  if (type !== "application/json") return false;
  return params.every((p) => !p.startsWith("charset=") || p === "charset=utf-8" || p === 'charset="utf-8"');
}

function internalErrorBody(): string {
  return serializeReply(errorResponse(null, new RpcError(RpcErrorCode.internalError, INTERNAL_ERROR_MESSAGE)));
}

function sendJson(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...JSON_HEADERS, "content-length": Buffer.byteLength(body), ...headers });
  res.end(body);
}

function sendText(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}
