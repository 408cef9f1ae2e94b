// Map keys for hashes and addresses. Buffer's native hex gives flat strings; a hex string built
// by concatenation is a rope that every Map lookup has to flatten first, which showed up as
// the largest cost of admitting a large batch.

export function keyOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}
