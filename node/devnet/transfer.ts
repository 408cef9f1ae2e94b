// Signed transfers (and other transactions) for devnet tools, tests and the benchmark: signed through node:crypto
// (several times faster than the noble signer, same bytes), encoded for ubn_sendRawTransaction.
import { addressBytesOf, nativeKeyPair } from "../../crypto/index.ts";
import { encodeTransaction, encodeUnsigned, senderSigningBytes, type UnsignedTx } from "../../vm/index.ts";

/** 0.002 ISC: above the devnet's required fee for a transfer (0.001 ISC + 10^-9 ISC per byte). */
export const DEVNET_TRANSFER_FEE = 2n * 10n ** 15n;

export interface TransferSigner {
  publicKey: Uint8Array;
  address: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

export function transferSigner(secretKey: Uint8Array): TransferSigner {
  const { publicKey, sign } = nativeKeyPair(secretKey);
  return { publicKey, address: addressBytesOf(publicKey), sign };
}

export function signedTransfer(
  chainId: string,
  from: TransferSigner,
  to: Uint8Array,
  amount: bigint,
  nonce: bigint,
  fee = DEVNET_TRANSFER_FEE,
): Uint8Array {
  return signedTx(chainId, from, { type: "transfer", to, amount }, nonce, fee);
}

/** Any transaction of `from` without a sponsor, signed and encoded. */
export function signedTx(
  chainId: string,
  from: TransferSigner,
  payload: UnsignedTx["payload"],
  nonce: bigint,
  fee: bigint,
): Uint8Array {
  const unsigned: UnsignedTx = { chainId, sender: from.publicKey, nonce, fee, sponsor: null, payload };
  const signature = from.sign(senderSigningBytes(encodeUnsigned(unsigned)));
  return encodeTransaction({ ...unsigned, signature, sponsorSignature: null });
}
