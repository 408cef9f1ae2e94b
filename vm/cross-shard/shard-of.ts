// Which shard an account lives on: fixed by its address and the shard count at genesis, so a
// provider who wants shard k makes keys until one's address maps to k (about shardCount tries).
// The first four address bytes read as a big-endian u32, modulo the shard count. For power-of-two
// shard counts every shard gets exactly 1/shardCount of the address space; otherwise the excess
// is below shardCount / 2^32 and can be ignored.
export function shardOfAddress(address: Uint8Array, shardCount: number): number {
  if (address.length < 4) throw new RangeError(`address must be at least 4 bytes, got ${address.length}`);
  if (!Number.isInteger(shardCount) || shardCount < 1) throw new RangeError(`bad shard count ${shardCount}`);
  const prefix =
    (((address[0] as number) << 24) |
      ((address[1] as number) << 16) |
      ((address[2] as number) << 8) |
      (address[3] as number)) >>>
    0;
  return prefix % shardCount;
}
