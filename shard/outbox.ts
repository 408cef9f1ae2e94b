// A shard block's outbox: the cross-shard receipts its execution emitted, in order, committed
// in the header as an RFC 6962 Merkle root over the encoded receipts plus their count. The
// count comes from the header, never from the prover, so a proof cannot move a receipt to
// another index (crypto/merkle.ts).
import { merkleProof, merkleRoot, verifyMerkleProof } from "../crypto/index.ts";
import { type CrossReceipt, encodeReceipt } from "../vm/cross-shard/receipt.ts";
import type { InboundBundle, ProvenReceipt } from "./body.ts";
import type { ShardHeader } from "./header.ts";

export function outboxRoot(receipts: readonly CrossReceipt[]): Uint8Array {
  return merkleRoot(receipts.map(encodeReceipt));
}

export function outboxProof(receipts: readonly CrossReceipt[], index: number): ProvenReceipt["proof"] {
  const p = merkleProof(receipts.map(encodeReceipt), index);
  return { index: p.index, siblings: p.siblings };
}

/** Is `receipt` leaf `proof.index` of the outbox `header` commits to, emitted by that header's shard? */
export function verifyOutboxReceipt(
  header: ShardHeader,
  receipt: CrossReceipt,
  proof: ProvenReceipt["proof"],
): boolean {
  if (receipt.source !== header.shard || proof.index >= header.outboxCount) return false;
  let encoded: Uint8Array;
  try {
    encoded = encodeReceipt(receipt);
  } catch {
    return false;
  }
  return verifyMerkleProof(header.outboxRoot, header.outboxCount, encoded, {
    index: proof.index,
    siblings: [...proof.siblings],
  });
}

/**
 * The receipts of one source block for `destination` from `fromSeq` on (at most `max`), each
 * with its proof: what a destination proposer puts in its block once `header` is crosslinked.
 */
export function bundleFor(
  header: ShardHeader,
  outbox: readonly CrossReceipt[],
  destination: number,
  fromSeq: bigint,
  max: number,
): InboundBundle {
  const encoded = outbox.map(encodeReceipt);
  const receipts: ProvenReceipt[] = [];
  outbox.forEach((r, index) => {
    if (receipts.length >= max || r.destination !== destination || r.seq < fromSeq) return;
    const p = merkleProof(encoded, index);
    receipts.push({ receipt: r, proof: { index: p.index, siblings: p.siblings } });
  });
  return { header, receipts };
}
