// When a chain runs its consensus engine and when it catches up by fast sync; the shard runner
// and the beacon runner both switch this way:
//   start    catch up by fast sync, then start the engine (a full node keeps following);
//   watch    every 2 s a validator compares its committed height with its peers' and goes back
//            to fast sync when it fell more than `behindBlocks` behind, or when it is stuck: its
//            height has not moved since the last look while peers hold blocks fast sync can
//            prove (a peer's tip too, with its commit proof; one block behind, for two looks).
//            The engine cannot fetch those itself when they cross into an epoch it has not
//            learned (it drops that epoch's messages unread), nor on a quiet chain where nothing
//            new is proposed. Either way it leaves consensus only once a
//            peer served the blocks it lacks and they passed fast sync's checks (a height is a
//            claim, a certified run is a proof). A full node syncs on every look (4 a second).
//   stop     the engine and the watch stop; start again resumes from the stored tip (a shard
//            this node stops following while no committee names it, then follows again).
import type { FastSync } from "../sync/fast-sync.ts";
import type { ConsensusHost, HostLogger } from "./consensus-host.ts";

/**
 * "light": a shard this node does not follow now (no committee of its names this node): its
 * state stays at the height where it stopped, and only its headers and outboxes are tracked
 * (node/shards/light-follower.ts).
 */
export type ChainMode = "syncing" | "consensus" | "following" | "light";

export interface SyncSwitchModules<I> {
  sync: FastSync<I>;
  /** The chain's engine host; null on a full node, which only follows. */
  host: ConsensusHost<I> | null;
  /** The committed height. */
  height(): bigint;
  behindBlocks: number;
  setMode(mode: ChainMode): void;
  /** Blocks a catch-up applied (more than none). */
  synced(blocks: bigint): void;
  /** The engine is about to stop for a sync. */
  pausing?(): void;
  /** The engine started again after a catch-up that applied `blocks`. */
  resumed?(blocks: bigint): Promise<void>;
  /** Each look, before comparing heights (metrics, upkeep). */
  tick?(): void;
  log: HostLogger;
}

export class SyncSwitch<I> {
  private readonly m: SyncSwitchModules<I>;
  private watcher: NodeJS.Timeout | null = null;
  private stoppedNow = false;
  private switching: Promise<void> = Promise.resolve();
  private looking = false;
  /** The committed height at the last look, and how many looks in a row found it unchanged. */
  private heightAtLastLook = -1n;
  private looksAtHeight = 0;

  constructor(modules: SyncSwitchModules<I>) {
    this.m = modules;
  }

  get stopped(): boolean {
    return this.stoppedNow;
  }

  /** Catches up, starts the engine, and starts watching (again, after a stop). */
  async start(): Promise<void> {
    await this.switching;
    this.stoppedNow = false;
    this.heightAtLastLook = -1n;
    this.looksAtHeight = 0;
    await this.catchUpThenRun();
    if (this.stoppedNow) return;
    this.watcher = setInterval(() => this.look(), this.m.host === null ? 250 : 2000);
    this.watcher.unref();
  }

  /** Stops watching and the engine (its safety state stays on disk); waits for a switch under way. */
  async stop(): Promise<void> {
    this.stoppedNow = true;
    if (this.watcher !== null) clearInterval(this.watcher);
    this.watcher = null;
    await this.m.host?.stop();
    await this.switching;
  }

  private async catchUpThenRun(): Promise<void> {
    this.m.setMode("syncing");
    const applied = await this.m.sync.catchUp(() => this.stoppedNow);
    if (applied > 0n) this.m.synced(applied);
    if (this.stoppedNow) return;
    const host = this.m.host;
    if (host === null) {
      this.m.setMode("following");
      return;
    }
    this.m.setMode("consensus");
    await host.start();
    if (applied > 0n) await this.m.resumed?.(applied);
  }

  private look(): void {
    if (this.stoppedNow) return;
    this.m.tick?.();
    // A look can outlast the interval (a claimant's fetch running into its timeout, a catch-up):
    // the ticks meanwhile skip theirs rather than queue behind it without bound.
    if (this.looking) return;
    this.looking = true;
    this.switching = this.switching
      .then(async () => {
        if (this.stoppedNow) return;
        const host = this.m.host;
        if (host === null) {
          const applied = await this.m.sync.catchUp(() => this.stoppedNow);
          if (applied > 0n) this.m.synced(applied);
          return;
        }
        const tips = await this.m.sync.peerTips();
        let best = 0n;
        for (const t of tips) if (t.height > best) best = t.height;
        const height = this.m.height();
        this.looksAtHeight = height === this.heightAtLastLook ? this.looksAtHeight + 1 : 0;
        this.heightAtLastLook = height;
        // One block behind, a validator waits a look longer: its engine often commits that
        // block a moment after a peer did, and leaving consensus for it would cost more.
        const stuck = (best > height + 1n && this.looksAtHeight >= 1) || (best > height && this.looksAtHeight >= 2);
        if (best <= height + BigInt(this.m.behindBlocks) && !stuck) return;
        // A claim is only a number: before stopping the engine, a claimant must prove the blocks
        // that make this node behind (or, when stuck, one block it could apply) by serving them.
        const need = stuck ? 1 : this.m.behindBlocks + 1;
        const claimants = tips.filter((t) => t.height >= height + BigInt(need));
        if (!(await this.m.sync.proven(claimants, need))) {
          this.m.log.info(
            { height: String(height), peers: String(best), stuck },
            "peers claim blocks above ours and none proved it: staying in consensus",
          );
          return;
        }
        // The engine committed meanwhile (a peer's proof takes a request): nothing to leave for.
        if (this.stoppedNow || this.m.height() !== height) return;
        this.m.log.info(
          { height: String(height), peers: String(best), stuck },
          "fell behind: leaving consensus for fast sync",
        );
        this.m.pausing?.();
        await host.stop();
        await this.catchUpThenRun();
      })
      .finally(() => {
        this.looking = false;
      });
  }
}
