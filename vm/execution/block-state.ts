// The state as one block sees it: decoded accounts and raw records cached for the whole block,
// written back to the authenticated state once at the end (one encode per touched account,
// not one per transaction).

import { toHex } from "../../crypto/index.ts";
import { type Account, accountKey, decodeAccount, emptyAccount, encodeAccount } from "../account.ts";
import type { AuthenticatedState } from "../state/interface.ts";

export class BlockState {
  private readonly state: AuthenticatedState;
  private readonly accounts = new Map<string, { address: Uint8Array; account: Account }>();
  private readonly raw = new Map<string, { key: Uint8Array; value: Uint8Array | null }>();

  constructor(state: AuthenticatedState) {
    this.state = state;
  }

  /** The account as of now in this block; the object returned must not be mutated. */
  account(address: Uint8Array): Promise<Account> {
    return this.accountById(toHex(address), address);
  }

  /** account(), for a caller that has the address's hex already (a transaction's context). */
  async accountById(id: string, address: Uint8Array): Promise<Account> {
    const cached = this.accounts.get(id);
    if (cached) return cached.account;
    const bytes = await this.state.get(accountKey(address));
    const account = bytes === undefined ? emptyAccount() : decodeAccount(bytes);
    this.accounts.set(id, { address, account });
    return account;
  }

  setAccount(address: Uint8Array, account: Account): void {
    this.setAccountById(toHex(address), address, account);
  }

  /** setAccount() with the address's hex (as accountById). */
  setAccountById(id: string, address: Uint8Array, account: Account): void {
    this.accounts.set(id, { address, account });
  }

  async getRaw(key: Uint8Array): Promise<Uint8Array | undefined> {
    const cached = this.raw.get(toHex(key));
    if (cached) return cached.value ?? undefined;
    return this.state.get(key);
  }

  putRaw(key: Uint8Array, value: Uint8Array | null): void {
    this.raw.set(toHex(key), { key, value });
  }

  /** Writes everything the block changed into the authenticated state (still uncommitted). */
  flush(): void {
    // Key and value are made here and nowhere kept: handed over without copies.
    for (const { address, account } of this.accounts.values()) {
      this.state.adopt(accountKey(address), encodeAccount(account));
    }
    for (const { key, value } of this.raw.values()) {
      if (value === null) this.state.delete(key);
      else this.state.set(key, value);
    }
  }
}
