// Applying receipts other chains sent here. The shard layer has already proven each one
// against a crosslinked source header (shard/inbox.ts); the state enforces what only it knows:
// the receipt is for this chain, carries exactly the next seq expected from its source, and
// is a transfer (a shard's state takes value; stake receipts go to the beacon chain, which
// has no VM state: shard/beacon-block.ts). Any violation refuses the whole block.
import type { Account } from "../account.ts";
import { BlockError, BlockErrorCode } from "../errors.ts";
import { type CrossReceipt, ReceiptKind } from "./receipt.ts";
import { type CrossTotals, decodeSeq, encodeSeq, inboxNextKey } from "./records.ts";

interface InboundStore {
  account(address: Uint8Array): Promise<Account>;
  setAccount(address: Uint8Array, account: Account): void;
  getRaw(key: Uint8Array): Promise<Uint8Array | undefined>;
  putRaw(key: Uint8Array, value: Uint8Array | null): void;
}

export async function applyInbound(
  store: InboundStore,
  receipts: readonly CrossReceipt[],
  chain: { id: number; shardCount: number } | undefined,
  totals: CrossTotals,
): Promise<void> {
  if (receipts.length === 0) return;
  if (chain === undefined)
    throw new BlockError(BlockErrorCode.receiptWrongChain, "a single-chain network takes no receipts");
  for (const r of receipts) {
    const where = `receipt ${r.source}->${r.destination} #${r.seq}`;
    if (r.destination !== chain.id)
      throw new BlockError(BlockErrorCode.receiptWrongChain, `${where} is not for chain ${chain.id}`);
    const key = inboxNextKey(r.source);
    const expected = decodeSeq(await store.getRaw(key));
    if (r.seq < expected) throw new BlockError(BlockErrorCode.receiptReplayed, `${where} was applied already`);
    if (r.seq > expected) throw new BlockError(BlockErrorCode.receiptGap, `${where}, expected #${expected}`);
    if (r.kind !== ReceiptKind.transfer) {
      throw new BlockError(
        BlockErrorCode.receiptWrongKind,
        `${where}: kind ${r.kind} does not apply on chain ${chain.id}`,
      );
    }
    const account = await store.account(r.to);
    store.setAccount(r.to, { ...account, balance: account.balance + r.amount });
    store.putRaw(key, encodeSeq(expected + 1n));
    totals.receivedIn += r.amount;
  }
}
