// The authenticated key-value state every shard and the beacon chain execute against. Writes
// are buffered until commit, so a block that turns out invalid is dropped with discard() and
// leaves nothing behind; commit() writes everything of a block in one batch.
export interface AuthenticatedState {
  /** Root of the last committed version (the empty-tree root for a new state). */
  readonly root: Uint8Array;
  /** The value under `key`, including writes not yet committed. */
  get(key: Uint8Array): Promise<Uint8Array | undefined>;
  set(key: Uint8Array, value: Uint8Array): void;
  delete(key: Uint8Array): void;
  /** The root the state would have if the pending writes were committed; persists nothing. */
  pendingRoot(): Promise<Uint8Array>;
  /** Persists the pending writes in one batch and returns the new root. */
  commit(): Promise<Uint8Array>;
  /** Drops the pending writes. */
  discard(): void;
}
