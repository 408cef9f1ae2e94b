// Builds and signs a transfer the way a wallet should: nonce from the node's pending view, the
// fee from ubn_estimateFee for this very transaction (its size depends on the fee field itself,
// so the estimate is repeated until it stops moving), signed with the keystore key.
import { addressBytesOf, parseAddress, publicKeyOf } from "../../../crypto/index.ts";
import { type RpcMethods, ubn } from "../../../rpc/client.ts";
import { encodeTransaction, signTransaction, transactionHash, type UnsignedTx } from "../../../vm/index.ts";

export interface TransferRequest {
  to: string;
  amount: bigint;
  /** Base units; undefined asks the node. */
  fee?: bigint | undefined;
  /** undefined asks the node for the next one after the sender's pooled transactions. */
  nonce?: bigint | undefined;
}

export interface SignedTransfer {
  raw: Uint8Array;
  hash: Uint8Array;
  from: Uint8Array;
  chainId: string;
  nonce: bigint;
  fee: bigint;
}

export async function signTransfer(
  client: RpcMethods,
  secretKey: Uint8Array,
  req: TransferRequest,
): Promise<SignedTransfer> {
  const sender = publicKeyOf(secretKey);
  const from = addressBytesOf(sender);
  const [chainId, pendingNonce] = await client.batch(ubn.chainId(), ubn.getTransactionCount(from, "pending"));
  const unsigned = (fee: bigint): UnsignedTx => ({
    chainId,
    sender,
    nonce: req.nonce ?? pendingNonce,
    fee,
    sponsor: null,
    payload: { type: "transfer", to: parseAddress(req.to), amount: req.amount },
  });
  const sign = (fee: bigint) => encodeTransaction(signTransaction(unsigned(fee), secretKey));
  const fee = req.fee ?? (await estimatedFee(client, sign));
  const raw = sign(fee);
  return { raw, hash: transactionHash(raw), from, chainId, nonce: unsigned(fee).nonce, fee };
}

/** The node's suggested fee for the transaction carrying it (its size grows with the fee field). */
async function estimatedFee(client: RpcMethods, sign: (fee: bigint) => Uint8Array): Promise<bigint> {
  let fee = (await client.estimateFee(sign(0n))).suggested;
  for (let i = 0; i < 3; i++) {
    const needed: bigint = (await client.estimateFee(sign(fee))).suggested;
    if (needed <= fee) break;
    fee = needed;
  }
  return fee;
}
