// Node refusals as the wallet reports them: a stable string code for scripts (RPC_NONCE_TOO_LOW,
// from the numeric JSON-RPC code) and a hint of what to do about it.
import { CodedError } from "../../../crypto/index.ts";
import { RpcError, RpcErrorCode } from "../../../rpc/errors.ts";

const HINTS: Partial<Record<RpcErrorCode, string>> = {
  [RpcErrorCode.nonceTooLow]: "another transaction of this key got that nonce first; send again",
  [RpcErrorCode.nonceGap]: "earlier transactions of this key are missing; wait for them or give --nonce",
  [RpcErrorCode.insufficientFunds]: "the sender cannot pay amount plus fee; check 'ubn wallet balance'",
  [RpcErrorCode.feeTooLow]: "offer more with --fee (or leave --fee out to use the node's estimate)",
  [RpcErrorCode.alreadyKnown]: "the node already has this transaction (or another with the same nonce)",
  [RpcErrorCode.mempoolFull]: "the node's pool is full; try again shortly",
  [RpcErrorCode.wrongChain]: "the key signed for another chain; check --rpc",
  [RpcErrorCode.unavailable]: "the node is starting or stopping; try again shortly",
  [RpcErrorCode.methodNotFound]: "the node is older than this wallet",
  [RpcErrorCode.rateLimited]: "too many requests; slow down",
  [RpcErrorCode.subscriptionsNeedWebSocket]: "use the node's ws:// URL",
};

const NAMES = new Map<number, string>(
  Object.entries(RpcErrorCode).map(([name, code]) => [code, name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()]),
);

export class WalletRpcError extends CodedError<string> {
  override name = "WalletRpcError";
  readonly rpcCode: number;
  readonly data: unknown;

  constructor(e: RpcError, context: string) {
    const hint = HINTS[e.code];
    super(`RPC_${NAMES.get(e.code) ?? e.code}`, `${context}: ${e.message} (${e.code})${hint ? `; ${hint}` : ""}`);
    this.rpcCode = e.code;
    this.data = e.data;
  }
}

/** Runs `work`, turning an RpcError into a WalletRpcError that says what was being done. */
export async function explain<T>(context: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof RpcError) throw new WalletRpcError(e, context);
    throw e;
  }
}
