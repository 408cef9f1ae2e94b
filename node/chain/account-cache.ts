// Committed accounts, cached: the mempool reads the sender's and payer's account for every
// transaction it is offered, and a LevelDB read costs far more than the rest of the checks.
// Each commit puts the values the block wrote into the cache (every active sender's nonce
// changes in every block, so dropping them instead sent each one back to LevelDB). A read that
// was in flight while a commit happened is returned but not cached, so the cache never keeps
// a value older than the last commit.
import { toHex } from "../../crypto/index.ts";
import { type Account, accountKey, decodeAccount, StateBucket } from "../../vm/index.ts";
import { evictOldest } from "../evict-oldest.ts";
import { readCommittedAccount } from "./committed-reader.ts";
import type { StateWrite } from "./recording-state.ts";

const MAX_ENTRIES = 200_000;

export class CommittedAccountCache {
  private readonly kv: { get(key: Uint8Array): Promise<Uint8Array | undefined> };
  private readonly entries = new Map<string, Account>();
  private generation = 0;

  constructor(kv: { get(key: Uint8Array): Promise<Uint8Array | undefined> }) {
    this.kv = kv;
  }

  async get(address: Uint8Array): Promise<Account> {
    const id = toHex(accountKey(address));
    const hit = this.entries.get(id);
    if (hit !== undefined) return hit;
    const generation = this.generation;
    const account = await readCommittedAccount(this.kv, address);
    if (generation === this.generation) {
      if (this.entries.size >= MAX_ENTRIES) evictOldest(this.entries);
      this.entries.set(id, account);
    }
    return account;
  }

  /** A block was committed: its writes are the committed values now. */
  committed(writes: readonly StateWrite[]): void {
    this.generation++;
    for (const w of writes) {
      const id = toHex(w.key);
      if (w.key[0] !== StateBucket.account || w.value === undefined) this.entries.delete(id);
      else if (this.entries.has(id) || this.entries.size < MAX_ENTRIES) this.entries.set(id, decodeAccount(w.value));
    }
  }
}
