// Waiting for a transaction to reach a status (ubn_sendRawTransaction's waitUntil): listens to
// the node's block events, so a wait ends in the same turn as the block that settles it, and
// looks the status up again now and then in case the node restarted its chain view (a sync).
import type { RpcNodeApi, RpcNodeEvent, RpcTxStatusKind } from "./api.ts";
import { toData } from "./encoding.ts";
import { RpcError, RpcErrorCode } from "./errors.ts";

const RANK: Record<RpcTxStatusKind, number> = { unknown: 0, accepted: 1, included: 2, finalized: 3 };
const RECHECK_MS = 1000;

export function reached(status: RpcTxStatusKind, target: RpcTxStatusKind): boolean {
  return RANK[status] >= RANK[target];
}

function sameHash(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function statusIn(event: RpcNodeEvent, hash: Uint8Array): RpcTxStatusKind | null {
  switch (event.kind) {
    case "newHead":
      return event.block.transactions.some((h) => sameHash(h, hash)) ? "included" : null;
    case "finalizedHead":
      return event.block.transactions.some((h) => sameHash(h, hash)) ? "finalized" : null;
    case "txAccepted":
      return event.hashes.some((h) => sameHash(h, hash)) ? "accepted" : null;
    default:
      return null;
  }
}

/** Resolves once `hash` reaches `target`; throws RpcError waitTimeout after `timeoutMs`. */
export async function waitForStatus(
  api: RpcNodeApi,
  hash: Uint8Array,
  target: RpcTxStatusKind,
  timeoutMs: number,
): Promise<void> {
  let best: RpcTxStatusKind = "unknown";
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const note = (s: RpcTxStatusKind) => {
    if (RANK[s] > RANK[best]) best = s;
    if (reached(best, target)) finish();
  };
  const unsubscribe = api.subscribe((event) => {
    const s = statusIn(event, hash);
    if (s !== null) note(s);
  });
  const recheck = async () => {
    try {
      note((await api.getTransactionStatus(hash)).status);
    } catch {
      // A failed lookup is retried at the next tick; the events still count.
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
