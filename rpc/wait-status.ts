// Waiting for a transaction to reach a status (ubn_sendRawTransaction's waitUntil): listens to
// the node's block events, so a wait ends in the same turn as the block that settles it, and
// looks the status up again now and then in case the node restarted its chain view (a sync).
import type { RpcNodeApi, RpcTxStatusKind } from "./api.ts";
import { toData } from "./encoding.ts";
import { RpcError, RpcErrorCode } from "./errors.ts";
import { before, reached, statusFromEvent } from "./tx-status.ts";

/** How often a wait looks the status up again, besides listening to events. */
const RECHECK_MS = 1000;

/** Resolves once `hash` reaches `target`; throws RpcError waitTimeout after `timeoutMs`. */
export async function waitForStatus(
  api: RpcNodeApi,
  hash: Uint8Array,
  target: RpcTxStatusKind,
  timeoutMs: number,
): Promise<void> {
  let best: RpcTxStatusKind = "unknown";
  let finish: () => void = () => {};
  let fail: (e: unknown) => void = () => {};
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  // Handled here too: it may fail before the race below is set up, or after it is over.
  done.catch(() => {});
  const note = (s: RpcTxStatusKind) => {
    if (before(best, s)) best = s;
    if (reached(best, target)) finish();
  };
  const unsubscribe = api.subscribe((event) => {
    const s = statusFromEvent(event, hash);
    if (s !== null) note(s.status);
  });
  const recheck = async () => {
    try {
      note((await api.getTransactionStatus(hash)).status);
    } catch (e) {
      // A node that does not follow the transaction's shard cannot watch it: say so at once.
      if (e instanceof RpcError && e.code === RpcErrorCode.shardNotFollowed) fail(e);
      // Any other failed lookup is retried at the next tick; the events still count.
    }
  };
  const timer = setInterval(() => void recheck(), RECHECK_MS);
  let expired: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    expired = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  try {
    await recheck();
    const outcome = await Promise.race([done, timeout]);
    if (outcome === "timeout") {
      throw new RpcError(RpcErrorCode.waitTimeout, `the transaction did not become ${target} within ${timeoutMs} ms`, {
        hash: toData(hash),
        status: best,
      });
    }
  } finally {
    unsubscribe();
    clearInterval(timer);
    clearTimeout(expired);
  }
}
