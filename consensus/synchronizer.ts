// Fetching blocks this validator is missing, and serving the ones it has. A proposal or QC that
// references an unknown block makes the engine ask the validator that sent it for that block
// and up to MAX_SYNC_BLOCKS ancestors; on every local timeout, and every base timeout while
// requests are open (SYNC_TIMER), each open request goes to the next validator. Responses are accepted only for open requests and only as a hash chain
// ending at the block asked for; the core then checks every block like a proposal.
import { equalBytes, toHex } from "../crypto/index.ts";
import type { BlockTree } from "./block-tree.ts";
import type { ValidatorId } from "./interface.ts";
import {
  type Block,
  blockHash,
  MAX_PAYLOAD_BYTES,
  MAX_SYNC_BLOCKS,
  type PayloadDigest,
  type SyncRequest,
} from "./messages.ts";

const MAX_OPEN_REQUESTS = 16;
/**
 * Each open request is retried this many times (on local timeouts and SYNC_TIMER), then dropped;
 * the next block built on the ones waiting for it asks for it again (intake.ts).
 */
const MAX_ATTEMPTS = 8;
/** Payload bytes per response: leaves room under MAX_MESSAGE_BYTES for QCs. */
const RESPONSE_PAYLOAD_BUDGET = 3 * MAX_PAYLOAD_BYTES;

export interface SyncSend {
  to: ValidatorId;
  request: SyncRequest;
}

interface OpenRequest {
  hash: Uint8Array;
  attempts: number;
  lastPeer: number;
}

export class Synchronizer {
  private readonly open = new Map<string, OpenRequest>();
  private readonly self: ValidatorId;

  constructor(self: ValidatorId) {
    this.self = self;
  }

  get openRequests(): number {
    return this.open.size;
  }

  isOpen(hash: Uint8Array): boolean {
    return this.open.has(toHex(hash));
  }

  /** Opens a request for `hash`, sent to `preferred` (the sender of what referenced it) if given. */
  request(hash: Uint8Array, preferred: ValidatorId | null, peers: readonly ValidatorId[]): SyncSend | null {
    const hex = toHex(hash);
    if (this.open.has(hex) || this.open.size >= MAX_OPEN_REQUESTS) return null;
    const entry: OpenRequest = { hash, attempts: 0, lastPeer: (hash[0] as number) % Math.max(peers.length, 1) };
    this.open.set(hex, entry);
    const to = preferred !== null && preferred !== this.self ? preferred : this.nextPeer(entry, peers);
    return to === null ? null : { to, request: { blockHash: hash, maxBlocks: MAX_SYNC_BLOCKS } };
  }

  /** Sends every open request to its next peer; gives up on those asked too often. */
  retry(peers: readonly ValidatorId[]): SyncSend[] {
    const out: SyncSend[] = [];
    for (const [hex, entry] of this.open) {
      entry.attempts++;
      if (entry.attempts > MAX_ATTEMPTS) {
        this.open.delete(hex);
        continue;
      }
      const to = this.nextPeer(entry, peers);
      if (to !== null) out.push({ to, request: { blockHash: entry.hash, maxBlocks: MAX_SYNC_BLOCKS } });
    }
    return out;
  }

  /** Closes the request a response answers; false if nothing asked for it. */
  claim(hash: Uint8Array): boolean {
    return this.open.delete(toHex(hash));
  }

  /** Forgets a request that became pointless (the block arrived another way). */
  forget(hash: Uint8Array): void {
    this.open.delete(toHex(hash));
  }

  private nextPeer(entry: OpenRequest, peers: readonly ValidatorId[]): ValidatorId | null {
    for (let i = 0; i < peers.length; i++) {
      entry.lastPeer = (entry.lastPeer + 1) % peers.length;
      const peer = peers[entry.lastPeer] as ValidatorId;
      if (peer !== this.self) return peer;
    }
    return null;
  }
}

/** The answer to a sync request from the local tree, or null when this validator lacks the block. */
export function serveSync(tree: BlockTree, request: SyncRequest): Block[] | null {
  const max = Math.min(Math.max(request.maxBlocks, 1), MAX_SYNC_BLOCKS);
  const blocks = tree.chainEndingAt(toHex(request.blockHash), max);
  let bytes = 0;
  for (const b of blocks) bytes += b.payload.length;
  while (blocks.length > 1 && bytes > RESPONSE_PAYLOAD_BUDGET) bytes -= (blocks.shift() as Block).payload.length;
  return blocks.length === 0 ? null : blocks;
}

/** The hashes of a response's blocks if they form a chain, else null. */
export function chainHashes(
  chainId: string,
  blocks: readonly Block[],
  payloadDigest?: PayloadDigest,
): Uint8Array[] | null {
  const hashes: Uint8Array[] = [];
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i] as Block;
    if (i > 0 && !equalBytes(b.parent, hashes[i - 1] as Uint8Array)) return null;
    hashes.push(blockHash(chainId, b, payloadDigest));
  }
  return hashes;
}
