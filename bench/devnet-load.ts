// The devnet benchmark's accounts: deterministic sender keys (funded in the genesis) and a
// sink address on each shard that transfers go to.
import { addressBytesOf, nativeKeyPair } from "../crypto/index.ts";
import type { TransferSigner } from "../node/devnet/transfer.ts";
import { shardOfAddress } from "../vm/cross-shard/shard-of.ts";

export function senderKey(i: number): TransferSigner {
  const seed = Buffer.alloc(32);
  seed.writeUInt32LE(i, 0);
  seed.write("ubn-bench-devnet", 4);
  const { publicKey, sign } = nativeKeyPair(seed);
  return { publicKey, address: addressBytesOf(publicKey), sign };
}

/** One sink address on each shard (found by trying seeds: about S tries each). */
export function sinksPerShard(shards: number): Uint8Array[] {
  const out: (Uint8Array | undefined)[] = new Array(shards).fill(undefined);
  for (let i = 1 << 30; out.some((a) => a === undefined); i++) {
    const address = senderKey(i).address;
    const k = shardOfAddress(address, shards);
    if (out[k] === undefined) out[k] = address;
  }
  return out as Uint8Array[];
}
