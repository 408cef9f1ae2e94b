// The subscriptions of one WebSocket connection, built only on the node's event stream
// (api.subscribe) and a few reads. One node listener per connection, attached while at least one
// subscription lives and removed when the last one ends or the connection closes.
//
// A subscription's notifications are held until the reply carrying its id has been queued
// (release()), so a client never sees a notification for an id it has not been told yet, even
// for transactionStatus, which notifies the current status at once.
import type { RpcNodeApi, RpcNodeEvent } from "./api.ts";
import { RpcError, RpcErrorCode } from "./errors.ts";
import { addressParam, hashParam, isAbsent } from "./params.ts";
import { blockToJson, syncingToJson } from "./results.ts";
import { AccountWatch, TxStatusWatch } from "./subscription-watches.ts";

export const SUBSCRIPTION_KINDS = [
  "newHeads",
  "finalizedHeads",
  "transactionStatus",
  "accountChanges",
  "syncing",
] as const;

export interface SubscriptionsOptions {
  /** Most live subscriptions (-32032 past it). */
  max: number;
  /** Most notifications one subscription may hold before its id is released; past it: onOverflow. */
  heldLimit: number;
  notify(subscription: string, result: unknown): void;
  /** Called when held notifications overflow: the connection cannot keep up. */
  onOverflow(): void;
  report(error: unknown, method: string): void;
}

/** One live subscription: what it does with each node event. */
export interface Subscription {
  onEvent(event: RpcNodeEvent): void;
  /** Reads the starting state, if the kind has one; events arriving meanwhile are applied too. */
  start?(): Promise<void>;
}

/** What a subscription uses to send and to end itself. */
export interface SubscriptionSink {
  emit(result: unknown): void;
  end(): void;
  report(error: unknown): void;
}

export class ConnectionSubscriptions {
  private readonly live = new Map<string, Subscription>();
  /** Held notifications per subscription id not yet released; absent once released. */
  private readonly held = new Map<string, unknown[]>();
  private nextId = 1n;
  private unlisten: (() => void) | null = null;
  private closed = false;
  private readonly api: RpcNodeApi;
  private readonly opts: SubscriptionsOptions;

  constructor(api: RpcNodeApi, opts: SubscriptionsOptions) {
    this.api = api;
    this.opts = opts;
  }

  get size(): number {
    return this.live.size;
  }

  /**
   * ubn_subscribe: validates, registers, and resolves to the new id. The id's notifications are
   * held until release(id).
   */
  async subscribe(kind: unknown, params: unknown): Promise<string> {
    if (this.closed) throw new RpcError(RpcErrorCode.unavailable, "the connection is closing");
    const start = this.starter(kind, params);
    if (this.live.size >= this.opts.max) {
      throw new RpcError(
        RpcErrorCode.tooManySubscriptions,
        `too many subscriptions: this connection holds ${this.live.size}, at most ${this.opts.max}; unsubscribe first`,
      );
    }
    const id = `0x${(this.nextId++).toString(16)}`;
    const sink = this.sinkFor(id, kind as string);
    this.held.set(id, []);
    let sub: Subscription | undefined;
    try {
      sub = start(sink);
    } finally {
      if (sub === undefined) this.held.delete(id);
    }
    this.live.set(id, sub);
    this.listen();
    if (sub.start !== undefined) {
      try {
        await sub.start();
      } catch (e) {
        this.drop(id);
        throw e;
      }
    }
    return id;
  }

  /** Sends what `id` held and lets its notifications flow from now on. */
  release(id: string): void {
    const held = this.held.get(id);
    if (held === undefined) return;
    this.held.delete(id);
    for (const result of held) this.opts.notify(id, result);
  }

  /** ubn_unsubscribe: true if the id was live on this connection. */
  unsubscribe(id: unknown): boolean {
    if (typeof id !== "string") {
      throw new RpcError(RpcErrorCode.invalidParams, "subscription must be the id ubn_subscribe returned (a string)");
    }
    if (!this.live.has(id)) return false;
    this.drop(id);
    return true;
  }

  /** Ends everything; the node listener is removed. */
  close(): void {
    this.closed = true;
    this.live.clear();
    this.held.clear();
    this.unlisten?.();
    this.unlisten = null;
  }

  private starter(kind: unknown, params: unknown): (sink: SubscriptionSink) => Subscription {
    const none = () => {
      if (!isAbsent(params)) throw new RpcError(RpcErrorCode.invalidParams, `subscription ${kind} takes no params`);
    };
    switch (kind) {
      case "newHeads":
        none();
        return (sink) => ({ onEvent: (e) => e.kind === "newHead" && sink.emit(blockToJson(e.block)) });
      case "finalizedHeads":
        none();
        return (sink) => ({ onEvent: (e) => e.kind === "finalizedHead" && sink.emit(blockToJson(e.block)) });
      case "syncing": {
        none();
        return (sink) => {
          let last = "";
          return {
            onEvent: (e) => {
              if (e.kind !== "syncing") return;
              const json = syncingToJson(e.syncing);
              const text = JSON.stringify(json);
              if (text !== last) sink.emit(json); // "on each change": repeats are not changes
              last = text;
            },
          };
        };
      }
      case "transactionStatus": {
        const hash = hashParam(params, "params (the transaction hash)");
        return (sink) => new TxStatusWatch(this.api, hash, sink);
      }
      case "accountChanges": {
        const address = addressParam(params, "params (the address)");
        return (sink) => new AccountWatch(this.api, address, sink);
      }
      default:
        throw new RpcError(
          RpcErrorCode.invalidParams,
          `kind must be one of ${SUBSCRIPTION_KINDS.join(", ")}, got ${typeof kind === "string" ? `"${kind.slice(0, 40)}"` : typeof kind}`,
        );
    }
  }

  private sinkFor(id: string, kind: string): SubscriptionSink {
    return {
      emit: (result) => {
        if (!this.live.has(id) && !this.held.has(id)) return;
        const held = this.held.get(id);
        if (held === undefined) return this.opts.notify(id, result);
        held.push(result);
        if (held.length > this.opts.heldLimit) this.opts.onOverflow();
      },
      end: () => this.drop(id, true),
      report: (e) => this.opts.report(e, `ubn_subscribe(${kind})`),
    };
  }

  /** Removes a subscription; with keepHeld its held notifications still go out on release. */
  private drop(id: string, keepHeld = false): void {
    this.live.delete(id);
    if (!keepHeld) this.held.delete(id);
    if (this.live.size === 0) {
      this.unlisten?.();
      this.unlisten = null;
    }
  }

  private listen(): void {
    if (this.unlisten !== null || this.closed) return;
    this.unlisten = this.api.subscribe(this.onEvent);
  }

  /** Runs in the node's event loop: nothing may throw back into it. */
  private onEvent = (event: RpcNodeEvent): void => {
    for (const sub of [...this.live.values()]) {
      try {
        sub.onEvent(event);
      } catch (e) {
        this.opts.report(e, "ubn_subscription");
      }
    }
  };
}
