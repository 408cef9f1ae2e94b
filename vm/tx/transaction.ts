// The transaction envelope: who sends, which nonce, what fee, who (optionally) pays the fee,
// and the typed payload, signed over canonical bytes with a domain tag. A fee sponsor co-signs
// the same transaction under its own tag and pays the fee, so an application can pay for
// users who hold no ISC.
import {
  addressBytesOf,
  allocateBytes,
  concatBytes,
  decode,
  encode,
  fixedBytes,
  optional,
  sign,
  struct,
  taggedHash,
  text,
  u64,
  u128,
  utf8,
} from "../../crypto/index.ts";
import type { TxType, VmParams } from "../params.ts";
import { type Payload, payloadCodec } from "./registry.ts";

export type { Payload };

export interface UnsignedTx {
  chainId: string;
  /** The sender's Ed25519 public key; its address is addressBytesOf(sender). */
  sender: Uint8Array;
  nonce: bigint;
  /** Offered fee in base units: at least requiredFee(); any excess goes to the proposer. */
  fee: bigint;
  /** Public key of the account that pays the fee instead of the sender, or null. */
  sponsor: Uint8Array | null;
  payload: Payload;
}

export interface SignedTx extends UnsignedTx {
  signature: Uint8Array;
  sponsorSignature: Uint8Array | null;
}

/** A signed transaction is at most this many bytes. */
export const MAX_TX_BYTES = 16 * 1024;

const unsignedFields = {
  chainId: text(64),
  sender: fixedBytes(32),
  nonce: u64,
  fee: u128,
  sponsor: optional(fixedBytes(32)),
  payload: payloadCodec,
};
const unsignedCodec = struct("UnsignedTx", unsignedFields);
export const signedTxCodec = struct("SignedTx", {
  ...unsignedFields,
  signature: fixedBytes(64),
  sponsorSignature: optional(fixedBytes(64)),
});

// Sender and sponsor sign different messages, so one signature can never stand for the other.
const SENDER_TAG = utf8("UBN/tx/sender/v1");
const SPONSOR_TAG = utf8("UBN/tx/sponsor/v1");

export function encodeUnsigned(tx: UnsignedTx): Uint8Array {
  return encode(unsignedCodec, tx);
}

export function senderSigningBytes(unsignedBytes: Uint8Array): Uint8Array {
  return concatBytes(SENDER_TAG, unsignedBytes);
}

export function sponsorSigningBytes(unsignedBytes: Uint8Array): Uint8Array {
  return concatBytes(SPONSOR_TAG, unsignedBytes);
}

/** Signs as the sender. A sponsored transaction also needs sponsorTransaction(). */
export function signTransaction(tx: UnsignedTx, secretKey: Uint8Array): SignedTx {
  const signature = sign(senderSigningBytes(encodeUnsigned(tx)), secretKey);
  return { ...tx, signature, sponsorSignature: null };
}

export function sponsorTransaction(tx: SignedTx, sponsorSecretKey: Uint8Array): SignedTx {
  if (tx.sponsor === null) throw new Error("transaction names no sponsor");
  const { signature, sponsorSignature: _, ...unsigned } = tx;
  return { ...tx, sponsorSignature: sign(sponsorSigningBytes(encodeUnsigned(unsigned)), sponsorSecretKey) };
}

export function encodeTransaction(tx: SignedTx): Uint8Array {
  return encode(signedTxCodec, tx);
}

/** Throws EncodingError on anything but the canonical encoding of a signed transaction. */
export function decodeTransaction(bytes: Uint8Array): SignedTx {
  return decode(signedTxCodec, bytes, { maxBytes: MAX_TX_BYTES });
}

export function transactionHash(encoded: Uint8Array): Uint8Array {
  return taggedHash("UBN/tx/id/v1", encoded);
}

export function senderAddress(tx: UnsignedTx): Uint8Array {
  return addressBytesOf(tx.sender);
}

/** perByte x encoded size + the per-type base fee. */
export function requiredFeeForSize(type: TxType, encodedLength: number, params: VmParams): bigint {
  return params.fees.perByte * BigInt(encodedLength) + params.fees.perType[type];
}

/**
 * The minimum fee of a transaction. The size counted is that of the signed encoding, which
 * does not depend on the signature values, so a wallet can compute it before signing.
 */
export function requiredFee(tx: UnsignedTx, params: VmParams): bigint {
  const placeholder: SignedTx = {
    ...tx,
    signature: new Uint8Array(64),
    sponsorSignature: tx.sponsor === null ? null : new Uint8Array(64),
  };
  return requiredFeeForSize(tx.payload.type, encodeTransaction(placeholder).length, params);
}

/**
 * The unsigned encoding, cut out of the signed one instead of re-encoding: the signed form is
 * the unsigned fields followed by the two signature fields, under an array header that differs
 * only in its length nibble (6 fields vs 8, both fixarray). Tests hold this equal to
 * encodeUnsigned for random transactions.
 */
export function unsignedBytesOf(encoded: Uint8Array, tx: SignedTx): Uint8Array {
  const out = encoded.slice(0, unsignedLength(encoded, tx));
  out[0] = 0x96;
  return out;
}

function unsignedLength(encoded: Uint8Array, tx: SignedTx): number {
  // bin8 header (2 bytes) + 64 for the signature; nil (1 byte) or another bin8 + 64 for the sponsor's.
  return encoded.length - 66 - (tx.sponsorSignature === null ? 1 : 66);
}

/**
 * senderSigningBytes(unsignedBytesOf(encoded, tx)) in one array, for the checks of every
 * received transaction (two arrays of over 64 bytes each were two mallocs; see allocateBytes).
 */
export function senderMessageOf(encoded: Uint8Array, tx: SignedTx): Uint8Array {
  return signingMessageOf(SENDER_TAG, encoded, tx);
}

/** sponsorSigningBytes(unsignedBytesOf(encoded, tx)) in one array. */
export function sponsorMessageOf(encoded: Uint8Array, tx: SignedTx): Uint8Array {
  return signingMessageOf(SPONSOR_TAG, encoded, tx);
}

function signingMessageOf(tag: Uint8Array, encoded: Uint8Array, tx: SignedTx): Uint8Array {
  const length = unsignedLength(encoded, tx);
  const out = allocateBytes(tag.length + length);
  out.set(tag, 0);
  out.set(encoded.subarray(0, length), tag.length);
  out[tag.length] = 0x96;
  return out;
}
