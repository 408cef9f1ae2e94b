// Reading accounts out of a state for the mempool and RPC.
import { type Account, type AuthenticatedState, accountKey, decodeAccount, emptyAccount } from "../../vm/index.ts";

export async function readAccount(state: AuthenticatedState, address: Uint8Array): Promise<Account> {
  const bytes = await state.get(accountKey(address));
  return bytes === undefined ? emptyAccount() : decodeAccount(bytes);
}
