// One WebSocket connection: each text or binary message is one JSON-RPC message (a request or a
// batch), dispatched like HTTP through the connection's own method table, whose ubn_subscribe and
// ubn_unsubscribe are bound to this connection's subscriptions. Replies and notifications share
// one bounded outbox (ws-outbox.ts).
import type { RawData, WebSocket } from "ws";
import type { RpcNodeApi } from "./api.ts";
import { dispatchMessage } from "./dispatch.ts";
import { parseMessage, rateLimitedError, refuseEach, requestCount } from "./incoming.ts";
import { type JsonRpcReply, serializeReply } from "./jsonrpc.ts";
import type { RpcMethod, RpcMethodTable } from "./methods.ts";
import type { ResolvedRpcServerOptions } from "./options.ts";
import type { RateLimiter } from "./rate-limit.ts";
import { ConnectionSubscriptions } from "./subscriptions.ts";
import { WsOutbox } from "./ws-outbox.ts";

/**
 * Messages of one connection being worked on at once. Past it the connection's socket is not read
 * until one finishes, so a client cannot pile up work (slow calls such as waits for finality)
 * faster than the node finishes it: TCP backpressure does the refusing.
 */
const MAX_IN_FLIGHT = 32;

export interface WsConnectionDeps {
  api: RpcNodeApi;
  opts: ResolvedRpcServerOptions;
  /** The table for this client (with admin_* or without, by its address). */
  methods: RpcMethodTable;
  limiter: RateLimiter | null;
  /** The client's rate-limit bucket. */
  clientKey: string;
  report: (error: unknown, method: string) => void;
}

export class WsConnection {
  private readonly ws: WebSocket;
  private readonly deps: WsConnectionDeps;
  private readonly outbox: WsOutbox;
  private readonly subs: ConnectionSubscriptions;
  private inFlight = 0;
  private paused = false;
  private closed = false;

  constructor(ws: WebSocket, deps: WsConnectionDeps) {
    this.ws = ws;
    this.deps = deps;
    this.outbox = new WsOutbox(ws, deps.opts.notificationQueue, () => this.dispose());
    this.subs = new ConnectionSubscriptions(deps.api, {
      max: deps.opts.maxSubscriptionsPerConnection,
      heldLimit: deps.opts.notificationQueue,
      notify: (subscription, result) => this.notify(subscription, result),
      onOverflow: () => this.outbox.disconnectTooSlow(),
      report: deps.report,
    });
    ws.on("message", this.onMessage);
    ws.on("close", () => this.dispose());
    // Oversized messages and protocol errors: ws closes the connection itself (1009, 1002).
    ws.on("error", () => this.dispose());
  }

  /** Subscriptions live on this connection (for tests and metrics). */
  get subscriptions(): number {
    return this.subs.size;
  }

  private onMessage = (data: RawData): void => {
    if (this.closed) return;
    this.inFlight++;
    if (this.inFlight >= MAX_IN_FLIGHT && !this.paused) {
      this.paused = true;
      this.ws.pause();
    }
    this.handle(toBytes(data))
      .catch((e) => this.deps.report(e, ""))
      .finally(() => {
        this.inFlight--;
        if (this.paused && this.inFlight < MAX_IN_FLIGHT && !this.closed) {
          this.paused = false;
          this.ws.resume();
        }
      });
  };

  private async handle(bytes: Uint8Array): Promise<void> {
    const parsed = parseMessage(bytes);
    if ("reply" in parsed) return this.send(parsed.reply);
    const { message } = parsed;
    const { limiter, opts } = this.deps;
    if (limiter !== null) {
      const decision = limiter.take(this.deps.clientKey, requestCount(message, opts.maxBatch));
      if (!decision.ok) return this.send(refuseEach(message, rateLimitedError(decision.retryAfterMs)));
    }
    const created: string[] = [];
    try {
      const reply = await dispatchMessage(message, this.tableFor(created), {
        maxBatch: opts.maxBatch,
        onInternalError: this.deps.report,
      });
      this.send(reply);
    } finally {
      // Only now that the reply with their ids is queued may the new subscriptions speak.
      for (const id of created) this.subs.release(id);
    }
  }

  /**
   * The method table for one message: the client's table with the two subscription methods bound
   * to this connection and to this message (`created` collects the ids its reply will carry).
   */
  private tableFor(created: string[]): RpcMethodTable {
    const table = new Map(this.deps.methods);
    const declared = (name: string, fallback: readonly string[]) => this.deps.methods.get(name)?.params ?? fallback;
    const subscribe: RpcMethod = {
      params: declared("ubn_subscribe", ["kind", "params?"]),
      call: async ([kind, params]) => {
        const id = await this.subs.subscribe(kind, params);
        created.push(id);
        return id;
      },
    };
    const unsubscribe: RpcMethod = {
      params: declared("ubn_unsubscribe", ["subscription"]),
      call: ([id]) => this.subs.unsubscribe(id),
    };
    table.set("ubn_subscribe", subscribe);
    table.set("ubn_unsubscribe", unsubscribe);
    return table;
  }

  private send(reply: JsonRpcReply): void {
    if (reply === undefined || this.closed) return;
    this.outbox.send(serializeReply(reply, (e) => this.deps.report(e, "")));
  }

  private notify(subscription: string, result: unknown): void {
    if (this.closed) return;
    let text: string;
    try {
      text = JSON.stringify({ jsonrpc: "2.0", method: "ubn_subscription", params: { subscription, result } });
    } catch (e) {
      this.deps.report(e, "ubn_subscription");
      return;
    }
    this.outbox.send(text);
  }

  /** The connection is gone or cut: the node listener and everything queued go with it. */
  private dispose(): void {
    this.closed = true;
    this.subs.close();
    this.outbox.close();
  }
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}
