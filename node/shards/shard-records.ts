// What this node keeps of each shard's committed blocks for the other chains:
//   - the beacon proposer crosslinks a shard's new headers with a commit proof, so it needs the
//     blocks above the last crosslink with their certificates (CommittedShardChain);
//   - a destination shard's proposer takes receipts out of source blocks' outboxes, so it needs
//     each source block's header and outbox, found by (destination, seq).
// Every node follows every shard (as a member or an observer of its engine), so
// these are fed by each shard runner's commits, and rebuilt from the block store at start.
import type { CertifiedBlock } from "../../consensus/beacon/crosslink.ts";
import { blockCodec, decodeQuorumCert } from "../../consensus/index.ts";
import { decode, toHex } from "../../crypto/index.ts";
import type { CommittedShardBlock, CommittedShardChain } from "../../shard/beacon-block.ts";
import { decodeShardBlockPayload, type InboundBundle } from "../../shard/body.ts";
import { headerHash, type ShardHeader } from "../../shard/header.ts";
import { bundleFor } from "../../shard/outbox.ts";
import type { CrossReceipt } from "../../vm/cross-shard/receipt.ts";
import type { BlockStore } from "../chain/block-store.ts";

export interface EmittedBlock {
  header: ShardHeader;
  headerHash: Uint8Array;
  outbox: readonly CrossReceipt[];
}

/** Committed blocks kept for crosslinking at most (a beacon stalled longer re-reads the store). */
const KEPT_BLOCKS = 4096;
/** Credits remembered by origin transaction (about 100 bytes each). */
const KEPT_CREDITS = 65_536;

export class ShardRecords implements CommittedShardChain {
  readonly shard: number;
  private tipHeight = 0;
  private readonly blocks = new Map<number, CommittedShardBlock>();
  /**
   * `${destination}#${seq}` -> the block whose outbox holds that receipt, for the receipts the
   * destination has not taken yet on this node (see taken()): a destination proposer only ever
   * asks for its next seq on.
   */
  private readonly bySeq = new Map<string, EmittedBlock>();
  /** Per destination, the seq below which bySeq holds nothing (what it has taken). */
  private readonly prunedBelow = new Map<number, bigint>();
  /** The newest committed height whose block emitted receipts. */
  lastOutboxHeight = 0n;
  /** Per destination, the highest seq emitted so far (-1: none). */
  private readonly maxSeq = new Map<number, bigint>();
  /** Transaction hash (hex) -> the height that credited its receipt, the newest KEPT_CREDITS. */
  private readonly credits = new Map<string, bigint>();
  /** Per source shard, the next seq this shard expects (from its committed blocks' inbound receipts). */
  private readonly inboxNext = new Map<number, bigint>();

  constructor(shard: number) {
    this.shard = shard;
  }

  get height(): number {
    return this.tipHeight;
  }

  at(height: number): CommittedShardBlock | undefined {
    return this.blocks.get(height);
  }

  /** The highest receipt seq this shard emitted for `destination` (-1 when none). */
  highestSeq(destination: number): bigint {
    return this.maxSeq.get(destination) ?? -1n;
  }

  /** The next receipt seq this shard takes from `source`. */
  nextFrom(source: number): bigint {
    return this.inboxNext.get(source) ?? 0n;
  }

  /** Records what this shard's committed block at `height` took from other shards. */
  took(inbound: readonly InboundBundle[], height: bigint): void {
    for (const b of inbound) {
      const last = b.receipts[b.receipts.length - 1];
      if (last !== undefined && last.receipt.seq + 1n > this.nextFrom(b.header.shard))
        this.inboxNext.set(b.header.shard, last.receipt.seq + 1n);
      for (const { receipt } of b.receipts) {
        if (receipt.origin.every((x) => x === 0)) continue;
        if (this.credits.size >= KEPT_CREDITS) this.credits.delete(this.credits.keys().next().value as string);
        this.credits.set(toHex(receipt.origin), height);
      }
    }
  }

  /**
   * The height of the block that credited transaction `origin`'s receipt, among the newest
   * KEPT_CREDITS this node recorded (what the RPC says of a shard it does not execute).
   */
  creditedAt(origin: Uint8Array): bigint | undefined {
    return this.credits.get(toHex(origin));
  }

  /** The committed block that emitted receipt `seq` for `destination`, if this node has it. */
  emitted(destination: number, seq: bigint): EmittedBlock | undefined {
    return this.bySeq.get(`${destination}#${seq}`);
  }

  /**
   * The receipts for `destination` from `fromSeq` on, one bundle per source block with proofs,
   * in seq order, `room` receipts at most, up to the first block `usable` refuses (a
   * destination takes receipts only from crosslinked blocks, and only in order).
   */
  bundlesFor(
    destination: number,
    fromSeq: bigint,
    room: number,
    usable: (block: EmittedBlock) => boolean,
  ): InboundBundle[] {
    const bundles: InboundBundle[] = [];
    let seq = fromSeq;
    while (room > 0 && seq <= this.highestSeq(destination)) {
      const block = this.emitted(destination, seq);
      if (block === undefined || !usable(block)) break;
      const bundle = bundleFor(block.header, block.outbox, destination, seq, room);
      if (bundle.receipts.length === 0) break;
      bundles.push(bundle);
      room -= bundle.receipts.length;
      seq += BigInt(bundle.receipts.length);
    }
    return bundles;
  }

  /** A block committed on this shard (in height order). */
  add(
    height: bigint,
    encoded: Uint8Array,
    certificate: Uint8Array,
    header: ShardHeader,
    outbox: readonly CrossReceipt[],
  ): void {
    const h = Number(height);
    const certified: CertifiedBlock = { block: decode(blockCodec, encoded), qc: decodeQuorumCert(certificate) };
    this.blocks.set(h, { certified, header });
    this.tipHeight = h;
    this.blocks.delete(h - KEPT_BLOCKS);
    this.addOutbox(header, outbox);
  }

  /**
   * `destination` has committed every receipt from this shard below `next`: forget where they
   * came from (about 150 bytes each). Receipts are taken in seq order and exactly once, so
   * nothing on this node asks for them again.
   */
  taken(destination: number, next: bigint): void {
    const from = this.prunedBelow.get(destination) ?? 0n;
    if (next <= from) return;
    for (let seq = from; seq < next; seq++) this.bySeq.delete(`${destination}#${seq}`);
    this.prunedBelow.set(destination, next);
  }

  /** Receipts this node still keeps the source block of (all destinations). */
  get keptReceipts(): number {
    return this.bySeq.size;
  }

  private addOutbox(header: ShardHeader, outbox: readonly CrossReceipt[]): void {
    if (outbox.length === 0) return;
    if (header.height > this.lastOutboxHeight) this.lastOutboxHeight = header.height;
    for (const r of outbox) if (r.seq > this.highestSeq(r.destination)) this.maxSeq.set(r.destination, r.seq);
    const emitted: EmittedBlock = { header, headerHash: headerHash(header), outbox };
    for (const r of outbox) {
      if (r.seq >= (this.prunedBelow.get(r.destination) ?? 0n)) this.bySeq.set(`${r.destination}#${r.seq}`, emitted);
    }
  }

  /** Loads the committed blocks from the store (start-up). */
  static async load(
    shard: number,
    store: BlockStore,
    tipHeight: bigint,
    inboxNext: (source: number) => Promise<bigint>,
    shardCount: number,
  ): Promise<ShardRecords> {
    const r = new ShardRecords(shard);
    for (let s = 0; s < shardCount; s++) if (s !== shard) r.inboxNext.set(s, await inboxNext(s));
    const from = tipHeight > BigInt(KEPT_BLOCKS) ? tipHeight - BigInt(KEPT_BLOCKS) + 1n : 1n;
    for (let h = 1n; h <= tipHeight; h++) {
      const outbox = await store.outboxAt(h);
      if (outbox.length === 0 && h < from) continue;
      const stored = await store.blockAt(h);
      if (stored === undefined) throw new Error(`shard ${shard}: no stored block at ${h}`);
      const header = decodeShardBlockPayload(decode(blockCodec, stored.block).payload).header;
      if (h < from) r.addOutbox(header, outbox);
      else r.add(h, stored.block, stored.certificate, header, outbox);
    }
    r.tipHeight = Number(tipHeight);
    return r;
  }
}
