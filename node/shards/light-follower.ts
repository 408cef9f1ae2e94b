// Tracks a shard this node does not follow (no committee of it names this node now): its
// committed blocks, certificates and outboxes, fetched from peers that follow it with the
// light-blocks protocol, checked (certificates as fast sync checks them, body and outbox
// against the header) and handed to the node's records of the shard, without executing them.
// The beacon proposer crosslinks the shard from those records and the other shards take its
// receipts from them, so a node needs every shard's headers but only its own shards' state.
//
// Like fast sync it trails the network by a block: a block is proven final only with its
// certified child in the next round (verify-range.ts).

import type { ShardBlockPayload } from "../../shard/body.ts";
import type { CrossReceipt } from "../../vm/cross-shard/receipt.ts";
import { SyncError } from "../sync/errors.ts";
import { type RangeAnchor, type RangeContext, verifyRange } from "../sync/verify-range.ts";
import {
  checkLightBlock,
  decodeLightResponse,
  encodeLightRequest,
  type LightResponse,
  MAX_LIGHT_BLOCKS,
} from "./light-blocks.ts";

export interface LightBlockCommitted {
  height: bigint;
  hash: Uint8Array;
  encoded: Uint8Array;
  certificate: Uint8Array;
  payload: ShardBlockPayload;
  outbox: readonly CrossReceipt[];
}

export interface LightFollowerModules {
  shard: number;
  peers(): string[];
  request(peer: string, bytes: Uint8Array, timeoutMs: number): Promise<Uint8Array>;
  penalize(peer: string, reason: string): void;
  range: RangeContext;
  /** Whether this node has committed the beacon block a shard block names (its epochs depend on it). */
  beaconHas(height: bigint): boolean;
  committed(block: LightBlockCommitted): Promise<void>;
  log: { info(o: object, m: string): void; warn(o: object, m: string): void; debug(o: object, m: string): void };
}

/** Between two looks while nothing new came (a busy shard commits about every 100 ms on a devnet). */
const LOOK_MS = 200;
/** Peers asked per look at most, when the one asked first had nothing new. */
const ASKS_PER_LOOK = 3;
const REQUEST_TIMEOUT_MS = 5000;

export class LightFollower {
  private readonly m: LightFollowerModules;
  private anchor: RangeAnchor;
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  private wake: (() => void) | null = null;
  /** The peer that last had blocks for us: asked first next time. */
  private preferred: string | null = null;
  private nextPeer = 0;
  blocksApplied = 0n;

  constructor(modules: LightFollowerModules, anchor: RangeAnchor) {
    this.m = modules;
    this.anchor = anchor;
  }

  get active(): boolean {
    return this.running;
  }

  get height(): bigint {
    return this.anchor.height;
  }

  /** Starts tracking from `anchor` (the newest block this node's records of the shard hold). */
  start(anchor: RangeAnchor): void {
    if (this.running) return;
    this.anchor = anchor;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops; resolves once the look under way (if any) is over. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let more = false;
      try {
        more = await this.look();
      } catch (e) {
        this.m.log.warn({ err: String(e) }, "light follower look failed");
      }
      if (!this.running) break;
      if (!more) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, LOOK_MS);
          t.unref();
          this.wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        this.wake = null;
      }
    }
  }

  /** One look: asks a peer or a few for blocks above ours; true when a full window came (ask again now). */
  private async look(): Promise<boolean> {
    const peers = this.m.peers();
    if (peers.length === 0) return false;
    const order: string[] = [];
    if (this.preferred !== null && peers.includes(this.preferred)) order.push(this.preferred);
    for (let i = 0; i < peers.length && order.length < ASKS_PER_LOOK; i++) {
      const p = peers[(this.nextPeer + i) % peers.length] as string;
      if (!order.includes(p)) order.push(p);
    }
    this.nextPeer = (this.nextPeer + 1) % peers.length;
    for (const peer of order) {
      if (!this.running) return false;
      const applied = await this.fetchFrom(peer);
      if (applied > 0) {
        this.preferred = peer;
        return applied >= MAX_LIGHT_BLOCKS - 1;
      }
    }
    return false;
  }

  /** Blocks applied from one answer of `peer` (0 when it had nothing we could prove). */
  private async fetchFrom(peer: string): Promise<number> {
    let response: LightResponse;
    const from = this.anchor.height + 1n;
    try {
      const bytes = await this.m.request(peer, encodeLightRequest(from, MAX_LIGHT_BLOCKS), REQUEST_TIMEOUT_MS);
      response = decodeLightResponse(bytes);
    } catch (e) {
      this.m.log.debug({ peer, err: String(e) }, "light blocks request failed");
      return 0;
    }
    const { blocks, tipProof } = response;
    // Without the peer's tip proof, a last block is proven by nothing after it.
    if (blocks.length === 0 || (blocks.length < 2 && tipProof === null)) return 0;
    let applied = 0;
    try {
      const verified = await verifyRange(
        this.m.range,
        this.anchor,
        blocks.map((b) => b.stored),
        tipProof,
      );
      for (const [i, vb] of verified.entries()) {
        if (!this.running) break;
        const outbox = (blocks[i] as (typeof blocks)[number]).outbox;
        const payload = checkLightBlock(this.m.shard, vb.block.height, vb.block.payload, outbox);
        // The shard's epochs are read from the beacon block a header names: wait for it.
        if (!this.m.beaconHas(payload.header.beaconHeight)) break;
        await this.m.committed({
          height: vb.block.height,
          hash: vb.hash,
          encoded: vb.stored.block,
          certificate: vb.certificate,
          payload,
          outbox,
        });
        this.anchor = { height: vb.block.height, hash: vb.hash };
        this.blocksApplied++;
        applied++;
      }
    } catch (e) {
      if (!(e instanceof SyncError)) throw e;
      this.m.log.warn({ peer, code: e.code, err: e.message }, "peer sent light blocks that fail verification");
      this.m.penalize(peer, `light blocks: ${e.code}`);
    }
    return applied;
  }
}
