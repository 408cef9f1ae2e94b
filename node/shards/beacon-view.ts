// The beacon chain as this node has committed it: each block's hash and result (the beacon
// state after it, its time, the shard headers it crosslinked), and which shard header was
// first crosslinked at which beacon height. Shard chains ask it whether the beacon block a
// shard block builds on is final here and whether a receipt's source header is crosslinked.
//
// Kept in memory from genesis: a beacon state is a few kilobytes (the registry and the
// committees of the epochs still in use), and the node rebuilds this view at start by
// re-applying its stored beacon blocks.
import { toHex } from "../../crypto/index.ts";
import type { BeaconBlockResult } from "../../shard/beacon-block.ts";

export interface BeaconEntry {
  height: bigint;
  hash: Uint8Array;
  result: BeaconBlockResult;
  /** Who proposed the block (none for genesis). */
  proposer?: Uint8Array;
}

export class BeaconView {
  private readonly entries: BeaconEntry[] = [];
  /** `${shard}/${headerHex}` -> the beacon height that crosslinked it. */
  private readonly crosslinkedAt = new Map<string, bigint>();
  private readonly waiters = new Set<{ height: bigint; resolve: () => void }>();
  private readonly listeners = new Set<(entry: BeaconEntry) => void>();
  /** Validator id -> the height of the newest committed block it proposed. */
  private readonly proposedAt = new Map<string, bigint>();

  constructor(genesis: BeaconEntry) {
    this.entries.push(genesis);
  }

  get tip(): BeaconEntry {
    return this.entries[this.entries.length - 1] as BeaconEntry;
  }

  at(height: bigint): BeaconEntry | undefined {
    return this.entries[Number(height)];
  }

  /** The height of the newest committed block `id` proposed, if any. */
  lastProposedBy(id: string): bigint | undefined {
    return this.proposedAt.get(id);
  }

  isCommitted(height: bigint, hash: Uint8Array): boolean {
    const e = this.at(height);
    return e !== undefined && toHex(e.hash) === toHex(hash);
  }

  /** Was `headerHash` of `shard` crosslinked by a committed beacon block at or below `beaconHeight`? */
  isCrosslinked(shard: number, headerHash: Uint8Array, beaconHeight: bigint): boolean {
    const at = this.crosslinkedAt.get(`${shard}/${toHex(headerHash)}`);
    return at !== undefined && at <= beaconHeight && beaconHeight <= this.tip.height;
  }

  /** Appends the next committed block; the caller has made it durable. */
  append(entry: BeaconEntry): void {
    if (entry.height !== this.tip.height + 1n) throw new Error(`beacon block ${entry.height} after ${this.tip.height}`);
    this.entries.push(entry);
    for (const c of entry.result.crosslinked) this.crosslinkedAt.set(`${c.shard}/${toHex(c.digest)}`, entry.height);
    if (entry.proposer !== undefined) this.proposedAt.set(toHex(entry.proposer), entry.height);
    for (const w of this.waiters) {
      if (w.height <= entry.height) {
        this.waiters.delete(w);
        w.resolve();
      }
    }
    for (const l of this.listeners) l(entry);
  }

  onAppend(listener: (entry: BeaconEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once block `height` is committed here, or after `ms`. */
  waitFor(height: bigint, ms: number): Promise<void> {
    if (height <= this.tip.height) return Promise.resolve();
    return new Promise((resolve) => {
      const w = { height, resolve };
      const t = setTimeout(() => {
        this.waiters.delete(w);
        resolve();
      }, ms);
      w.resolve = () => {
        clearTimeout(t);
        resolve();
      };
      this.waiters.add(w);
    });
  }
}
