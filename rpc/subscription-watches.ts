// The two subscription kinds that follow one object through the event stream.
import { equalBytes } from "../crypto/index.ts";
import type { RpcAccount, RpcNodeApi, RpcNodeEvent, RpcTxStatus } from "./api.ts";
import { accountToJson, txStatusToJson } from "./results.ts";
import type { Subscription, SubscriptionSink } from "./subscriptions.ts";
import { before, statusFromEvent } from "./tx-status.ts";

/**
 * transactionStatus: accepted (txAccepted), included (a newHead holding it), finalized (a
 * finalizedHead holding it), then the subscription ends. A status never goes back (a late
 * txAccepted after inclusion is ignored); being included again in another block is a change.
 */
export class TxStatusWatch implements Subscription {
  private current: RpcTxStatus;
  private readonly api: RpcNodeApi;
  private readonly hash: Uint8Array;
  private readonly sink: SubscriptionSink;

  constructor(api: RpcNodeApi, hash: Uint8Array, sink: SubscriptionSink) {
    this.api = api;
    this.hash = hash;
    this.sink = sink;
    this.current = { hash, status: "unknown", height: null, blockHash: null, index: null };
  }

  /** The current status, sent at once unless unknown; events that came meanwhile are not lost. */
  async start(): Promise<void> {
    this.apply(await this.api.getTransactionStatus(this.hash));
  }

  onEvent(e: RpcNodeEvent): void {
    const next = statusFromEvent(e, this.hash);
    if (next !== null) this.apply(next);
  }

  private apply(next: RpcTxStatus): void {
    const was = this.current;
    if (before(next.status, was.status) || this.current.status === "finalized") return;
    const sameBlock =
      next.blockHash === was.blockHash ||
      (next.blockHash !== null && was.blockHash !== null && equalBytes(next.blockHash, was.blockHash));
    if (next.status === was.status && sameBlock) return;
    this.current = next;
    if (next.status === "unknown") return;
    this.sink.emit(txStatusToJson(next));
    if (next.status === "finalized") this.sink.end();
  }
}

/**
 * accountChanges: after each committed block whose `changed` lists the address, the account as
 * read then. Reads run one at a time so notifications keep block order, and a read that finds a
 * height already notified (two blocks in quick succession) is not sent twice.
 */
export class AccountWatch implements Subscription {
  private reading: Promise<void> = Promise.resolve();
  private lastHeight = -1n;
  private readonly api: RpcNodeApi;
  private readonly address: Uint8Array;
  private readonly sink: SubscriptionSink;

  constructor(api: RpcNodeApi, address: Uint8Array, sink: SubscriptionSink) {
    this.api = api;
    this.address = address;
    this.sink = sink;
  }

  onEvent(e: RpcNodeEvent): void {
    if (e.kind !== "finalizedHead" || !e.changed.some((a) => equalBytes(a, this.address))) return;
    this.reading = this.reading.then(() => this.read());
  }

  private async read(): Promise<void> {
    let account: RpcAccount;
    try {
      account = await this.api.getAccount(this.address);
    } catch (e) {
      this.sink.report(e);
      return;
    }
    if (account.height <= this.lastHeight) return;
    this.lastHeight = account.height;
    this.sink.emit(accountToJson(account));
  }
}
