// When a shard hands over to its next committee, as this node learns it (the rule is
// shard/epoch-handover.ts, the same the simulator runs): a committed shard block built on a
// beacon block of a later epoch fixes the next epoch's first height, and the committee is the
// one the beacon drew for that epoch, read from the state of that same beacon block. Every node
// commits the same blocks, so every node learns the same epochs at the same heights.
//
// Each epoch is stored (bucket 0x0a of the shard's store) as its first height and that beacon
// height. The record is written after the block's own commit, so a crash can lose it; at start
// the blocks from the newest stored epoch's first height on are read again and any epoch they
// fix is learned (and stored) again, so nothing is lost for good.
import { committeeSetOf, epochOfHeight } from "../../consensus/beacon/beacon-state.ts";
import type { ValidatorSet } from "../../consensus/index.ts";
import { nextShardEpoch, type ShardEpoch } from "../../shard/epoch-handover.ts";
import type { ShardHeader } from "../../shard/header.ts";
import type { BlockStore } from "../chain/block-store.ts";
import type { HostLogger } from "../chain/consensus-host.ts";
import { decodeBlockPayload } from "../chain/stored-payload.ts";
import type { BeaconView } from "./beacon-view.ts";

export interface ShardEpochsModules {
  shard: number;
  store: BlockStore;
  view: BeaconView;
  epochLength: bigint;
  /** Hands the next epoch to the shard's runner (engine, sync, relay). */
  learn(set: ValidatorSet, fromHeight: bigint): void;
  log: HostLogger;
}

export class ShardEpochs {
  private readonly m: ShardEpochsModules;
  private current: ShardEpoch = { epoch: 0n, fromHeight: 1n };
  /** Stored records, one after the other (their order does not matter, their loss is recovered). */
  private writes: Promise<void> = Promise.resolve();

  private constructor(modules: ShardEpochsModules) {
    this.m = modules;
  }

  /** The epoch the shard is in or enters next, and its first height. */
  get latest(): ShardEpoch {
    return this.current;
  }

  /**
   * The stored epochs, then whatever the committed blocks above the newest one fix (start-up;
   * the beacon view must already hold every committed beacon block).
   */
  static async load(modules: ShardEpochsModules, tipHeight: bigint): Promise<ShardEpochs> {
    const e = new ShardEpochs(modules);
    for (let epoch = 1n; ; epoch++) {
      const record = await modules.store.shardEpoch(epoch);
      if (record === undefined) break;
      e.enter({ epoch, fromHeight: record.fromHeight }, record.beaconHeight);
    }
    for (let h = e.current.fromHeight; h <= tipHeight; h++) {
      const stored = await modules.store.blockAt(h);
      if (stored === undefined) throw new Error(`shard ${modules.shard}: no stored block at ${h}`);
      e.committed(h, decodeBlockPayload(stored.block).header);
    }
    await e.flushed();
    return e;
  }

  /** A block the shard committed (in height order): learns the next epoch if it fixes one. */
  committed(height: bigint, header: ShardHeader): void {
    const next = nextShardEpoch(this.current, height, epochOfHeight(header.beaconHeight, this.m.epochLength));
    if (next === null) return;
    this.enter(next, header.beaconHeight);
    const record = { fromHeight: next.fromHeight, beaconHeight: header.beaconHeight };
    this.writes = this.writes
      .then(() => this.m.store.putShardEpoch(next.epoch, record))
      .catch((e) => this.m.log.warn({ err: String(e), epoch: String(next.epoch) }, "could not store a shard epoch"));
    this.m.log.info(
      { epoch: String(next.epoch), fromHeight: String(next.fromHeight), beaconHeight: String(header.beaconHeight) },
      "next committee learned",
    );
  }

  /** Resolves once every epoch learned so far is stored. */
  flushed(): Promise<void> {
    return this.writes;
  }

  private enter(next: ShardEpoch, beaconHeight: bigint): void {
    const state = this.m.view.at(beaconHeight)?.result.state;
    const set = state === undefined ? undefined : committeeSetOf(state, this.m.shard, next.epoch);
    if (set === undefined) {
      // A committed shard block only ever names a committed beacon block, whose state holds
      // the committees of every epoch after the shard's: this is a damaged store.
      throw new Error(
        `shard ${this.m.shard}: no committee for epoch ${next.epoch} in beacon block ${beaconHeight} (beacon tip ${this.m.view.tip.height})`,
      );
    }
    this.current = next;
    this.m.learn(set, next.fromHeight);
  }
}
