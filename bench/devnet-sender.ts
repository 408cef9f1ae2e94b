// The load client's sending side: JSON-RPC batches of pre-made `ubn_sendRawTransaction` calls
// to the nodes in turn, without waiting for earlier answers (open loop), the refusals counted by
// their reason, and those refused for now sent again (devnet-retry.ts).
import { RefusalRetries } from "./devnet-retry.ts";
import { JsonPoster } from "./http-post.ts";

/** One JSON-RPC batch carries at most this many calls; a bigger burst is split. */
export const MAX_CALLS_PER_POST = 100;

/** A batch whose HTTP request failed (a reset connection): its transactions are sent again. */
const NOT_ANSWERED = "NOT_ANSWERED";
/** The node's reason for a transaction it already holds or included. */
const DUPLICATE = "MEMPOOL_DUPLICATE";

/** JSON-RPC's code for a call over the client's request rate (docs/rpc.md); it has no reason. */
const RATE_LIMITED_CODE = -32033;

/** Why a call was refused: the node's reason, or for an error without one, what its code says. */
export function refusalReason(error: { code?: number; data?: { reason?: string } }): string {
  if (error.data?.reason !== undefined) return error.data.reason;
  return error.code === RATE_LIMITED_CODE ? "RATE_LIMITED" : `code ${error.code ?? "none"}`;
}

/** Refusals that say "try again later": the pool is full, or this client is over its rate. */
export function refusedForNow(reason: string): boolean {
  return reason === "MEMPOOL_FULL" || reason === "RATE_LIMITED";
}

export class LoadSender {
  /** Refusals, each time a transaction was refused. */
  rejected = 0;
  readonly rejectedBy: Record<string, number> = {};
  /** Transactions sent again after a refusal for now. */
  resent = 0;
  private readonly urls: readonly string[];
  /** The JSON of each call, by transaction index (its JSON-RPC id). */
  private readonly calls: readonly string[];
  /** A transaction was refused for good (not to be sent again). */
  private readonly refusedForGood: (index: number) => void;
  private readonly retries = new RefusalRetries();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly http = new JsonPoster();
  /** Transactions in a batch that was not answered (see post). */
  private readonly unanswered = new Set<number>();
  private next = 0;

  constructor(urls: readonly string[], calls: readonly string[], refusedForGood: (index: number) => void) {
    this.urls = urls;
    this.calls = calls;
    this.refusedForGood = refusedForGood;
  }

  /** Posts these transactions to the next node in turn. */
  send(batch: number[]): void {
    const url = this.urls[this.next++ % this.urls.length] as string;
    const p = this.post(url, batch).finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  /** Sends again the refused transactions whose wait is over. */
  resendDue(): void {
    const again = this.retries.due(Date.now());
    this.resent += again.length;
    for (let k = 0; k < again.length; k += MAX_CALLS_PER_POST) this.send(again.slice(k, k + MAX_CALLS_PER_POST));
  }

  /** Transactions refused for now and not yet sent again, and batches not yet answered. */
  get unsettled(): number {
    return this.retries.waiting + this.inFlight.size;
  }

  /** Resolves once every batch sent so far is answered. */
  async settle(): Promise<void> {
    await Promise.all(this.inFlight);
  }

  /** Closes the connections to the nodes (after settle). */
  close(): void {
    this.http.close();
  }

  private async post(url: string, batch: number[]): Promise<void> {
    const body = `[${batch.map((i) => this.calls[i]).join(",")}]`;
    try {
      const answers = JSON.parse(await this.http.post(url, body)) as {
        id: number;
        error?: { code?: number; data?: { reason?: string } };
      }[];
      for (const a of answers) {
        if (a.error === undefined) continue;
        const why = refusalReason(a.error);
        // Sent again after a batch that was not answered, and the node had it: accepted then.
        if (why === DUPLICATE && this.unanswered.has(a.id)) continue;
        this.rejected++;
        this.rejectedBy[why] = (this.rejectedBy[why] ?? 0) + 1;
        // "Try again later": so the client does.
        if (refusedForNow(why)) this.retries.refused(a.id, Date.now());
        else this.refusedForGood(a.id);
      }
    } catch {
      // Not answered: the node may or may not hold these. Lost for good they would leave gaps in
      // their senders' nonces and every later transaction of those senders stuck in the pools
      // (one such batch of 18 once left 198 transactions unfinalized and failed four steps), so
      // they are sent again; one the node had is then refused as a duplicate, which is no loss.
      this.rejected += batch.length;
      this.rejectedBy[NOT_ANSWERED] = (this.rejectedBy[NOT_ANSWERED] ?? 0) + batch.length;
      const now = Date.now();
      for (const i of batch) {
        this.unanswered.add(i);
        this.retries.refused(i, now);
      }
    }
  }
}
