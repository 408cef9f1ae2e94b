// Reads committed account values straight from the store, without waiting for the executor:
// the state keeps each key's latest committed value flat beside the tree (vm/state), and a
// commit replaces them in one batch, so a read sees the state before or after a block, never
// half of one, and never the speculative writes of a block being executed.
import { type Account, accountKey, committedValueKey, decodeAccount, emptyAccount } from "../../vm/index.ts";

export async function readCommittedAccount(
  kv: { get(key: Uint8Array): Promise<Uint8Array | undefined> },
  address: Uint8Array,
): Promise<Account> {
  const bytes = await kv.get(committedValueKey(accountKey(address)));
  return bytes === undefined ? emptyAccount() : decodeAccount(bytes);
}
