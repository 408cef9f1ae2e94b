// The state VM tests run against. Until the sparse Merkle tree lands this is a small reference
// implementation: a map whose root is the Merkle root of its sorted (key, value) pairs.
import { compareBytes, concatBytes, merkleRoot } from "../../crypto/index.ts";
import type { AuthenticatedState } from "../../vm/index.ts";

class MapState implements AuthenticatedState {
  private committed = new Map<string, Uint8Array>();
  private pending = new Map<string, Uint8Array | null>();
  root: Uint8Array = merkleRoot([]);

  async get(key: Uint8Array) {
    const id = Buffer.from(key).toString("hex");
    if (this.pending.has(id)) return this.pending.get(id) ?? undefined;
    return this.committed.get(id);
  }
  set(key: Uint8Array, value: Uint8Array) {
    this.pending.set(Buffer.from(key).toString("hex"), value);
  }
  delete(key: Uint8Array) {
    this.pending.set(Buffer.from(key).toString("hex"), null);
  }
  private merged() {
    const m = new Map(this.committed);
    for (const [k, v] of this.pending) v === null ? m.delete(k) : m.set(k, v);
    return m;
  }
  async pendingRoot() {
    const entries = [...this.merged()].map(([k, v]) => concatBytes(Buffer.from(k, "hex"), v));
    return merkleRoot(entries.sort(compareBytes));
  }
  async commit() {
    this.root = await this.pendingRoot();
    this.committed = this.merged();
    this.pending.clear();
    return this.root;
  }
  discard() {
    this.pending.clear();
  }
}

export async function newState(): Promise<AuthenticatedState> {
  return new MapState();
}
