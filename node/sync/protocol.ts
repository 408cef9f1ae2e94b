// The block-fetching protocol peers answer for fast sync: "give me up to n committed blocks
// from height h", answered with the blocks the peer holds (each with its certificate) and the
// peer's committed height, so the same request tells a node how far behind it is.
import { type CodecType, decode, encode, list, optional, struct, u16, u64 } from "../../crypto/index.ts";
import { type BlockStore, storedBlockCodec, type TipProof, tipProofCodec } from "../chain/block-store.ts";

/** Blocks per response at most; a response also stops at MAX_RESPONSE_BYTES. */
export const MAX_BLOCKS_PER_REQUEST = 128;
export const MAX_RESPONSE_BYTES = 8 << 20;

export const blocksRequestCodec = struct("BlocksRequest", { fromHeight: u64, maxBlocks: u16 });
export type BlocksRequest = CodecType<typeof blocksRequestCodec>;

export const blocksResponseCodec = struct("BlocksResponse", {
  /** The peer's committed height. */
  tipHeight: u64,
  blocks: list(storedBlockCodec, MAX_BLOCKS_PER_REQUEST),
  /** When the blocks end at the peer's tip: what proves that tip final, if the peer has it. */
  tipProof: optional(tipProofCodec),
});
export type BlocksResponse = CodecType<typeof blocksResponseCodec>;

export function blocksProtocol(chainId: string, chain: string): string {
  return `/ubn/${chainId}/${chain}/blocks/3`;
}

export function encodeBlocksRequest(r: BlocksRequest): Uint8Array {
  return encode(blocksRequestCodec, r);
}

export function decodeBlocksResponse(b: Uint8Array): BlocksResponse {
  return decode(blocksResponseCodec, b, { maxBytes: MAX_RESPONSE_BYTES + 4096 });
}

/** Answers a request from the store: consecutive committed blocks from the requested height. */
export async function serveBlocks(store: BlockStore, tipHeight: bigint, request: Uint8Array): Promise<Uint8Array> {
  const r = decode(blocksRequestCodec, request, { maxBytes: 64 });
  const proof = await store.tipProofFor(tipHeight);
  const budget = MAX_RESPONSE_BYTES - proofBytes(proof);
  const blocks = await readConsecutive(r, tipHeight, MAX_BLOCKS_PER_REQUEST, budget, async (h) => {
    const b = await store.blockAt(h);
    return b === undefined ? undefined : { item: b, bytes: b.block.length + b.certificate.length + 64 };
  });
  return encode(blocksResponseCodec, {
    tipHeight,
    blocks,
    tipProof: proofIfAtTip(r.fromHeight, blocks.length, tipHeight, proof),
  });
}

/** What a tip proof adds to a response, about. */
export function proofBytes(proof: TipProof | undefined): number {
  if (proof === undefined) return 0;
  let n = proof.child.length + proof.certificate.length + 32;
  for (const b of proof.above) n += b.length + 8;
  return n;
}

/** The proof, when the `count` blocks served from `fromHeight` end at the tip it proves. */
export function proofIfAtTip(
  fromHeight: bigint,
  count: number,
  tipHeight: bigint,
  proof: TipProof | undefined,
): TipProof | null {
  return proof !== undefined && count > 0 && fromHeight + BigInt(count) - 1n === tipHeight ? proof : null;
}

/**
 * Records of consecutive heights from `r.fromHeight` up to the tip, at most `r.maxBlocks` (and
 * `maxBlocks`) of them and about `maxBytes` (at least one), stopping at the first one missing.
 */
export async function readConsecutive<T>(
  r: { fromHeight: bigint; maxBlocks: number },
  tipHeight: bigint,
  maxBlocks: number,
  maxBytes: number,
  read: (height: bigint) => Promise<{ item: T; bytes: number } | undefined>,
): Promise<T[]> {
  const out: T[] = [];
  let bytes = 0;
  const max = Math.min(r.maxBlocks, maxBlocks);
  for (let h = r.fromHeight; h <= tipHeight && out.length < max && h > 0n; h++) {
    const record = await read(h);
    if (record === undefined) break;
    bytes += record.bytes;
    if (bytes > maxBytes && out.length > 0) break;
    out.push(record.item);
  }
  return out;
}
