// The receipts one block emits, in order. A transaction queues its sends in its TxContext;
// they reach the block (and take a seq) only if the transaction succeeds, so a failed
// transaction consumes no seq and leaves no receipt.
import { BEACON_CHAIN, type CrossReceipt, carriesValue, NO_VALIDATOR, type ReceiptKind } from "./receipt.ts";
import { type CrossTotals, decodeSeq, encodeSeq, outboxNextKey } from "./records.ts";
import { shardOfAddress } from "./shard-of.ts";

/** What a transaction asks to send; the block gives it a seq. */
export interface CrossSend {
  destination: number;
  kind: ReceiptKind;
  origin: Uint8Array;
  from: Uint8Array;
  to: Uint8Array;
  amount: bigint;
  /** The consensus key a stake receipt is for (none for a transfer). */
  validator?: Uint8Array;
}

interface RawStore {
  getRaw(key: Uint8Array): Promise<Uint8Array | undefined>;
  putRaw(key: Uint8Array, value: Uint8Array | null): void;
}

export class BlockOutbox {
  readonly receipts: CrossReceipt[] = [];
  private readonly source: number;
  private readonly store: RawStore;
  private readonly totals: CrossTotals;

  constructor(source: number, store: RawStore, totals: CrossTotals) {
    this.source = source;
    this.store = store;
    this.totals = totals;
  }

  async emit(send: CrossSend): Promise<CrossReceipt> {
    const key = outboxNextKey(send.destination);
    const seq = decodeSeq(await this.store.getRaw(key));
    this.store.putRaw(key, encodeSeq(seq + 1n));
    if (carriesValue(send)) this.totals.sentOut += send.amount;
    const receipt: CrossReceipt = { source: this.source, seq, ...send, validator: send.validator ?? NO_VALIDATOR };
    this.receipts.push(receipt);
    return receipt;
  }
}

/**
 * The shard whose state holds an account's balance and nonce, or null where the shard rule does
 * not apply: a single-chain network, and the beacon chain (it holds no accounts: it keeps the
 * validator registry, which stake receipts from the shards change).
 */
export function homeChainOf(chain: { id: number; shardCount: number } | undefined, address: Uint8Array): number | null {
  if (chain === undefined || (chain.shardCount === 1 && chain.id === 0) || chain.id === BEACON_CHAIN) return null;
  return shardOfAddress(address, chain.shardCount);
}
