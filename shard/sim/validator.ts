// One simulated validator of a sharded network: an engine on the beacon chain and one on every
// shard (a member votes, the others follow as observers, so each validator can crosslink any
// shard and can take over a shard when committees change), plus what it has committed:
// the beacon chain, each shard's blocks with their certificates, and each shard's epoch.
import { committeeSetOf, epochOfHeight } from "../../consensus/beacon/beacon-state.ts";
import type { CertifiedBlock } from "../../consensus/beacon/crosslink.ts";
import type { CommittedBlock, Signer } from "../../consensus/interface.ts";
import { blockCodec, decodeQuorumCert } from "../../consensus/messages.ts";
import type { CommitRecord } from "../../consensus/sim/invariants.ts";
import { decode, fromHex, toHex } from "../../crypto/index.ts";
import { buildBeaconPayload, type CommittedShardBlock } from "../beacon-block.ts";
import { decodeShardBlockPayload, encodeShardBlockPayload, type InboundBundle } from "../body.ts";
import { nextShardEpoch, type ShardEpoch } from "../epoch-handover.ts";
import type { ShardHeader } from "../header.ts";
import type { ChainHost } from "./chain-host.ts";
import type { SimLedger } from "./ledger.ts";

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
    return buildBeaconPayload({
      parent,
      height,
      nowMs: BigInt(this.services.now()),
      params: ledger.beaconParams,
      sign: this.signer,
      shards: this.shardChains.map((chain) => ({
        height: chain.length - 1,
        at: (h: number) => chain[h] ?? undefined,
      })),
      crosslinkedBefore: (_shard, digest) => ledger.isCrosslinked(toHex(digest), parent.height, parentHex),
      // The simulator's clients only transfer: no stake receipts to take.
      stakeBundles: () => [],
    });
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
    let beacon = { height: parent.header.beaconHeight, hex: toHex(parent.header.beaconHash) };
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
    if (at !== toHex(header.beaconHash)) return false;
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
    const beacon = this.services.ledger.beacon.get(toHex(header.beaconHash));
    const set = beacon === undefined ? undefined : committeeSetOf(beacon.state, shard, next.epoch);
    if (set === undefined) return; // cannot happen with a committed beacon block; the shard stays put
    this.shardEpochs[shard] = next;
    await this.hosts?.shards[shard]?.learnEpoch(set, next.fromHeight);
  }

  private proposerOf(): string {
    return this.id;
  }
}
