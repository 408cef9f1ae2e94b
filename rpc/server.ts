// The RPC server: on one port, POST / carries JSON-RPC 2.0 (single, batch, notifications), an
// upgrade of GET / opens a WebSocket for the same calls plus subscriptions (ws-server.ts), and
// GET /health answers load balancers and orchestrators. Bodies, batches, request rates and times
// are bounded, browsers are held to the Host and CORS rules (http-guards.ts), admin_* methods
// answer only this machine, and no failure of a handler escapes the request it belongs to.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { RpcNodeApi } from "./api.ts";
import { isLoopbackAddress, rateLimitKey } from "./client-address.ts";
import { dispatchMessage } from "./dispatch.ts";
import { INTERNAL_ERROR_MESSAGE, RpcError, RpcErrorCode } from "./errors.ts";
import { readBody } from "./http-body.ts";
import { corsHeaders, isHostAllowed, isOriginAllowed, originOf, preflightHeaders } from "./http-guards.ts";
import { checkHealth, readHealthQuery } from "./http-health.ts";
import { closeServer, listen } from "./http-listen.ts";
import { parseMessage, rateLimitedError, refuseEach, requestCount } from "./incoming.ts";
import { errorResponse, serializeReply } from "./jsonrpc.ts";
import { createMethodTable, type RpcMethodTable } from "./methods.ts";
import { type ResolvedRpcServerOptions, type RpcServerOptions, resolveRpcServerOptions } from "./options.ts";
import { RateLimiter } from "./rate-limit.ts";
import { attachWebSocket } from "./ws-server.ts";

export interface RpcServer {
  /** Base URL, e.g. "http://127.0.0.1:8545"; JSON-RPC is at `${url}/` (ws:// too), health at `${url}/health`. */
  url: string;
  /** Open WebSocket connections. */
  readonly wsConnections: number;
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

interface Context {
  api: RpcNodeApi;
  opts: ResolvedRpcServerOptions;
  /** With admin_* answering (loopback clients) and without (everyone else). */
  tables: { admin: RpcMethodTable; remote: RpcMethodTable };
  limiter: RateLimiter | null;
  report: Report;
}

type Report = (error: unknown, method: string) => void;

export async function startRpcServer(api: RpcNodeApi, options: RpcServerOptions): Promise<RpcServer> {
  const opts = resolveRpcServerOptions(options);
  const report: Report = (error, method) => {
    try {
      opts.onInternalError?.(error, method);
    } catch {
      // A broken reporter must not turn into a broken response.
    }
  };
  const ctx: Context = {
    api,
    opts,
    tables: { admin: createMethodTable(api, { admin: true }), remote: createMethodTable(api, { admin: false }) },
    limiter: opts.rateLimit === null ? null : new RateLimiter(opts.rateLimit, opts.now),
    report,
  };

  const server = createServer((req, res) => {
    route(req, res, ctx).catch((e) => {
      report(e, "");
      if (!res.headersSent) sendJson(res, 500, internalErrorBody());
      else res.destroy();
    });
  });
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  const ws = attachWebSocket(server, ctx);

  const url = await listen(server, opts.host, opts.port);
  let closing: Promise<void> | undefined;
  return {
    url,
    get wsConnections() {
      return ws.connections;
    },
    close: () => (closing ??= Promise.all([ws.close(), closeServer(server)]).then(() => undefined)),
  };
}

async function route(req: IncomingMessage, res: ServerResponse, ctx: Context): Promise<void> {
  const [path, query = ""] = (req.url ?? "/").split("?", 2);
  const origin = originOf(req.headers);
  const cors = corsHeaders(origin, ctx.opts.cors);
  if (path === "/health") {
    // Exempt from the Host allow-list: orchestrators probe by the pod's address, and health
    // reveals nothing a rebinding page could use.
    if (req.method !== "GET" && req.method !== "HEAD") {
      return sendText(res, 405, "use GET\n", { allow: "GET, HEAD", ...cors });
    }
    return handleHealth(res, ctx, query, cors);
  }
  if (!isHostAllowed(req.headers.host, ctx.opts.hosts)) {
    return sendForbidden(res, "Host not allowed: add it to the node's rpc.hosts");
  }
  if (!isOriginAllowed(origin, ctx.opts.cors)) {
    return sendForbidden(res, "Origin not allowed: add it to the node's rpc.cors");
  }
  if (path === "/") {
    if (req.method === "OPTIONS") {
      res.writeHead(204, { allow: "POST, OPTIONS", ...preflightHeaders(origin, ctx.opts.cors) }).end();
      return;
    }
    if (req.method !== "POST") {
      const hint = "JSON-RPC requests are sent by POST (or over a WebSocket upgrade)\n";
      return sendText(res, 405, hint, { allow: "POST", ...cors });
    }
    return handleRpc(req, res, ctx, cors);
  }
  sendText(res, 404, "not found: JSON-RPC is served at POST / and WebSocket /, health at GET /health\n", cors);
}

async function handleRpc(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: Context,
  cors: Record<string, string>,
): Promise<void> {
  const { opts } = ctx;
  if (!isJsonContentType(req.headers["content-type"])) {
    const error = new RpcError(RpcErrorCode.invalidRequest, "invalid request: Content-Type must be application/json");
    return sendJson(res, 415, serializeReply(errorResponse(null, error)), cors);
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
    return sendJson(res, 413, serializeReply(errorResponse(null, error)), { connection: "close", ...cors });
  }
  const parsed = parseMessage(body);
  if ("reply" in parsed) return sendJson(res, 200, serializeReply(parsed.reply), cors);
  const { message } = parsed;
  if (ctx.limiter !== null) {
    const decision = ctx.limiter.take(rateLimitKey(req.socket.remoteAddress), requestCount(message, opts.maxBatch));
    if (!decision.ok) {
      const error = rateLimitedError(decision.retryAfterMs);
      const refused = refuseEach(message, error) ?? errorResponse(null, error);
      const retryAfter = String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000)));
      return sendJson(res, 429, serializeReply(refused), { "retry-after": retryAfter, ...cors });
    }
  }
  const methods = isLoopbackAddress(req.socket.remoteAddress) ? ctx.tables.admin : ctx.tables.remote;
  const reply = await dispatchMessage(message, methods, { maxBatch: opts.maxBatch, onInternalError: ctx.report });
  if (reply === undefined) {
    res.writeHead(204, cors).end();
    return;
  }
  sendJson(
    res,
    200,
    serializeReply(reply, (e) => ctx.report(e, "")),
    cors,
  );
}

function handleHealth(res: ServerResponse, ctx: Context, query: string, cors: Record<string, string>): void {
  const q = readHealthQuery(query);
  if ("error" in q) {
    sendText(res, 400, `${q.error}\n`, cors);
    return;
  }
  const answer = checkHealth(ctx.api, q, (e) => ctx.report(e, "health"));
  sendJson(res, answer.status, JSON.stringify(answer.body), cors);
}

function sendForbidden(res: ServerResponse, why: string): void {
  const error = new RpcError(RpcErrorCode.forbidden, `forbidden: ${why}`);
  sendJson(res, 403, serializeReply(errorResponse(null, error)));
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
