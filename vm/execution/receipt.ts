// Receipts: what happened to each transaction, committed to by the receipts root of the block.
import {
  bool,
  bytesSize,
  type CanonicalValue,
  type Codec,
  directBigintSize,
  EncodingError,
  EncodingErrorCode,
  encode,
  fixedBytes,
  list,
  merkleRoot,
  optional,
  struct,
  text,
  u128,
} from "../../crypto/index.ts";

export interface Event {
  kind: string;
  /** Addresses and keys as bytes, amounts and heights as bigint; per kind in docs/vm.md. */
  fields: (Uint8Array | bigint)[];
}

export interface Receipt {
  txHash: Uint8Array;
  /** True if the payload took effect; false if it failed (the fee is paid either way). */
  ok: boolean;
  /** The TxFailure code when !ok. */
  failure: string | null;
  feePaid: bigint;
  events: Event[];
}

const fieldCodec: Codec<Uint8Array | bigint> = {
  describe: "bytes|u128",
  toValue: (v) => v,
  fromValue: (v: CanonicalValue, path: string) => {
    if (v instanceof Uint8Array && v.length <= 64) return v;
    if (typeof v === "bigint" && v >= 0n && v < 1n << 128n) return v;
    throw new EncodingError(EncodingErrorCode.schema, "expected bytes or u128", path);
  },
  directSize: (v) => (v instanceof Uint8Array ? bytesSize(v) : typeof v === "bigint" ? directBigintSize(v) : -1),
  directWrite: (w, v) => (v instanceof Uint8Array ? w.bytes(v) : w.bigint(v)),
};

export const eventCodec = struct("Event", { kind: text(32), fields: list(fieldCodec, 8) });
export const receiptCodec = struct("Receipt", {
  txHash: fixedBytes(32),
  ok: bool,
  failure: optional(text(64)),
  feePaid: u128,
  events: list(eventCodec, 16),
});

export function encodeReceipt(r: Receipt): Uint8Array {
  return encode(receiptCodec, r);
}

export function receiptsRoot(receipts: readonly Receipt[]): Uint8Array {
  return merkleRoot(receipts.map(encodeReceipt));
}
