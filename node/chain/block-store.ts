// What a chain keeps in the database besides its state: committed blocks with the certificate
// that certifies each, where every transaction landed, receipts and the committed tip (the
// consensus safety state has its own file, node/storage/safety-file.ts). One LevelDB holds every chain of a node; each chain's keys start
// with its own prefix, then a bucket byte (never reused), then the id:
//
//   prefix 0x00 ...          the chain's state tree (vm/state)
//   prefix 0x01 height       StoredBlock (its block empty when the pending record is its body)
//   prefix 0x02 hash         height (u64 BE)
//   prefix 0x03 txHash       TxLocation
//   prefix 0x04 height       the block's receipts
//   prefix 0x05              ChainTip
//   prefix 0x07 ...          blocks above the committed tip (node/chain/pending-blocks.ts)
//   prefix 0x08 height       the cross-shard receipts the block emitted (its outbox)
//   prefix 0x09 txHash       the height that credited another shard's receipt of that transaction
//   prefix 0x0a epoch        a shard epoch after the first: where it starts, whose committee it is
//   prefix 0x0b              (no longer read: the commit proof before suffix blocks were carried)
//   prefix 0x0c              (no longer read: the newest commit proof with copies of its blocks)
//   prefix 0x0d              the newest commit proof, its blocks named by its QC (TipProofRef)
import { blockCodec, type CommitProof, MAX_PROOF_BLOCKS_ABOVE, quorumCertCodec } from "../../consensus/index.ts";
import {
  bytes,
  type CodecType,
  concatBytes,
  decode,
  encode,
  equalBytes,
  fixedBytes,
  list,
  struct,
  toHex,
  u32,
  u64,
} from "../../crypto/index.ts";
import { type CrossReceipt, crossReceiptCodec } from "../../vm/cross-shard/receipt.ts";
import type { KvOp, KvStore, Receipt } from "../../vm/index.ts";
import { PrefixedKv, receiptCodec } from "../../vm/index.ts";
import { ChainError, ChainErrorCode } from "./errors.ts";
import { pendingBlockKey } from "./pending-blocks.ts";
import type { StagedKv } from "./staged-kv.ts";

const Bucket = {
  state: 0x00,
  block: 0x01,
  hashIndex: 0x02,
  tx: 0x03,
  receipts: 0x04,
  tip: 0x05,
  // 0x06 is not used: the safety state has its own file (node/storage/safety-file.ts).
  pending: 0x07,
  outbox: 0x08,
  credit: 0x09,
  epoch: 0x0a,
  // 0x0b held the commit proof without the suffix blocks above the child (before blocks/3), and
  // 0x0c the proof with copies of its blocks (before November 2026); records left there are
  // never read, and the next commit with a proof writes one at 0x0d.
  tipProofRef: 0x0d,
} as const;

export const storedBlockCodec = struct("StoredBlock", {
  hash: fixedBytes(32),
  /** Canonical consensus block (consensus blockCodec). */
  block: bytes(2 << 20),
  /** Canonical quorum certificate that certifies the block. */
  certificate: bytes(1 << 20),
});
export type StoredBlock = CodecType<typeof storedBlockCodec>;

/** A stored block's empty `block`: its body is the pending record of its hash (no block encodes empty). */
const NO_BODY = new Uint8Array(0);

export const chainTipCodec = struct("ChainTip", {
  height: u64,
  hash: fixedBytes(32),
  epoch: u64,
  round: u64,
  stateRoot: fixedBytes(32),
  /** The block's time (payload timeMs; the genesis time at height 0). */
  timeMs: u64,
});
export type ChainTip = CodecType<typeof chainTipCodec>;

/**
 * What proves the committed block at `height` final to a node that holds nothing above it: its
 * child, at an epoch's end the suffix blocks above the child, and the QC certifying the last of
 * them (consensus CommitProof). Only the newest is kept; it is served with the tip and stale
 * once a block commits without one.
 */
export const tipProofCodec = struct("TipProof", {
  height: u64,
  child: bytes(2 << 20),
  above: list(bytes(2 << 20), MAX_PROOF_BLOCKS_ABOVE),
  certificate: bytes(1 << 20),
});
export type TipProof = CodecType<typeof tipProofCodec>;

/**
 * The newest commit proof as stored: its QC and how many blocks it spans, not the blocks. The
 * child and the suffix blocks are above the committed tip, so the node keeps each of them
 * already, by hash, among its pending blocks (pending-blocks.ts); the QC names the last, and
 * each names its parent. A copy of the blocks here was written again on every commit: at
 * 3,600 tx/s it was a fifth of all the bytes a validator wrote (docs/benchmarks.md).
 */
const tipProofRefCodec = struct("TipProofRef", {
  height: u64,
  blocks: u32,
  certificate: bytes(1 << 20),
});

const txLocationCodec = struct("TxLocation", { height: u64, index: u32 });
export type TxLocation = CodecType<typeof txLocationCodec>;

const receiptsCodec = list(receiptCodec, 1 << 17);
export const outboxCodec = list(crossReceiptCodec, 1 << 17);

/**
 * A shard's epoch as it stores it: the first height, and the beacon block that the block which
 * fixed that height built on (its beacon state holds the epoch's committee).
 */
export const shardEpochRecordCodec = struct("ShardEpochRecord", { fromHeight: u64, beaconHeight: u64 });
export type ShardEpochRecord = CodecType<typeof shardEpochRecordCodec>;

export interface CommitRecord {
  tip: ChainTip;
  block: StoredBlock | null;
  txHashes: readonly Uint8Array[];
  receipts: readonly Receipt[];
  /** Cross-shard receipts the block emitted (kept so destination proposers can prove them). */
  outbox?: readonly CrossReceipt[];
  /** Hashes of the transactions (on other shards) whose receipts this block credited. */
  credited?: readonly Uint8Array[];
  /** The engine's proof that this block is final, when it has one (see TipProof). */
  proof?: CommitProof;
}

export class BlockStore {
  private readonly db: StagedKv;
  private readonly prefix: Uint8Array;
  /**
   * The newest commit proof staged, whole: served from memory while this process runs, so a
   * proof whose blocks were never among the pending ones (a fast-synced tip's, from a peer)
   * still goes out with the tip.
   */
  private latestProof: TipProof | undefined;
  /** The pending blocks, whose records become the bodies of the blocks that commit (keepBodiesIn). */
  private bodies: { pinIfStored(hash: Uint8Array): boolean } | null = null;

  constructor(db: StagedKv, prefix: Uint8Array) {
    this.db = db;
    this.prefix = prefix;
  }

  /** The store the chain's state tree lives in (writes go through the staging, see StagedKv). */
  stateKv(): KvStore {
    return new PrefixedKv(this.db, this.key(Bucket.state));
  }

  /** Where the blocks above the committed tip are kept (PendingBlocks). */
  pendingPrefix(): Uint8Array {
    return this.key(Bucket.pending);
  }

  async tip(): Promise<ChainTip | undefined> {
    const b = await this.db.get(this.key(Bucket.tip));
    return b === undefined ? undefined : decode(chainTipCodec, b);
  }

  /**
   * From now on a committed block whose pending record has landed is not copied: its record
   * names that one (pending-blocks.ts). Every block was written twice before, pending and then
   * committed: the second copy was a fifth of a validator's bytes at 3,600 tx/s (docs/benchmarks.md).
   */
  keepBodiesIn(pending: { pinIfStored(hash: Uint8Array): boolean }): void {
    this.bodies = pending;
  }

  async blockAt(height: bigint): Promise<StoredBlock | undefined> {
    const b = await this.db.get(this.key(Bucket.block, u64be(height)));
    if (b === undefined) return undefined;
    const stored = decode(storedBlockCodec, b);
    if (stored.block.length > 0) return stored;
    const body = await this.pendingBlock(stored.hash);
    if (body === undefined) {
      throw new ChainError(
        ChainErrorCode.wrongDatabase,
        `the committed block at height ${height} names the pending record ${toHex(stored.hash)}, which is missing`,
      );
    }
    return { ...stored, block: body };
  }

  async heightOf(hash: Uint8Array): Promise<bigint | undefined> {
    const b = await this.db.get(this.key(Bucket.hashIndex, hash));
    return b === undefined ? undefined : readU64be(b);
  }

  async txLocation(txHash: Uint8Array): Promise<TxLocation | undefined> {
    const b = await this.db.get(this.key(Bucket.tx, txHash));
    return b === undefined ? undefined : decode(txLocationCodec, b);
  }

  async receiptsAt(height: bigint): Promise<Receipt[]> {
    const b = await this.db.get(this.key(Bucket.receipts, u64be(height)));
    return b === undefined ? [] : decode(receiptsCodec, b);
  }

  /** Stages a committed block's records for the state's next batch (see StagedKv). */
  stageCommit(r: CommitRecord): void {
    const h = u64be(r.tip.height);
    const ops: KvOp[] = [{ type: "put", key: this.key(Bucket.tip), value: encode(chainTipCodec, r.tip) }];
    if (r.block !== null) {
      // An empty block names the pending record of the same hash as the body (keepBodiesIn).
      const named = this.bodies?.pinIfStored(r.block.hash) === true;
      const stored = named ? { ...r.block, block: NO_BODY } : r.block;
      ops.push({ type: "put", key: this.key(Bucket.block, h), value: encode(storedBlockCodec, stored) });
      ops.push({ type: "put", key: this.key(Bucket.hashIndex, r.block.hash), value: h });
    }
    r.txHashes.forEach((txHash, index) => {
      ops.push({
        type: "put",
        key: this.key(Bucket.tx, txHash),
        value: encode(txLocationCodec, { height: r.tip.height, index }),
      });
    });
    if (r.receipts.length > 0) {
      ops.push({ type: "put", key: this.key(Bucket.receipts, h), value: encode(receiptsCodec, [...r.receipts]) });
    }
    if (r.outbox !== undefined && r.outbox.length > 0) {
      ops.push({ type: "put", key: this.key(Bucket.outbox, h), value: encode(outboxCodec, [...r.outbox]) });
    }
    for (const origin of r.credited ?? []) ops.push({ type: "put", key: this.key(Bucket.credit, origin), value: h });
    if (r.proof !== undefined) {
      const { child, above, certificate } = r.proof;
      const ref = encode(tipProofRefCodec, { height: r.tip.height, blocks: 1 + above.length, certificate });
      ops.push({ type: "put", key: this.key(Bucket.tipProofRef), value: ref });
      this.latestProof = { height: r.tip.height, child, above, certificate };
    }
    this.db.stage(ops);
  }

  /**
   * The proof that the block at `height` is final, if the newest proof is for it. After a
   * restart its blocks are read back from the pending blocks (or, once one has committed, from
   * the committed ones); if one is missing (a crash before its own write landed, or a proof
   * that came with a fast-synced tip) there is no proof until the next commit brings one.
   */
  async tipProofFor(height: bigint): Promise<TipProof | undefined> {
    if (this.latestProof?.height === height) return this.latestProof;
    const b = await this.db.get(this.key(Bucket.tipProofRef));
    if (b === undefined) return undefined;
    const ref = decode(tipProofRefCodec, b);
    if (ref.height !== height || ref.blocks < 1 || ref.blocks > MAX_PROOF_BLOCKS_ABOVE + 1) return undefined;
    // From the certified block down to the child, each found by the hash its successor names.
    const blocks: Uint8Array[] = new Array(ref.blocks);
    let hash = decode(quorumCertCodec, ref.certificate).blockHash;
    for (let i = ref.blocks - 1; i >= 0; i--) {
      const bytes = await this.blockBytes(hash, height + 1n + BigInt(i));
      if (bytes === undefined) return undefined;
      blocks[i] = bytes;
      hash = decode(blockCodec, bytes).parent;
    }
    if ((await this.heightOf(hash)) !== height) return undefined;
    const [child, ...above] = blocks as [Uint8Array, ...Uint8Array[]];
    return { height, child, above, certificate: ref.certificate };
  }

  /** The record PendingBlocks keeps for block `hash` (also the body a committed record names). */
  private pendingBlock(hash: Uint8Array): Promise<Uint8Array | undefined> {
    return this.db.get(pendingBlockKey(this.pendingPrefix(), hash));
  }

  /** The canonical bytes of block `hash` at `height`: pending, or committed since. */
  private async blockBytes(hash: Uint8Array, height: bigint): Promise<Uint8Array | undefined> {
    const pending = await this.pendingBlock(hash);
    if (pending !== undefined) return pending;
    const committed = await this.blockAt(height);
    return committed !== undefined && equalBytes(committed.hash, hash) ? committed.block : undefined;
  }

  /** The height of the block that credited the receipt of transaction `origin` (another shard's), if any. */
  async creditHeight(origin: Uint8Array): Promise<bigint | undefined> {
    const b = await this.db.get(this.key(Bucket.credit, origin));
    return b === undefined ? undefined : readU64be(b);
  }

  /** The cross-shard receipts the committed block at `height` emitted. */
  async outboxAt(height: bigint): Promise<CrossReceipt[]> {
    const b = await this.db.get(this.key(Bucket.outbox, u64be(height)));
    return b === undefined ? [] : decode(outboxCodec, b);
  }

  /** Records shard epoch `epoch` (written on its own: a lost record is found again at start, see ShardEpochs). */
  putShardEpoch(epoch: bigint, record: ShardEpochRecord): Promise<void> {
    return this.db.writeApart([
      { type: "put", key: this.key(Bucket.epoch, u64be(epoch)), value: encode(shardEpochRecordCodec, record) },
    ]);
  }

  async shardEpoch(epoch: bigint): Promise<ShardEpochRecord | undefined> {
    const b = await this.db.get(this.key(Bucket.epoch, u64be(epoch)));
    return b === undefined ? undefined : decode(shardEpochRecordCodec, b);
  }

  private key(bucket: number, id?: Uint8Array): Uint8Array {
    return id === undefined
      ? concatBytes(this.prefix, Uint8Array.of(bucket))
      : concatBytes(this.prefix, Uint8Array.of(bucket), id);
  }
}

export function u64be(n: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, n);
  return out;
}

function readU64be(b: Uint8Array): bigint {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(0);
}
