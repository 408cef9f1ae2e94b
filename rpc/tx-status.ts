// A transaction's status as the node's events tell it, shared by the transactionStatus
// subscription and ubn_sendRawTransaction's waitUntil: the order of the statuses, and the
// status (with its block) an event gives a transaction, if any.
import { equalBytes } from "../crypto/index.ts";
import type { RpcNodeEvent, RpcTxStatus, RpcTxStatusKind } from "./api.ts";

const RANK: Record<RpcTxStatusKind, number> = { unknown: 0, accepted: 1, included: 2, finalized: 3 };

/** Whether `status` is `target` or later (unknown < accepted < included < finalized). */
export function reached(status: RpcTxStatusKind, target: RpcTxStatusKind): boolean {
  return RANK[status] >= RANK[target];
}

/** Whether `status` comes strictly before `other`. */
export function before(status: RpcTxStatusKind, other: RpcTxStatusKind): boolean {
  return RANK[status] < RANK[other];
}

/** What `event` says of transaction `hash`: accepted, included or finalized (with its block), or null. */
export function statusFromEvent(event: RpcNodeEvent, hash: Uint8Array): RpcTxStatus | null {
  if (event.kind === "txAccepted") {
    if (!event.hashes.some((h) => equalBytes(h, hash))) return null;
    return { hash, status: "accepted", height: null, blockHash: null, index: null };
  }
  if (event.kind !== "newHead" && event.kind !== "finalizedHead") return null;
  const index = event.block.transactions.findIndex((h) => equalBytes(h, hash));
  if (index < 0) return null;
  return {
    hash,
    status: event.kind === "newHead" ? "included" : "finalized",
    height: event.block.height,
    blockHash: event.block.hash,
    index,
  };
}
