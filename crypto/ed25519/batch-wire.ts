// The byte layout of a batch sent to a verification worker: one transferable buffer instead of
// thousands of small objects, so posting a batch costs a copy, not a structured clone per item.
//   per item: public key (32) | signature (64) | message length (u32 BE) | message
import { PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH } from "./keys.ts";

export interface SignedItem {
  publicKey: Uint8Array;
  message: Uint8Array;
  signature: Uint8Array;
}

const HEADER = PUBLIC_KEY_LENGTH + SIGNATURE_LENGTH + 4;

export function packBatch(items: readonly SignedItem[]): Uint8Array<ArrayBuffer> {
  let size = 0;
  for (const it of items) size += HEADER + it.message.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let pos = 0;
  for (const it of items) {
    // A wrong-length key or signature can never verify; write zeros and let the rule reject it.
    if (it.publicKey.length === PUBLIC_KEY_LENGTH) out.set(it.publicKey, pos);
    if (it.signature.length === SIGNATURE_LENGTH) out.set(it.signature, pos + PUBLIC_KEY_LENGTH);
    view.setUint32(pos + PUBLIC_KEY_LENGTH + SIGNATURE_LENGTH, it.message.length);
    out.set(it.message, pos + HEADER);
    pos += HEADER + it.message.length;
  }
  return out;
}

export function* unpackBatch(packed: Uint8Array): Generator<SignedItem> {
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  let pos = 0;
  while (pos < packed.length) {
    const publicKey = packed.subarray(pos, pos + PUBLIC_KEY_LENGTH);
    const signature = packed.subarray(pos + PUBLIC_KEY_LENGTH, pos + PUBLIC_KEY_LENGTH + SIGNATURE_LENGTH);
    const length = view.getUint32(pos + PUBLIC_KEY_LENGTH + SIGNATURE_LENGTH);
    const message = packed.subarray(pos + HEADER, pos + HEADER + length);
    pos += HEADER + length;
    yield { publicKey, message, signature };
  }
}

/** Whether an item can be packed faithfully (wrong lengths are verified as false up front). */
export function hasValidLengths(it: SignedItem): boolean {
  return it.publicKey.length === PUBLIC_KEY_LENGTH && it.signature.length === SIGNATURE_LENGTH;
}
