// One simulated validator of a sharded network: an engine on the beacon chain and one on every
// shard (a member votes, the others follow as observers, so each validator can crosslink any
// shard and can take over a shard when committees change), plus what it has committed:
// the beacon chain, each shard's blocks with their certificates, and each shard's epoch.
import { committeeSetOf, epochOfHeight } from "../../consensus/beacon/beacon-state.ts";
import { type CertifiedBlock, commitProofFrom } from "../../consensus/beacon/crosslink.ts";
import { type BeaconPayload, encodeBeaconPayload } from "../../consensus/beacon/payload.ts";
import { revealMessage } from "../../consensus/beacon/randomness.ts";
import type { CommittedBlock, Signer } from "../../consensus/interface.ts";
import { blockCodec, decodeQuorumCert } from "../../consensus/messages.ts";
import type { CommitRecord } from "../../consensus/sim/invariants.ts";
import { decode, fromHex } from "../../crypto/index.ts";
import { decodeShardBlockPayload, encodeShardBlockPayload, type InboundBundle, shardPayloadDigest } from "../body.ts";
import { nextShardEpoch, type ShardEpoch } from "../epoch-handover.ts";
import { encodeHeader, MAX_CROSSLINK_HEADERS, type ShardHeader } from "../header.ts";
import type { ChainHost } from "./chain-host.ts";
import type { SimLedger } from "./ledger.ts";

export interface CommittedShardBlock {
  certified: CertifiedBlock;
  header: ShardHeader;
}

/** What the validator asks of the run: transactions and receipts to include, and where commits go. */
export interface ValidatorServices {
  ledger: SimLedger;
  now(): number;
  /** Candidate transactions for a block of `shard` on the state after `parentHeaderHex`. */
  candidates(shard: number, parentHeaderHex: string): Promise<Uint8Array[]>;
  /** Proven receipt bundles for `shard` on `parentHeaderHex`, crosslinked on the chain ending at `beaconHex`. */
  inbound(shard: number, parentHeaderHex: string, beaconHex: string, beaconHeight: bigint): Promise<InboundBundle[]>;
  committed(validator: SimValidator, chain: number, block: CommittedBlock, record: CommitRecord): Promise<void>;
}

export const BEACON_INDEX = -1;

export class SimValidator {
  /** Committed beacon block hashes by height (0: genesis). */
  readonly beaconChain: string[];
  /** Committed blocks of each shard by height (0: genesis, without a certificate). */
  readonly shardChains: (CommittedShardBlock | null)[][];
  readonly shardEpochs: ShardEpoch[];
  hosts: { beacon: ChainHost; shards: ChainHost[] } | null = null;

  readonly index: number;
  readonly id: string;
  private readonly signer: Signer;
  private readonly shardCount: number;
  private readonly beaconGenesisHex: string;
  private readonly services: ValidatorServices;

  constructor(
    index: number,
    id: string,
    signer: Signer,
    shardCount: number,
    beaconGenesisHex: string,
    services: ValidatorServices,
  ) {
    this.index = index;
    this.id = id;
    this.signer = signer;
    this.shardCount = shardCount;
    this.beaconGenesisHex = beaconGenesisHex;
    this.services = services;
    this.beaconChain = [beaconGenesisHex];
    this.shardChains = Array.from({ length: shardCount }, () => [null]);
    this.shardEpochs = Array.from({ length: shardCount }, () => ({ epoch: 0n, fromHeight: 1n }));
  }

  get beaconTip(): { height: bigint; hex: string } {
    return { height: BigInt(this.beaconChain.length - 1), hex: this.beaconChain.at(-1) as string };
  }

  // --- Beacon chain ---------------------------------------------------------------------------

  buildBeacon(parentHex: string, height: bigint): Uint8Array | null {
    const { ledger } = this.services;
    const parent = ledger.beacon.get(parentHex);
    if (parent === undefined) return null;
    const params = ledger.beaconParams;
    const crosslinks: BeaconPayload["crosslinks"] = [];
    for (let k = 0; k < this.shardCount; k++) {
      const c = this.crosslinkFor(k, (parent.state.crosslinks[k] as { height: bigint }).height);
      if (c !== null) crosslinks.push(c);
    }
    const now = BigInt(this.services.now());
    return encodeBeaconPayload({
      timeMs: now > parent.timeMs ? now : parent.timeMs,
      reveal: this.signer(revealMessage(params.chainId, epochOfHeight(height, params.epochLength))),
      crosslinks,
    });
  }

  /** Every committed header of `shard` above `since` up to the newest this validator can prove committed. */
  private crosslinkFor(shard: number, since: bigint): BeaconPayload["crosslinks"][number] | null {
    const chain = this.shardChains[shard] as (CommittedShardBlock | null)[];
    const last = Math.min(chain.length - 2, Number(since) + MAX_CROSSLINK_HEADERS);
    for (let h = last; h > Number(since); h--) {
      const block = chain[h] as CommittedShardBlock;
      const child = chain[h + 1] as CommittedShardBlock;
      const proof = commitProofFrom(block.certified, child.certified, shardPayloadDigest);
      if (proof === null) continue;
      const headers: Uint8Array[] = [];
      for (let i = Number(since) + 1; i <= h; i++) headers.push(encodeHeader((chain[i] as CommittedShardBlock).header));
      return { shard, headers, proof };
    }
    return null;
  }

  async beaconCommitted(block: CommittedBlock, record: CommitRecord): Promise<void> {
    this.beaconChain.push(record.hash);
    await this.services.committed(this, BEACON_INDEX, block, record);
  }

  // --- Shard chains ---------------------------------------------------------------------------

  async buildShard(shard: number, parentHex: string): Promise<Uint8Array | null> {
    const { ledger } = this.services;
    const shardLedger = ledger.shards[shard];
    const parent = shardLedger?.ofBlock(parentHex);
    if (shardLedger === undefined || parent === undefined) return null;
    // The newest beacon block committed here, but never one below what the parent built on.
    let beacon = { height: parent.header.beaconHeight, hex: toHexOf(parent.header.beaconHash) };
    const tip = this.beaconTip;
    if (tip.height > beacon.height) beacon = tip;
    if (beacon.height === 0n) beacon = { height: 0n, hex: this.beaconGenesisHex };
    const payload = await shardLedger.build(parentHex, this.proposerOf(), {
      beacon: { height: beacon.height, hash: fromHex(beacon.hex, 32) },
      timeMs: BigInt(this.services.now()),
      txs: await this.services.candidates(shard, parent.headerHex),
      inbound: await this.services.inbound(shard, parent.headerHex, beacon.hex, beacon.height),
    });
    return payload === null ? null : encodeShardBlockPayload(payload);
  }

  /** undefined while the beacon block the payload builds on is not committed here yet. */
  async judgeShard(
    shard: number,
    blockHex: string,
    parentHex: string,
    proposer: string,
    payload: Uint8Array,
  ): Promise<boolean | undefined> {
    let header: ShardHeader;
    try {
      header = decodeShardBlockPayload(payload).header;
    } catch {
      return false;
    }
    const at = this.beaconChain[Number(header.beaconHeight)];
    if (at === undefined) return undefined;
    if (at !== toHexOf(header.beaconHash)) return false;
    const verdict = await this.services.ledger.shards[shard]?.judge(blockHex, parentHex, proposer, payload);
    return verdict?.valid ?? false;
  }

  async shardCommitted(shard: number, block: CommittedBlock, record: CommitRecord): Promise<void> {
    const header = decodeShardBlockPayload(block.payload).header;
    const certified: CertifiedBlock = {
      block: decode(blockCodec, block.encoded),
      qc: decodeQuorumCert(block.certificate),
    };
    (this.shardChains[shard] as (CommittedShardBlock | null)[]).push({ certified, header });
    await this.services.committed(this, shard, block, record);
    // Committees: the shard moves to the next epoch HANDOVER_HEIGHTS after it commits a block
    // built on a beacon block of a later epoch (epoch-handover.ts).
    const current = this.shardEpochs[shard] as ShardEpoch;
    const beaconEpoch = epochOfHeight(header.beaconHeight, this.services.ledger.beaconParams.epochLength);
    const next = nextShardEpoch(current, block.height, beaconEpoch);
    if (next === null) return;
    const beacon = this.services.ledger.beacon.get(toHexOf(header.beaconHash));
    const set = beacon === undefined ? undefined : committeeSetOf(beacon.state, shard, next.epoch);
    if (set === undefined) return; // cannot happen with a committed beacon block; the shard stays put
    this.shardEpochs[shard] = next;
    await this.hosts?.shards[shard]?.learnEpoch(set, next.fromHeight);
  }

  private proposerOf(): string {
    return this.id;
  }
}

function toHexOf(b: Uint8Array): string {
  return Buffer.from(b).toString("hex");
}
