// The blocks a chain executor has run above its committed tip and not committed yet: each
// block's payload, the writes its execution made and its receipts, by block hash, so that a
// child can be executed on top of them and a commit does not execute the block again. Blocks
// this node built wait here by payload hash until the engine's proposal names their hash.
import { toHex } from "../../crypto/index.ts";
import type { ShardBlockPayload } from "../../shard/body.ts";
import type { CrossReceipt } from "../../vm/cross-shard/receipt.ts";
import type { Receipt, StateLayer } from "../../vm/index.ts";
import { evictOldest } from "../evict-oldest.ts";
import type { StateWrite } from "./recording-state.ts";

export interface ExecutedBlock {
  parentHex: string;
  height: bigint;
  /** Known once the block is proposed (null for a block this node built and has not proposed). */
  round: bigint | null;
  proposer: Uint8Array;
  payload: ShardBlockPayload;
  writes: StateWrite[];
  receipts: Receipt[];
  /** The cross-shard receipts the block emitted, in outbox order. */
  outbox: CrossReceipt[];
  /** The state tree after the block (dropped beyond MAX_LAYERED blocks: see remember). */
  layer?: StateLayer | undefined;
}

/** A block the node has seen (in a proposal or a sync response) but maybe not executed. */
export interface KnownBlock {
  parent: Uint8Array;
  height: bigint;
  proposer: Uint8Array;
  payload: Uint8Array;
}

/** The committed tip the chains hang from. */
export interface TipRef {
  hex: string;
  height: bigint;
}

/** Uncommitted executed blocks kept at most (the engine bounds them far lower in practice). */
const MAX_EXECUTED = 4096;
/**
 * Blocks that keep their state layer, at most: the newest ones. A layer holds every tree node
 * its block made (hundreds of kilobytes for a full block); a block that lost its layer is
 * executed on and committed from its writes instead, as before layers.
 */
const MAX_LAYERED = 64;
/** Built blocks kept at most while they wait for their proposal. */
const MAX_BUILT = 64;
/** Ancestors executed at most to reach a block's parent (the engine's sync fetches no more). */
const MAX_FILL = 256;

export class ExecutedBlocks {
  private readonly byHash = new Map<string, ExecutedBlock>();
  private readonly builtByPayload = new Map<string, ExecutedBlock>();
  /** Hashes of the blocks in byHash that have a layer, oldest first. */
  private readonly layered = new Set<string>();

  get(hex: string): ExecutedBlock | undefined {
    return this.byHash.get(hex);
  }

  remember(hex: string, block: ExecutedBlock): void {
    if (this.byHash.size >= MAX_EXECUTED) this.forget(this.byHash.keys().next().value as string);
    this.byHash.set(hex, block);
    this.layered.delete(hex);
    if (block.layer === undefined) return;
    this.layered.add(hex);
    if (this.layered.size > MAX_LAYERED) this.dropLayer(this.layered.values().next().value as string);
  }

  /** Layers kept (for the tests of the bound). */
  get layers(): number {
    return this.layered.size;
  }

  private forget(hex: string): void {
    this.byHash.delete(hex);
    this.layered.delete(hex);
  }

  /** Frees a block's layer: the layers computed on it stop leading down to it (see layersAbove). */
  private dropLayer(hex: string): void {
    this.layered.delete(hex);
    const block = this.byHash.get(hex);
    const layer = block?.layer;
    if (block === undefined || layer === undefined) return;
    block.layer = undefined;
    for (const other of this.byHash.values()) if (other.layer?.below === layer) other.layer.below = undefined;
    for (const other of this.builtByPayload.values()) if (other.layer?.below === layer) other.layer.below = undefined;
  }

  /** Whether an executed block above the tip carries transactions (they wait for a commit). */
  anyTxs(): boolean {
    for (const b of this.byHash.values()) if (b.payload.body.txs.length > 0) return true;
    return false;
  }

  /** A block this node built, under the hex of its payload's hash. */
  rememberBuilt(payloadHashHex: string, block: ExecutedBlock): void {
    this.builtByPayload.set(payloadHashHex, block);
    if (this.builtByPayload.size > MAX_BUILT) evictOldest(this.builtByPayload);
  }

  /** The built block with this payload hash, now proposed as `hex` in `round`; undefined if unknown. */
  adoptBuilt(payloadHashHex: string, hex: string, round: bigint): ExecutedBlock | undefined {
    const built = this.builtByPayload.get(payloadHashHex);
    if (built === undefined) return undefined;
    this.builtByPayload.delete(payloadHashHex);
    const block = { ...built, round };
    this.remember(hex, block);
    return block;
  }

  /** `hex` was committed: it and every block at or below its height leave (a losing fork's too). */
  committed(hex: string, height: bigint): void {
    this.forget(hex);
    for (const [k, v] of this.byHash) if (v.height <= height) this.forget(k);
  }

  /**
   * The executed blocks from just above the tip up to `parentHex`, oldest first; null if one is
   * missing, or if `childHeight` is given and is not the height after `parentHex`.
   */
  chainTo(tip: TipRef, parentHex: string, childHeight?: bigint): ExecutedBlock[] | null {
    const out: ExecutedBlock[] = [];
    let hex = parentHex;
    for (let guard = 0; hex !== tip.hex; guard++) {
      const r = this.byHash.get(hex);
      if (r === undefined || guard > this.byHash.size) return null;
      out.push(r);
      hex = r.parentHex;
    }
    out.reverse();
    const parentHeight = out.length === 0 ? tip.height : (out[out.length - 1] as ExecutedBlock).height;
    return childHeight === undefined || parentHeight + 1n === childHeight ? out : null;
  }

  /**
   * The blocks between the tip and `parentHex` that are known (`known`) but not executed here,
   * oldest first: the ancestors the engine never asked about (blocks that reached its tree by
   * sync or in a round this node did not vote in). Null if one is unknown, at or below the tip,
   * or if there are more than MAX_FILL.
   */
  missingUpTo(
    tip: TipRef,
    parentHex: string,
    known: (hashHex: string) => KnownBlock | undefined,
  ): { hex: string; block: KnownBlock }[] | null {
    const missing: { hex: string; block: KnownBlock }[] = [];
    let hex = parentHex;
    while (hex !== tip.hex && !this.byHash.has(hex)) {
      const block = known(hex);
      if (block === undefined || block.height <= tip.height || missing.length > MAX_FILL) return null;
      missing.push({ hex, block });
      hex = toHex(block.parent);
    }
    return missing.reverse();
  }
}
