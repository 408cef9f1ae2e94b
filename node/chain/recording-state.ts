// An AuthenticatedState that passes everything through to another and records the writes made
// through it. The executor runs a block through one of these to learn the block's own writes,
// which it replays later: to execute a child on top of a block not yet committed, and to commit.
import type { AuthenticatedState } from "../../vm/index.ts";

/** One write of a block; `value` undefined is a delete. */
export interface StateWrite {
  key: Uint8Array;
  value: Uint8Array | undefined;
}

export class RecordingState implements AuthenticatedState {
  readonly writes: StateWrite[] = [];
  private readonly inner: AuthenticatedState;

  constructor(inner: AuthenticatedState) {
    this.inner = inner;
  }

  get root(): Uint8Array {
    return this.inner.root;
  }

  get(key: Uint8Array): Promise<Uint8Array | undefined> {
    return this.inner.get(key);
  }

  set(key: Uint8Array, value: Uint8Array): void {
    // One copy each, shared by the record and the state below: neither changes them.
    this.adopt(key.slice(), value.slice());
  }

  adopt(key: Uint8Array, value: Uint8Array): void {
    this.writes.push({ key, value });
    this.inner.adopt(key, value);
  }

  delete(key: Uint8Array): void {
    this.writes.push({ key, value: undefined });
    this.inner.delete(key);
  }

  pendingRoot(): Promise<Uint8Array> {
    return this.inner.pendingRoot();
  }

  commit(): Promise<Uint8Array> {
    return this.inner.commit();
  }

  discard(): void {
    this.writes.length = 0;
    this.inner.discard();
  }
}

/**
 * Puts recorded writes back as pending writes of `state`, in order (the last write of a key
 * wins). A record is never changed, so the state may share its bytes.
 */
export function replayWrites(state: AuthenticatedState, writes: readonly StateWrite[]): void {
  for (const w of writes) {
    if (w.value === undefined) state.delete(w.key);
    else state.adopt(w.key, w.value);
  }
}
