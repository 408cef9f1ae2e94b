// Which shards this node follows (executes), as the committees change. A validator follows a
// shard while a committee of it names the validator for the epoch the shard is in or the next
// one. Only the next: a shard walks through epochs one at a time, and an idle shard lags the
// beacon by many, so counting every epoch drawn since would seat everyone. The beacon draws
// epoch e + 1's committees when its epoch e ends, a few shard blocks before the shard hands
// over (shard/epoch-handover.ts), so a newly seated validator starts then: it fetches and
// executes the blocks it missed (fast sync from where it stopped) and runs the engine,
// observing until its epoch begins. It stops once the shard has committed a block of an epoch
// whose committee, and the next one's, leave it out. Meanwhile a light follower tracks the
// shard's headers and outboxes (light-follower.ts).
//
// A node without a key, or one configured with `chain.followShards: "all"`, follows every
// shard, as an RPC or archive node must.
import type { BeaconState } from "../../consensus/beacon/beacon-state.ts";
import type { HostLogger } from "../chain/consensus-host.ts";
import type { RangeAnchor } from "../sync/verify-range.ts";

/** Does a committee of `shard` in epoch `fromEpoch` or the next, as `state` knows them, name `self`? */
export function seatedFrom(state: BeaconState, shard: number, self: string, fromEpoch: bigint): boolean {
  return state.committees.some(
    (c) => (c.epoch === fromEpoch || c.epoch === fromEpoch + 1n) && (c.members[shard] ?? []).includes(self),
  );
}

/** One shard as the controller sees it. */
export interface FollowedShard {
  shard: number;
  chain: {
    readonly following: boolean;
    start(follow: boolean): Promise<void>;
    pause(): Promise<void>;
    resume(): Promise<void>;
  };
  light: { start(anchor: RangeAnchor): void; stop(): Promise<void> };
  /** The newest committed block this node's records of the shard hold (executed or light). */
  recordsTip(): RangeAnchor;
  /** The shard's epoch at that block. */
  epochAtTip(): bigint;
  log: HostLogger;
}

export interface ShardFollowingModules {
  /** This node's validator id; null on a full node. */
  self: string | null;
  /** Follow every shard whatever the committees (config `shards.follow: "all"`). */
  all: boolean;
  shards: readonly FollowedShard[];
  /** The state of the newest committed beacon block. */
  beaconState(): BeaconState;
}

export class ShardFollowing {
  private readonly m: ShardFollowingModules;
  /** Per shard, the changes under way, one after the other. */
  private readonly queues: Promise<void>[];
  private stopped = false;

  constructor(modules: ShardFollowingModules) {
    this.m = modules;
    this.queues = modules.shards.map(() => Promise.resolve());
  }

  /** Whether this node should follow `s` now. */
  wants(s: FollowedShard): boolean {
    if (this.m.all || this.m.self === null) return true;
    return seatedFrom(this.m.beaconState(), s.shard, this.m.self, s.epochAtTip());
  }

  /** Starts every shard, following those that seat this node and tracking the others light. */
  async start(): Promise<void> {
    await Promise.all(
      this.m.shards.map((s) =>
        this.enqueue(s, async () => {
          const follow = this.wants(s);
          if (!follow) s.light.start(s.recordsTip());
          await s.chain.start(follow);
        }),
      ),
    );
  }

  /** Looks again (a beacon block committed, a shard entered an epoch). */
  review(): void {
    for (const s of this.m.shards) void this.enqueue(s, () => this.apply(s));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.m.shards.map((s) => s.light.stop()));
  }

  private enqueue(s: FollowedShard, step: () => Promise<void>): Promise<void> {
    const next = (this.queues[s.shard] as Promise<void>).then(async () => {
      if (this.stopped) return;
      try {
        await step();
      } catch (e) {
        s.log.warn({ err: String(e) }, "could not change whether this node follows the shard");
      }
    });
    this.queues[s.shard] = next;
    return next;
  }

  private async apply(s: FollowedShard): Promise<void> {
    const want = this.wants(s);
    if (want === s.chain.following) return;
    const at = s.recordsTip();
    if (want) {
      s.log.info(
        { height: String(at.height), epoch: String(s.epochAtTip()) },
        "a committee seats this node: following the shard",
      );
      await s.light.stop();
      await s.chain.resume();
    } else {
      s.log.info(
        { height: String(at.height), epoch: String(s.epochAtTip()) },
        "no committee seats this node: tracking the shard's headers only",
      );
      await s.chain.pause();
      s.light.start(s.recordsTip());
    }
  }
}
