// The checks of a transaction against the state the pool follows: its nonce must not be used
// yet nor too far ahead, and its fee payer must hold the fee. They are repeated when a block is
// built (select) and when it executes, since the state moves on; here they keep out what
// cannot be included soon.

import { type MempoolError, MempoolErrorCode, refusal } from "./errors.ts";
import type { AccountReader, AccountView } from "./interface.ts";
import type { Candidate } from "./screen.ts";

/** Reads each distinct address once for the whole batch, all at the same time. */
export async function readAccountsOf(
  candidates: readonly Candidate[],
  accounts: AccountReader,
): Promise<{ sender: AccountView; payer: AccountView }[]> {
  const reads = new Map<string, Promise<AccountView>>();
  const read = (key: string, address: Uint8Array) => {
    let pending = reads.get(key);
    if (pending === undefined) {
      pending = accounts(address);
      reads.set(key, pending);
    }
    return pending;
  };
  return Promise.all(
    candidates.map(async (c) => ({
      sender: await read(c.senderKey, c.sender),
      payer: await read(c.payerKey, c.payer),
    })),
  );
}

/** `index` is the position in the batch, named in the message. */
export function checkAgainstAccounts(
  c: Candidate,
  index: number,
  sender: AccountView,
  payer: AccountView,
  maxNonceGap: number,
): MempoolError | null {
  if (c.nonce < sender.nonce) {
    return refusal(
      index,
      MempoolErrorCode.nonceTooLow,
      `nonce ${c.nonce} is already used: the sender's next nonce is ${sender.nonce}`,
    );
  }
  if (c.nonce - sender.nonce > BigInt(maxNonceGap)) {
    return refusal(
      index,
      MempoolErrorCode.nonceGap,
      `nonce ${c.nonce} is more than ${maxNonceGap} above the sender's next nonce ${sender.nonce}`,
    );
  }
  if (payer.balance < c.fee) {
    const who = c.tx.sponsor === null ? "sender" : "sponsor";
    return refusal(
      index,
      MempoolErrorCode.cannotPayFee,
      `the fee payer (${who}) holds ${payer.balance}, the fee is ${c.fee}`,
    );
  }
  return null;
}
