// WebSocket JSON-RPC on the HTTP server's port: an upgrade of GET / becomes a connection
// (ws-connection.ts). The same guards as HTTP apply before the handshake (Host allow-list, Origin,
// rate limit), plus a cap on open connections; dead peers are found by ping and dropped so they
// do not hold a connection slot.
import { type IncomingMessage, type Server, STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import type { RpcNodeApi } from "./api.ts";
import { isLoopbackAddress, rateLimitKey } from "./client-address.ts";
import { isHostAllowed, isOriginAllowed, originOf } from "./http-guards.ts";
import type { RpcMethodTable } from "./methods.ts";
import type { ResolvedRpcServerOptions } from "./options.ts";
import type { RateLimiter } from "./rate-limit.ts";
import { WsConnection } from "./ws-connection.ts";

/** How often each connection is pinged; one missed pong and it is dropped. */
const HEARTBEAT_MS = 30_000;
/** How long close() lets clients answer the close frame before cutting them. */
const CLOSE_GRACE_MS = 1000;

export interface WsTransportDeps {
  api: RpcNodeApi;
  opts: ResolvedRpcServerOptions;
  tables: { admin: RpcMethodTable; remote: RpcMethodTable };
  limiter: RateLimiter | null;
  report: (error: unknown, method: string) => void;
}

export interface WsTransport {
  /** Open connections (for tests and metrics). */
  readonly connections: number;
  /** Closes every connection (1001) and stops accepting upgrades. */
  close(): Promise<void>;
}

export function attachWebSocket(server: Server, deps: WsTransportDeps): WsTransport {
  const { opts } = deps;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: opts.wsMaxMessageBytes,
    // Compression would let a small frame inflate past every byte bound (and costs CPU per client).
    perMessageDeflate: false,
    clientTracking: false,
  });
  const live = new Map<WebSocket, { alive: boolean }>();
  let closing = false;

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => socket.destroy());
    const refusal = refuseUpgrade(req, deps, live.size, closing);
    if (refusal !== null) return rejectHandshake(socket, refusal.status, refusal.text, refusal.headers);
    wss.handleUpgrade(req, socket, head, (ws) => {
      const state = { alive: true };
      live.set(ws, state);
      ws.on("pong", () => {
        state.alive = true;
      });
      ws.on("close", () => live.delete(ws));
      const remote = req.socket.remoteAddress;
      new WsConnection(ws, {
        api: deps.api,
        opts,
        methods: isLoopbackAddress(remote) ? deps.tables.admin : deps.tables.remote,
        limiter: deps.limiter,
        clientKey: rateLimitKey(remote),
        report: deps.report,
      });
    });
  };
  server.on("upgrade", onUpgrade);

  const heartbeat = setInterval(() => {
    for (const [ws, state] of live) {
      if (!state.alive) {
        ws.terminate();
        continue;
      }
      state.alive = false;
      ws.ping();
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  return {
    get connections() {
      return live.size;
    },
    close: async () => {
      closing = true;
      clearInterval(heartbeat);
      server.off("upgrade", onUpgrade);
      const closed = [...live.keys()].map(
        (ws) =>
          new Promise<void>((resolve) => {
            if (ws.readyState === ws.CLOSED) return resolve();
            ws.once("close", () => resolve());
            ws.close(1001, "server stopping");
            setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref();
          }),
      );
      await Promise.all(closed);
      wss.close();
    },
  };
}

interface Refusal {
  status: number;
  text: string;
  headers?: Record<string, string>;
}

function refuseUpgrade(req: IncomingMessage, deps: WsTransportDeps, open: number, closing: boolean): Refusal | null {
  const { opts } = deps;
  if (closing) return { status: 503, text: "the server is stopping" };
  if ((req.url ?? "/").split("?", 1)[0] !== "/") return { status: 404, text: "WebSocket JSON-RPC is served at /" };
  if (!isHostAllowed(req.headers.host, opts.hosts)) {
    return { status: 403, text: "Host not allowed: add it to the node's rpc.hosts" };
  }
  if (!isOriginAllowed(originOf(req.headers), opts.cors)) {
    return { status: 403, text: "Origin not allowed: add it to the node's rpc.cors" };
  }
  if (open >= opts.wsMaxConnections) {
    return { status: 503, text: `too many WebSocket connections (at most ${opts.wsMaxConnections})` };
  }
  if (deps.limiter !== null) {
    const decision = deps.limiter.take(rateLimitKey(req.socket.remoteAddress), 1);
    if (!decision.ok) {
      const retryAfter = String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000)));
      return { status: 429, text: "rate limited", headers: { "retry-after": retryAfter } };
    }
  }
  return null;
}

/** Answers a refused upgrade with a plain HTTP response and closes the socket. */
function rejectHandshake(socket: Duplex, status: number, text: string, headers: Record<string, string> = {}): void {
  const body = `${text}\n`;
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}`,
    "Connection: close",
    "Content-Type: text/plain; charset=utf-8",
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.end(`${lines.join("\r\n")}\r\n\r\n${body}`, () => socket.destroy());
}
