// The authenticated key-value state every shard and the beacon chain execute against. Writes
// are buffered until commit, so a block that turns out invalid is dropped with discard() and
// leaves nothing behind; commit() writes everything of a block in one batch.
export interface AuthenticatedState {
  /** Root of the last committed version (the empty-tree root for a new state). */
  readonly root: Uint8Array;
  /** The value under `key`, including writes not yet committed. */
  get(key: Uint8Array): Promise<Uint8Array | undefined>;
  /** Writes a copy of `value` under a copy of `key`: the caller may reuse both. */
  set(key: Uint8Array, value: Uint8Array): void;
  /**
   * set(), handing `key` and `value` over instead: the state may keep them as they are, so
   * the caller must never change them afterwards. For writers of freshly encoded values (a
   * block's account writes), whose copies lived until the block committed, long enough for
   * the garbage collector to move each of them to the old generation.
   */
  adopt(key: Uint8Array, value: Uint8Array): void;
  delete(key: Uint8Array): void;
  /** The root the state would have if the pending writes were committed; persists nothing. */
  pendingRoot(): Promise<Uint8Array>;
  /** Persists the pending writes in one batch and returns the new root. */
  commit(): Promise<Uint8Array>;
  /** Drops the pending writes. */
  discard(): void;
}
