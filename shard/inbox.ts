// The destination's check of inbound receipts, before the VM applies them: each bundle's
// source header must be crosslinked in the beacon chain at or below the beacon block this
// block builds on; each receipt must be for this chain, from that header's shard, proven
// against the header's outbox, and carry exactly the next expected seq of its source. Lower
// is a replay, higher a gap: both refuse the block, so delivery is exactly once and in order.
// Pure: nothing is changed, and a refused block leaves no trace (the VM keeps the counters).
import type { CrossReceipt } from "../vm/cross-shard/receipt.ts";
import type { InboundBundle } from "./body.ts";
import { ShardError, ShardErrorCode } from "./errors.ts";
import { headerHash } from "./header.ts";
import { verifyOutboxReceipt } from "./outbox.ts";

export interface InboxContext {
  /** This chain's number. */
  destination: number;
  /** The next seq this chain expects from `source` (its state before the block). */
  expected(source: number): bigint;
  /** Is this source header crosslinked in the beacon chain this block builds on? */
  isCrosslinked(source: number, headerHash: Uint8Array): boolean;
}

/** The receipts to apply, in order; throws ShardError (and changes nothing) otherwise. */
export function checkInbound(bundles: readonly InboundBundle[], ctx: InboxContext): CrossReceipt[] {
  const next = new Map<number, bigint>();
  const out: CrossReceipt[] = [];
  for (const bundle of bundles) {
    const source = bundle.header.shard;
    if (bundle.receipts.length === 0) fail(ShardErrorCode.emptyBundle, `a bundle from shard ${source} has no receipt`);
    if (!ctx.isCrosslinked(source, headerHash(bundle.header))) {
      fail(ShardErrorCode.notCrosslinked, `shard ${source} header ${bundle.header.height} is not crosslinked`);
    }
    for (const { receipt, proof } of bundle.receipts) {
      if (receipt.destination !== ctx.destination) {
        fail(ShardErrorCode.wrongDestination, `a receipt for chain ${receipt.destination} sent to ${ctx.destination}`);
      }
      if (receipt.source !== source)
        fail(ShardErrorCode.wrongSource, `a receipt of chain ${receipt.source} in a bundle of ${source}`);
      if (!verifyOutboxReceipt(bundle.header, receipt, proof)) {
        fail(
          ShardErrorCode.forgedProof,
          `receipt ${source}->${receipt.destination} #${receipt.seq} is not in the header's outbox`,
        );
      }
      const want = next.get(source) ?? ctx.expected(source);
      if (receipt.seq < want)
        fail(ShardErrorCode.replayed, `receipt ${source}->${receipt.destination} #${receipt.seq} was delivered`);
      if (receipt.seq > want)
        fail(ShardErrorCode.outOfOrder, `receipt ${source}->${receipt.destination} #${receipt.seq}, expected #${want}`);
      next.set(source, want + 1n);
      out.push(receipt);
    }
  }
  return out;
}

function fail(code: ShardErrorCode, why: string): never {
  throw new ShardError(code, why);
}
