// The JSON-RPC client over HTTP (fetch): one POST per call or per batch. For notifications
// (new blocks, a transaction's progress) use RpcSocket over WebSocket.
import { fromHex } from "../../crypto/index.ts";
import { RpcError, RpcErrorCode } from "../errors.ts";
import type { RpcStatusJson } from "../results.ts";
import { reached } from "../tx-status.ts";
import type { RpcCall } from "./calls.ts";
import { badResponse, RpcClientError, RpcClientErrorCode } from "./errors.ts";
import { RpcMethods, type Settled } from "./methods.ts";
import type { BytesLike, ClientTxStatus, SendOptions } from "./types.ts";
import { idOf, resultOf, type WireRequest } from "./wire.ts";

export interface RpcClientOptions {
  /** How long one request may take (default 30000 ms); calls that wait for inclusion get longer. */
  timeoutMs?: number;
  /** Extra HTTP headers, e.g. for an authenticating proxy in front of the node. */
  headers?: Record<string, string>;
}

export interface WaitOptions {
  /** Give up after this long (default 60000 ms): RpcError -32022 with data {hash, status}. */
  timeoutMs?: number;
  /** Polling interval over HTTP (default 250 ms). */
  intervalMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * A typed UBN client over HTTP:
 *
 *     const client = new RpcClient("http://127.0.0.1:8545");
 *     const balance = await client.getBalance("isc1...");            // bigint, base units
 *     const hash = await client.sendTransaction(signed, { waitUntil: "finalized" });
 *     const [height, nonce] = await client.batch(ubn.blockNumber(), ubn.getTransactionCount(a, "pending"));
 *
 * Quantities are bigint, data are 0x strings (bytes accepted as input), addresses "isc1...".
 * A JSON-RPC error is thrown as RpcError (code, message, data); a transport failure as
 * RpcClientError (RPC_UNREACHABLE, RPC_HTTP, RPC_TIMEOUT, RPC_BAD_RESPONSE).
 */
export class RpcClient extends RpcMethods {
  readonly url: string;
  private readonly timeoutMs: number;
  private readonly headers: Record<string, string>;
  private nextId = 1;

  constructor(url: string, options: RpcClientOptions = {}) {
    super();
    this.url = url;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.headers = { ...options.headers, "content-type": "application/json" };
  }

  async send<T>(call: RpcCall<T>, timeoutMs?: number): Promise<T> {
    const request: WireRequest = { jsonrpc: "2.0", id: this.nextId++, method: call.method, params: call.params };
    const body = await this.post(request, Math.max(timeoutMs ?? 0, this.timeoutMs));
    return call.decode(resultOf(body));
  }

  async sendBatch(calls: readonly RpcCall<unknown>[]): Promise<Settled<unknown>[]> {
    if (calls.length === 0) return [];
    const requests: WireRequest[] = calls.map((c) => ({
      jsonrpc: "2.0",
      id: this.nextId++,
      method: c.method,
      params: c.params,
    }));
    const body = await this.post(requests, this.timeoutMs);
    // A batch refused as a whole (too many calls) is answered by one error object.
    if (!Array.isArray(body)) {
      resultOf(body);
      throw badResponse("a batch should be answered by an array", body);
    }
    const byId = new Map(body.map((r) => [idOf(r), r]));
    return calls.map((c, i) => {
      try {
        const response = byId.get((requests[i] as WireRequest).id);
        if (response === undefined) throw badResponse(`no answer to ${c.method} in the batch`, body);
        return { ok: true, value: c.decode(resultOf(response)) };
      } catch (e) {
        if (e instanceof RpcError || e instanceof RpcClientError) return { ok: false, error: e };
        throw e;
      }
    });
  }

  /**
   * @deprecated Use sendTransaction, which returns the hash as a 0x string like every other
   * method. Kept for callers that want the hash as bytes.
   */
  async sendRawTransaction(tx: BytesLike, options?: SendOptions): Promise<Uint8Array> {
    return fromHex(await this.sendTransaction(tx, options), 32);
  }

  /** @deprecated ubn_status as the node sent it (quantities as 0x strings); use getStatus. */
  status(): Promise<RpcStatusJson> {
    return this.call("ubn_status");
  }

  /** GET /health: whether the node is up and, with `synced`, caught up with at least `minPeers` peers. */
  async health(options: { synced?: boolean; minPeers?: number } = {}): Promise<{ ok: boolean; body: unknown }> {
    const query = new URLSearchParams();
    if (options.synced) query.set("synced", "");
    if (options.minPeers !== undefined) query.set("min_peers", String(options.minPeers));
    const url = `${this.url.replace(/\/$/, "")}/health${query.size > 0 ? `?${query}` : ""}`;
    const res = await this.fetch(url, { method: "GET", headers: this.headers }, this.timeoutMs);
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // A proxy's page; report it as text.
    }
    return { ok: res.ok, body };
  }

  /**
   * Polls until the transaction reaches `until` ("included" or "finalized") and returns that
   * status. Over WebSocket, RpcSocket.waitForTransaction is told instead of asking.
   */
  async waitForTransaction(
    hash: BytesLike,
    until: "included" | "finalized",
    options: WaitOptions = {},
  ): Promise<ClientTxStatus> {
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    const interval = options.intervalMs ?? 250;
    for (;;) {
      const status = await this.getTransactionStatus(hash);
      if (reached(status.status, until)) return status;
      if (Date.now() >= deadline) {
        throw new RpcError(RpcErrorCode.waitTimeout, `transaction not ${until} in time (still ${status.status})`, {
          hash: status.hash,
          status: status.status,
        });
      }
      await new Promise((r) => setTimeout(r, interval));
    }
  }

  private async post(request: WireRequest | WireRequest[], timeoutMs: number): Promise<unknown> {
    const res = await this.fetch(
      this.url,
      { method: "POST", headers: this.headers, body: JSON.stringify(request) },
      timeoutMs,
    );
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      if (!res.ok)
        throw new RpcClientError(
          RpcClientErrorCode.http,
          `${this.url} answered HTTP ${res.status}: ${text.slice(0, 200).trim()}`,
        );
      throw badResponse("the body should be JSON", text);
    }
    return body;
  }

  private async fetch(url: string, init: RequestInit, timeoutMs: number): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (e) {
      if (e instanceof DOMException && (e.name === "TimeoutError" || e.name === "AbortError"))
        throw new RpcClientError(RpcClientErrorCode.timeout, `no answer from ${url} within ${timeoutMs} ms`);
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (e as Error).message;
      throw new RpcClientError(RpcClientErrorCode.unreachable, `cannot reach the node at ${url} (${why})`, {
        cause: e,
      });
    }
  }
}
