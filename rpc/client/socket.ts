// The JSON-RPC client over WebSocket (Node's global WebSocket, or a browser's): every typed
// method, plus subscriptions: new and finalized blocks, a transaction's progress, an account's
// changes, the sync state, pushed by the node as `ubn_subscription` notifications.
import { RpcError, RpcErrorCode } from "../errors.ts";
import { reached } from "../tx-status.ts";
import { addressOf, hexOf, type RpcCall } from "./calls.ts";
import * as read from "./decode.ts";
import { badResponse, RpcClientError, RpcClientErrorCode } from "./errors.ts";
import { RpcMethods, type Settled } from "./methods.ts";
import type { AddressLike, BytesLike, ClientAccount, ClientBlock, ClientSyncing, ClientTxStatus } from "./types.ts";
import { idOf, resultOf, type WireRequest } from "./wire.ts";

/** What each kind of subscription takes and what each notification carries. */
export interface SubscriptionKinds {
  /** Each block executed above the final tip (not final yet). */
  newHeads: { param: undefined; result: ClientBlock };
  /** Each committed (final) block. */
  finalizedHeads: { param: undefined; result: ClientBlock };
  /** A transaction's status on each change; the current one at once; ends after finalized. */
  transactionStatus: { param: BytesLike; result: ClientTxStatus };
  /** The account after each committed block that wrote it. */
  accountChanges: { param: AddressLike; result: ClientAccount };
  syncing: { param: undefined; result: ClientSyncing | false };
}
export type SubscriptionKind = keyof SubscriptionKinds;

/** Cancels a subscription; resolves once the node confirmed (or the socket is gone). */
export type Unsubscribe = () => Promise<void>;

export interface RpcSocketOptions {
  /** How long a call may wait for its answer (default 30000 ms). */
  timeoutMs?: number;
  /** How long connecting may take (default 10000 ms). */
  connectTimeoutMs?: number;
}

interface Pending {
  resolve(response: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

interface Subscriber {
  kind: SubscriptionKind;
  onNotification(result: unknown): void;
  onError(error: Error): void;
}

const decoders: { [K in SubscriptionKind]: (v: unknown) => SubscriptionKinds[K]["result"] } = {
  newHeads: read.blockOfHashes,
  finalizedHeads: read.blockOfHashes,
  transactionStatus: read.txStatus,
  accountChanges: read.account,
  syncing: (v) =>
    v !== null && typeof v === "object" && (v as { syncing?: unknown }).syncing === false ? false : read.syncing(v),
};

/** Notifications that come before the answer to their ubn_subscribe, kept until it arrives. */
const MAX_EARLY_NOTIFICATIONS = 1024;

/** "http://host:port" -> "ws://host:port" (https -> wss); the node serves both on one port. */
export function wsUrlOf(httpUrl: string): string {
  return httpUrl.replace(/^http(s?):\/\//i, (_, s: string) => `ws${s}://`);
}

/**
 * A typed UBN client over one WebSocket:
 *
 *     const socket = await RpcSocket.connect("ws://127.0.0.1:8545");
 *     const stop = await socket.subscribe("finalizedHeads", undefined, (block) => console.log(block.height));
 *     const status = await socket.waitForTransaction(hash, "finalized");
 *     await stop();
 *     socket.close();
 */
export class RpcSocket extends RpcMethods {
  readonly url: string;
  /** Resolves when the socket has closed, for whatever reason, with the close code and reason. */
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly ws: WebSocket;
  private readonly timeoutMs: number;
  private readonly pending = new Map<number, Pending>();
  private readonly subscribers = new Map<string, Subscriber>();
  private readonly early = new Map<string, unknown[]>();
  private subscribing = 0;
  private nextId = 1;
  private closeError: RpcClientError | null = null;

  private constructor(url: string, ws: WebSocket, options: RpcSocketOptions) {
    super();
    this.url = url;
    this.ws = ws;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.closed = new Promise((resolve) => {
      ws.addEventListener("close", (event) => {
        this.closeError = new RpcClientError(
          RpcClientErrorCode.closed,
          `the WebSocket to ${url} closed (${event.code}${event.reason ? ` ${event.reason}` : ""})`,
        );
        for (const p of this.pending.values()) {
          clearTimeout(p.timer);
          p.reject(this.closeError);
        }
        this.pending.clear();
        for (const s of this.subscribers.values()) s.onError(this.closeError);
        this.subscribers.clear();
        resolve({ code: event.code, reason: event.reason });
      });
    });
    ws.addEventListener("message", (event) => this.onMessage(event.data));
  }

  /** Opens the socket; rejects with RpcClientError RPC_UNREACHABLE if it cannot. */
  static connect(url: string, options: RpcSocketOptions = {}): Promise<RpcSocket> {
    return new Promise((resolve, reject) => {
      let ws: WebSocket;
      try {
        ws = new WebSocket(url);
      } catch (e) {
        reject(new RpcClientError(RpcClientErrorCode.unreachable, `bad WebSocket URL ${url}: ${(e as Error).message}`));
        return;
      }
      ws.binaryType = "arraybuffer";
      const timer = setTimeout(() => {
        fail(`no connection within ${options.connectTimeoutMs ?? 10_000} ms`);
        ws.close();
      }, options.connectTimeoutMs ?? 10_000);
      const fail = (why: string) => {
        clearTimeout(timer);
        reject(new RpcClientError(RpcClientErrorCode.unreachable, `cannot open a WebSocket to ${url} (${why})`));
      };
      const onClose = (e: CloseEvent) => fail(`closed ${e.code}${e.reason ? ` ${e.reason}` : ""}`);
      ws.addEventListener("close", onClose, { once: true });
      ws.addEventListener("error", () => fail("connection failed"), { once: true });
      ws.addEventListener(
        "open",
        () => {
          clearTimeout(timer);
          ws.removeEventListener("close", onClose);
          resolve(new RpcSocket(url, ws, options));
        },
        { once: true },
      );
    });
  }

  /** Closes the socket; pending calls fail with RPC_CLOSED, subscriptions end. */
  close(): Promise<void> {
    if (this.ws.readyState !== WebSocket.CLOSED) this.ws.close(1000, "client closing");
    return this.closed.then(() => undefined);
  }

  async send<T>(call: RpcCall<T>, timeoutMs?: number): Promise<T> {
    const [response] = await this.transmit([call], Math.max(timeoutMs ?? 0, this.timeoutMs), false);
    return call.decode(resultOf(response));
  }

  async sendBatch(calls: readonly RpcCall<unknown>[]): Promise<Settled<unknown>[]> {
    if (calls.length === 0) return [];
    const responses = await this.transmit(calls, this.timeoutMs, true);
    return calls.map((c, i) => {
      try {
        return { ok: true, value: c.decode(resultOf(responses[i])) };
      } catch (e) {
        if (e instanceof RpcError || e instanceof RpcClientError) return { ok: false, error: e };
        throw e;
      }
    });
  }

  /**
   * Subscribes to `kind` (with its param: a transaction hash, an address, or undefined) and
   * calls `onNotification` with each decoded notification. Returns the function that ends it.
   * `onError` hears of a notification that could not be decoded and of the socket closing.
   */
  async subscribe<K extends SubscriptionKind>(
    kind: K,
    param: SubscriptionKinds[K]["param"],
    onNotification: (result: SubscriptionKinds[K]["result"]) => void,
    onError: (error: Error) => void = () => {},
  ): Promise<Unsubscribe> {
    const params: unknown[] = [kind];
    if (kind === "transactionStatus") params.push(hexOf(param as BytesLike));
    else if (kind === "accountChanges") params.push(addressOf(param as AddressLike));
    const decode = decoders[kind] as (v: unknown) => SubscriptionKinds[K]["result"];
    this.subscribing++;
    let id: string;
    try {
      id = await this.send({ method: "ubn_subscribe", params, decode: (r) => read.string(r, "subscription id") });
    } finally {
      this.subscribing--;
    }
    const subscriber: Subscriber = {
      kind,
      onNotification: (raw) => {
        let value: SubscriptionKinds[K]["result"];
        try {
          value = decode(raw);
        } catch (e) {
          onError(e as Error);
          return;
        }
        // The node ends a transaction's subscription itself once it is final.
        if (kind === "transactionStatus" && (value as ClientTxStatus).status === "finalized")
          this.subscribers.delete(id);
        onNotification(value);
      },
      onError,
    };
    this.subscribers.set(id, subscriber);
    const early = this.early.get(id) ?? [];
    this.early.delete(id);
    for (const raw of early) if (this.subscribers.get(id) === subscriber) subscriber.onNotification(raw);
    if (this.subscribing === 0) this.early.clear();

    return async () => {
      if (this.subscribers.get(id) !== subscriber) return;
      this.subscribers.delete(id);
      if (this.closeError !== null) return;
      await this.send({ method: "ubn_unsubscribe", params: [id], decode: (r) => r }).catch(() => undefined);
    };
  }

  /**
   * Resolves with the transaction's status once it is `until` ("included" or "finalized") or
   * further; rejects with RpcError -32022 (data {hash, status}) after `timeoutMs` (default 60000).
   */
  async waitForTransaction(
    hash: BytesLike,
    until: "included" | "finalized",
    options: { timeoutMs?: number } = {},
  ): Promise<ClientTxStatus> {
    const timeoutMs = options.timeoutMs ?? 60_000;
    let last: ClientTxStatus["status"] = "unknown";
    let subscribed: Promise<Unsubscribe> | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      return await new Promise<ClientTxStatus>((resolve, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new RpcError(
                RpcErrorCode.waitTimeout,
                `transaction not ${until} within ${timeoutMs} ms (still ${last})`,
                {
                  hash: hexOf(hash),
                  status: last,
                },
              ),
            ),
          timeoutMs,
        );
        subscribed = this.subscribe(
          "transactionStatus",
          hash,
          (s) => {
            last = s.status;
            if (reached(s.status, until)) resolve(s);
          },
          reject,
        );
        subscribed.catch(reject);
      });
    } finally {
      clearTimeout(timer);
      // The status may settle the wait before subscribe() has handed back its unsubscribe.
      const unsubscribe = await subscribed?.catch(() => undefined);
      await unsubscribe?.();
    }
  }

  private transmit(calls: readonly RpcCall<unknown>[], timeoutMs: number, asBatch: boolean): Promise<unknown[]> {
    if (this.closeError !== null) return Promise.reject(this.closeError);
    const requests: WireRequest[] = calls.map((c) => ({
      jsonrpc: "2.0",
      id: this.nextId++,
      method: c.method,
      params: c.params,
    }));
    const answers = requests.map(
      (r) =>
        new Promise<unknown>((resolve, reject) => {
          const timer = setTimeout(() => {
            this.pending.delete(r.id);
            reject(new RpcClientError(RpcClientErrorCode.timeout, `no answer to ${r.method} within ${timeoutMs} ms`));
          }, timeoutMs);
          this.pending.set(r.id, { resolve, reject, timer });
        }),
    );
    this.ws.send(JSON.stringify(asBatch ? requests : requests[0]));
    return Promise.all(answers);
  }

  private onMessage(raw: unknown): void {
    let message: unknown;
    try {
      const text = typeof raw === "string" ? raw : new TextDecoder().decode(raw as ArrayBuffer);
      message = JSON.parse(text);
    } catch {
      this.failAll(badResponse("a WebSocket message should be JSON", raw));
      return;
    }
    for (const m of Array.isArray(message) ? message : [message]) this.route(m);
  }

  private route(m: unknown): void {
    const note = m as { method?: unknown; params?: { subscription?: unknown; result?: unknown } };
    if (note !== null && typeof note === "object" && note.method === "ubn_subscription") {
      const id = note.params?.subscription;
      if (typeof id !== "string") return;
      const subscriber = this.subscribers.get(id);
      if (subscriber !== undefined) subscriber.onNotification(note.params?.result);
      else if (this.subscribing > 0) {
        const queue = this.early.get(id) ?? [];
        if (queue.length < MAX_EARLY_NOTIFICATIONS) queue.push(note.params?.result);
        this.early.set(id, queue);
      }
      return;
    }
    const id = idOf(m);
    const pending = id === undefined ? undefined : this.pending.get(id);
    if (pending === undefined || id === undefined) {
      // An error with a null id answers a message the node could not parse at all (too large):
      // it belongs to nobody, so everything in flight learns of it.
      if (m !== null && typeof m === "object" && "error" in m && (m as { id?: unknown }).id === null) {
        try {
          resultOf(m);
        } catch (e) {
          this.failAll(e as Error);
        }
      }
      return;
    }
    this.pending.delete(id);
    clearTimeout(pending.timer);
    pending.resolve(m);
  }

  private failAll(error: Error): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(error);
    }
    this.pending.clear();
  }
}
