// Limits of one chain's pool. Every limit bounds memory or work an anonymous peer can cause.
import { MempoolError, MempoolErrorCode } from "./errors.ts";

export interface MempoolOptions {
  /** Transactions held at most. */
  maxTxs: number;
  /** Sum of encoded transaction sizes held at most. */
  maxBytes: number;
  /** Transactions queued per sender at most. */
  maxPerSender: number;
  /** A nonce more than this above the sender's account nonce is refused. */
  maxNonceGap: number;
  /** Age after which evictStale() drops a transaction. */
  ttlMs: number;
}

export const defaultMempoolOptions: MempoolOptions = {
  maxTxs: 20_000,
  maxBytes: 64 * 1024 * 1024,
  maxPerSender: 256,
  maxNonceGap: 64,
  ttlMs: 10 * 60 * 1000,
};

/**
 * How many hashes of included (or nonce-obsolete) transactions are remembered, so a replay is
 * refused by a map lookup before any account read: a few full blocks' worth (20,000 each).
 */
export const RECENTLY_REMOVED_CAPACITY = 65_536;

export function mempoolOptions(opts: Partial<MempoolOptions>): MempoolOptions {
  const o = { ...defaultMempoolOptions, ...opts };
  for (const name of ["maxTxs", "maxBytes", "maxPerSender"] as const) {
    if (!Number.isSafeInteger(o[name]) || o[name] < 1) {
      throw new MempoolError(MempoolErrorCode.invalidOptions, `${name} must be a positive integer, got ${o[name]}`);
    }
  }
  if (!Number.isSafeInteger(o.maxNonceGap) || o.maxNonceGap < 0) {
    throw new MempoolError(
      MempoolErrorCode.invalidOptions,
      `maxNonceGap must be an integer >= 0, got ${o.maxNonceGap}`,
    );
  }
  if (!Number.isFinite(o.ttlMs) || o.ttlMs <= 0) {
    throw new MempoolError(MempoolErrorCode.invalidOptions, `ttlMs must be a positive number, got ${o.ttlMs}`);
  }
  return o;
}
