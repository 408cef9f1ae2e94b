// Options of the RPC server, with defaults safe for a node on an untrusted network: local only,
// bounded bodies and batches.
export interface RpcServerOptions {
  /** Interface to listen on; the default keeps RPC local until an operator opens it. */
  host?: string;
  /** TCP port; 0 picks a free one (see the returned url). */
  port: number;
  /** Largest request body in bytes; a larger one is answered 413. */
  maxBodyBytes?: number;
  /** Most requests in one batch. */
  maxBatch?: number;
  /** Told about each failure answered as -32603, for the node's log. Must not throw. */
  onInternalError?: (error: unknown, method: string) => void;
}

export const defaultRpcServerOptions = {
  host: "127.0.0.1",
  maxBodyBytes: 1024 * 1024,
  maxBatch: 100,
} as const;

export interface ResolvedRpcServerOptions {
  host: string;
  port: number;
  maxBodyBytes: number;
  maxBatch: number;
  onInternalError: ((error: unknown, method: string) => void) | undefined;
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1)
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

export function resolveRpcServerOptions(opts: RpcServerOptions): ResolvedRpcServerOptions {
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
    throw new RangeError(`port must be an integer in 0..65535, got ${opts.port}`);
  }
  return {
    host: opts.host ?? defaultRpcServerOptions.host,
    port: opts.port,
    maxBodyBytes: positiveInteger(opts.maxBodyBytes ?? defaultRpcServerOptions.maxBodyBytes, "maxBodyBytes"),
    maxBatch: positiveInteger(opts.maxBatch ?? defaultRpcServerOptions.maxBatch, "maxBatch"),
    onInternalError: opts.onInternalError,
  };
}
