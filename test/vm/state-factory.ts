// The state VM tests run against: the real sparse Merkle tree over an in-memory store.
import { MemoryKv, SparseMerkleState } from "../../vm/index.ts";

export async function newState(): Promise<SparseMerkleState> {
  return SparseMerkleState.open(new MemoryKv());
}
