// Options of the RPC server, with defaults safe for a node on an untrusted network: local only,
// every resource a client can make the node hold (bytes, requests, connections, subscriptions,
// queued notifications) bounded, and no browser page of another origin let in.

export interface RpcRateLimit {
  /** Requests per second refilled into each client's bucket (each request of a batch counts). */
  perSecond: number;
  /** Bucket size: how many requests a client may send at once after a quiet period. */
  burst: number;
}

export interface RpcServerOptions {
  /** Interface to listen on; the default keeps RPC local until an operator opens it. */
  host?: string;
  /** TCP port; 0 picks a free one (see the returned url). */
  port: number;
  /** Largest HTTP request body in bytes; a larger one is answered 413. */
  maxBodyBytes?: number;
  /** Most requests in one batch (HTTP or WebSocket). */
  maxBatch?: number;
  /** Largest WebSocket message in bytes; a larger one closes the connection with 1009. */
  wsMaxMessageBytes?: number;
  /** Most WebSocket connections open at once; further upgrades are answered 503. */
  wsMaxConnections?: number;
  /** Most live subscriptions on one WebSocket connection (-32032 past it). */
  maxSubscriptionsPerConnection?: number;
  /** Most messages waiting to be sent to one WebSocket client; past it the client is cut (1008). */
  notificationQueue?: number;
  /** Token bucket per client IP (IPv6: per /64); null turns rate limiting off. */
  rateLimit?: RpcRateLimit | null;
  /** Origins allowed by CORS and for WebSocket upgrades ("*": any); [] sends no CORS headers. */
  cors?: readonly string[];
  /**
   * Host header values allowed (without port; "*": any), against DNS rebinding. The bound host is
   * always added unless it is a wildcard address (0.0.0.0, ::), which no client sends as Host.
   */
  hosts?: readonly string[];
  /** Told about each failure answered as -32603, for the node's log. Must not throw. */
  onInternalError?: (error: unknown, method: string) => void;
  /** Milliseconds clock for the rate limiter; tests pass a controlled one. */
  now?: () => number;
}

export const defaultRpcServerOptions = {
  host: "127.0.0.1",
  maxBodyBytes: 1024 * 1024,
  maxBatch: 100,
  wsMaxMessageBytes: 1024 * 1024,
  wsMaxConnections: 200,
  maxSubscriptionsPerConnection: 100,
  notificationQueue: 1024,
  rateLimit: { perSecond: 500, burst: 1000 },
  cors: [],
  hosts: ["localhost", "127.0.0.1", "[::1]"],
} as const;

export interface ResolvedRpcServerOptions {
  host: string;
  port: number;
  maxBodyBytes: number;
  maxBatch: number;
  wsMaxMessageBytes: number;
  wsMaxConnections: number;
  maxSubscriptionsPerConnection: number;
  notificationQueue: number;
  rateLimit: RpcRateLimit | null;
  /** Lower-case origins, or "*". */
  cors: readonly string[];
  /** Lower-case host names, IPv6 in brackets, or "*". */
  hosts: readonly string[];
  onInternalError: ((error: unknown, method: string) => void) | undefined;
  now: () => number;
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1)
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

function positiveNumber(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}

const WILDCARD_HOSTS = new Set(["0.0.0.0", "::", "[::]"]);

/** How a bind address appears in a Host header: IPv6 in brackets, lower case. */
export function hostHeaderName(host: string): string {
  const lower = host.toLowerCase();
  return lower.includes(":") && !lower.startsWith("[") ? `[${lower}]` : lower;
}

/** "*" or an origin as browsers send it: scheme://host[:port], no path, no trailing slash. */
export function isCorsOrigin(origin: string): boolean {
  return origin === "*" || /^[a-z][a-z0-9+.-]*:\/\/[^/?#\s]+$/i.test(origin);
}

export function resolveRpcServerOptions(opts: RpcServerOptions): ResolvedRpcServerOptions {
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
    throw new RangeError(`port must be an integer in 0..65535, got ${opts.port}`);
  }
  const d = defaultRpcServerOptions;
  const host = opts.host ?? d.host;
  const rate = opts.rateLimit === undefined ? d.rateLimit : opts.rateLimit;
  const hosts = (opts.hosts ?? d.hosts).map((h) => hostHeaderName(h));
  if (!WILDCARD_HOSTS.has(host) && !hosts.includes(hostHeaderName(host))) hosts.push(hostHeaderName(host));
  for (const origin of opts.cors ?? []) {
    // An origin is scheme://host[:port], exactly what a browser sends; a path or a trailing slash
    // would never match and leave the operator wondering why.
    if (!isCorsOrigin(origin)) {
      throw new RangeError(`cors: "${origin}" is not an origin (scheme://host[:port]) or "*"`);
    }
  }
  return {
    host,
    port: opts.port,
    maxBodyBytes: positiveInteger(opts.maxBodyBytes ?? d.maxBodyBytes, "maxBodyBytes"),
    maxBatch: positiveInteger(opts.maxBatch ?? d.maxBatch, "maxBatch"),
    wsMaxMessageBytes: positiveInteger(opts.wsMaxMessageBytes ?? d.wsMaxMessageBytes, "wsMaxMessageBytes"),
    wsMaxConnections: positiveInteger(opts.wsMaxConnections ?? d.wsMaxConnections, "wsMaxConnections"),
    maxSubscriptionsPerConnection: positiveInteger(
      opts.maxSubscriptionsPerConnection ?? d.maxSubscriptionsPerConnection,
      "maxSubscriptionsPerConnection",
    ),
    notificationQueue: positiveInteger(opts.notificationQueue ?? d.notificationQueue, "notificationQueue"),
    rateLimit:
      rate === null
        ? null
        : {
            perSecond: positiveNumber(rate.perSecond, "rateLimit.perSecond"),
            burst: positiveInteger(rate.burst, "rateLimit.burst"),
          },
    cors: (opts.cors ?? d.cors).map((o) => o.toLowerCase()),
    hosts,
    onInternalError: opts.onInternalError,
    now: opts.now ?? (() => performance.now()),
  };
}
