// Fast sync: a node that is behind fetches committed blocks from several peers at once,
// checks them (verify-range.ts: chain links, certificates in one signature batch on the
// worker threads, 2-chain finality) and applies them through the executor without running
// consensus. A peer whose data fails a check is penalized and its blocks dropped; the window
// is fetched again from another peer in the next round.

import { blockCodec } from "../../consensus/index.ts";
import { decode, equalBytes } from "../../crypto/index.ts";
import type { BlockExecutor } from "../chain/block-executor.ts";
import { ChainError, ChainErrorCode } from "../chain/errors.ts";
import { NetError, NetErrorCode } from "../net/errors.ts";
import { SyncError } from "./errors.ts";
import { SyncPeerStanding } from "./peer-standing.ts";
import type { SyncProgress } from "./progress.ts";
import { type BlocksResponse, decodeBlocksResponse, encodeBlocksRequest, MAX_BLOCKS_PER_REQUEST } from "./protocol.ts";
import { type RangeContext, type VerifiedBlock, verifyRange } from "./verify-range.ts";

export interface FastSyncOptions {
  /** Blocks asked per request. */
  window: number;
  /** Requests in flight at once, each to another peer when there are several. */
  parallel: number;
  requestTimeoutMs: number;
  /** How long a round waits on a window's peer before other peers that can serve it are asked too. */
  hedgeAfterMs: number;
}

export const defaultFastSyncOptions: FastSyncOptions = {
  window: 127,
  parallel: 4,
  requestTimeoutMs: 10_000,
  hedgeAfterMs: 1000,
};

export interface FastSyncModules<I> {
  peers(): string[];
  request(peer: string, bytes: Uint8Array, timeoutMs: number): Promise<Uint8Array>;
  penalize(peer: string, reason: string): void;
  executor: BlockExecutor<I>;
  range: RangeContext;
  onApplied(info: I): Promise<void>;
  progress: SyncProgress;
  /** Milliseconds, for how long a peer that kept a fetch waiting is left out (default performance.now). */
  now?: () => number;
  log: { info(o: object, m: string): void; warn(o: object, m: string): void; debug(o: object, m: string): void };
}

export interface PeerTip {
  peer: string;
  height: bigint;
}

export class FastSync<I> {
  private readonly opts: FastSyncOptions;
  private readonly m: FastSyncModules<I>;
  /** Peers left out for now: one kept a fetch waiting lately, or has one unanswered (peer-standing.ts). */
  private readonly standing: SyncPeerStanding;
  blocksApplied = 0n;

  constructor(opts: Partial<FastSyncOptions>, modules: FastSyncModules<I>) {
    this.opts = { ...defaultFastSyncOptions, ...opts };
    this.m = modules;
    this.standing = new SyncPeerStanding(modules.now ?? (() => performance.now()));
  }

  /** The height the current (or last) catch-up started from and the best peer height it aims at. */
  span = { start: 0n, target: 0n };

  /** Each connected peer's committed height (peers that do not answer are left out). */
  async peerTips(): Promise<PeerTip[]> {
    const from = this.m.executor.tip.height + 1n;
    const asks = this.m.peers().map(async (peer) => {
      try {
        const res = decodeBlocksResponse(
          await this.m.request(peer, encodeBlocksRequest({ fromHeight: from, maxBlocks: 0 }), 3000),
        );
        return { peer, height: res.tipHeight };
      } catch {
        return null;
      }
    });
    return (await Promise.all(asks)).filter((t): t is PeerTip => t !== null);
  }

  /**
   * Whether a peer that claims to be ahead proves it: asked for the `need` blocks above our tip
   * and the two after them (a 2-chain proves a block final), it serves a run that passes every
   * check a catch-up makes and proves all `need` of them final. A validator asks this before it
   * stops its engine: a claim nobody backs (a peer that answers height probes and then never
   * serves, or serves what fails the checks) then costs it one request, not its consensus. The
   * highest claimants (up to `parallel`) are asked at once; true as soon as one proves it.
   */
  async proven(claimants: readonly PeerTip[], need: number): Promise<boolean> {
    const from = this.m.executor.tip.height + 1n;
    const n = Math.max(1, Math.min(need, MAX_BLOCKS_PER_REQUEST - 2));
    const asked = claimants
      .filter((t) => this.standing.usable(t.peer))
      .sort((a, b) => (a.height === b.height ? 0 : a.height < b.height ? 1 : -1));
    const proofs = asked
      .slice(0, this.opts.parallel)
      .map(async (t) => ((await this.fetch(t.peer, from, n + 2))?.length ?? 0) >= n);
    return firstTrue(proofs);
  }

  /**
   * Fetches and applies blocks until no peer can prove a block above ours, or `stop()` says
   * so between rounds. Returns the number of blocks applied.
   */
  async catchUp(stop: () => boolean = () => false): Promise<bigint> {
    const start = this.m.executor.tip.height;
    this.span = { start, target: start };
    let stalled = 0;
    // Peers whose fetch failed in this catch-up are not asked again in it: one that claims a high
    // tip and never serves costs one timeout, not every round, and once only such peers are left
    // "ahead" the catch-up ends (the next look asks them for a proof again, in consensus).
    const failed = new Set<string>();
    while (!stop() && stalled < 3) {
      const tips = await this.peerTips();
      const ours = this.m.executor.tip.height;
      // A peer one block ahead proves that block with its tip proof. Peers that failed lately
      // last: the first window is the one every round waits for.
      const ahead = tips
        .filter((t) => t.height > ours && !failed.has(t.peer) && this.standing.usable(t.peer))
        .sort((a, b) => this.standing.failuresOf(a.peer) - this.standing.failuresOf(b.peer));
      if (ahead.length === 0) break;
      const best = ahead.reduce((a, b) => (b.height > a.height ? b : a)).height;
      this.m.progress.begin(start, best);
      this.span = { start, target: best };
      const applied = await this.round(ahead, best, failed);
      stalled = applied === 0 ? stalled + 1 : 0;
      this.m.progress.update(this.m.executor.tip.height);
      // Peers one block ahead that did not prove it (no tip proof) will not before the next look.
      if (applied === 0 && best === ours + 1n) break;
    }
    const height = this.m.executor.tip.height;
    if (height > start) this.m.progress.end(height);
    return height - start;
  }

  /** One round: up to `parallel` windows fetched and verified at once, applied in order. */
  private async round(ahead: PeerTip[], best: bigint, failed: Set<string>): Promise<number> {
    const window = BigInt(this.opts.window);
    const first = this.m.executor.tip.height + 1n;
    const jobs: { from: bigint; peer: string; result: Promise<Served> }[] = [];
    for (let i = 0; i < this.opts.parallel; i++) {
      const from = first + BigInt(i) * window;
      if (from > best) break;
      const candidates = ahead.filter((t) => t.height >= from);
      if (candidates.length === 0) break;
      const peer = (candidates[i % candidates.length] as PeerTip).peer;
      // One block more than the window, so that the window's last block can be proven final.
      jobs.push({ from, peer, result: this.served(peer, from, this.opts.window + 1, failed) });
    }
    let applied = 0;
    for (const job of jobs) {
      // An earlier window came back short (its peer could prove no more, or its blocks entered
      // an epoch this node had not learned yet): this one no longer continues the chain, through
      // no fault of its peer. The next round asks again from the new tip. It is not waited for:
      // when only a peer that claims more than it serves was asked for it, the wait is that
      // peer's whole timeout, for blocks nobody else has (a full node at the tip met one such
      // window at every catch-up).
      if (job.from > this.m.executor.tip.height + 1n) break;
      const { peer, blocks } = await this.hedged(job.peer, job.from, job.result, failed);
      if (blocks === null) {
        failed.add(peer);
        break;
      }
      for (const vb of blocks) {
        const tip = this.m.executor.tip;
        if (vb.block.height <= tip.height) continue;
        if (vb.block.height !== tip.height + 1n || !equalBytes(vb.block.parent, tip.hash)) {
          // Fetched from another peer than the window before, and they disagree: a certified
          // fork cannot be final on both sides, so the later window is the bad one.
          this.m.penalize(peer, "sync: blocks do not continue the chain");
          return applied;
        }
        const info = await this.commitOrWait({
          height: vb.block.height,
          round: vb.block.round,
          epoch: vb.block.epoch,
          hash: vb.hash,
          parent: vb.block.parent,
          proposer: vb.block.proposer,
          payload: vb.block.payload,
          certificate: vb.certificate,
          encoded: vb.stored.block,
          ...(vb.proof !== undefined ? { proof: vb.proof } : {}),
        });
        if (info === "wait") return applied;
        if (info !== null) {
          applied++;
          this.blocksApplied++;
          await this.m.onApplied(info);
        }
      }
      this.m.progress.update(this.m.executor.tip.height);
      if (blocks.length === 0) break;
    }
    return applied;
  }

  /**
   * The window the round waits for, asked of `peer` (`primary`); while it has not answered,
   * every `hedgeAfterMs` the peers' tips are asked again, and the first other peer that can
   * serve the window is asked for it too: the first verified answer wins. A peer that is the
   * only one ahead (a full node at the tip meets one at every catch-up when a peer claims a far
   * higher tip) then holds a catch-up only until another peer has the next block, and one that
   * was given a later window and keeps it waiting holds the round for `hedgeAfterMs`, not for
   * its whole timeout. A window that came back before the round reached it costs no wait.
   */
  private async hedged(peer: string, from: bigint, primary: Promise<Served>, failed: Set<string>): Promise<Served> {
    const count = this.opts.window + 1;
    let settled = false;
    void primary.then(() => {
      settled = true;
    });
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<"waited">((resolve) => {
        timer = setTimeout(() => resolve("waited"), this.opts.hedgeAfterMs);
      });
      const first = await Promise.race([primary, waited]);
      clearTimeout(timer);
      if (first !== "waited") return first;
      const tips = await this.peerTips();
      if (settled) return primary;
      const other = tips.find(
        (t) => t.peer !== peer && t.height >= from && !failed.has(t.peer) && this.standing.usable(t.peer),
      );
      if (other !== undefined) return firstServed([primary, this.served(other.peer, from, count, failed)]);
    }
  }

  /** fetch(), with the peer that answered. */
  private async served(peer: string, from: bigint, count: number, failed: Set<string>): Promise<Served> {
    return { peer, blocks: await this.fetch(peer, from, count, failed) };
  }

  /** Commits a verified block; "wait" when a chain it depends on has not caught up yet (CHAIN_BEACON_BEHIND). */
  private async commitOrWait(b: Parameters<BlockExecutor<I>["commit"]>[0]): Promise<I | null | "wait"> {
    try {
      return await this.m.executor.commit(b);
    } catch (e) {
      if (!(e instanceof ChainError) || e.code !== ChainErrorCode.beaconBehind) throw e;
      this.m.log.info({ height: String(b.height), err: e.message }, "sync waits for the beacon chain");
      return "wait";
    }
  }

  /**
   * One window from one peer, verified; null when the peer failed us. The peer's standing
   * (peer-standing.ts) records the ask and how it ended. With a catch-up's `failed` set, a peer
   * that failed joins it, and a timeout is scored once per catch-up (its windows go out at
   * once, often several to one peer, and time out together).
   */
  private async fetch(
    peer: string,
    from: bigint,
    count: number,
    failed?: Set<string>,
  ): Promise<VerifiedBlock[] | null> {
    this.standing.asked(peer);
    let blocks: VerifiedBlock[] | null = null;
    try {
      blocks = await this.fetchOnce(peer, from, count, failed);
      return blocks;
    } finally {
      this.standing.answered(peer, blocks !== null);
    }
  }

  private async fetchOnce(
    peer: string,
    from: bigint,
    count: number,
    failed: Set<string> | undefined,
  ): Promise<VerifiedBlock[] | null> {
    let bytes: Uint8Array;
    try {
      bytes = await this.m.request(
        peer,
        encodeBlocksRequest({ fromHeight: from, maxBlocks: count }),
        this.opts.requestTimeoutMs,
      );
    } catch (e) {
      this.m.log.debug({ peer, from: String(from), err: String(e) }, "sync request failed");
      // Asked for blocks it said it holds, the peer let the request run out. Once is a loaded
      // peer (scores halve every minute); a peer that does it at every ask, as one that claims a
      // tip to keep us waiting would, reaches the ban threshold within a few minutes. A reset or
      // our own rate limit is not scored: those are not a peer keeping us waiting.
      const timedOut = e instanceof NetError && e.code === NetErrorCode.timeout;
      // Only a timeout: a reset, a closed connection or our own rate limit says nothing of
      // whether the peer would keep us waiting, and a node that has just started meets them all.
      if (timedOut) this.standing.keptWaiting(peer);
      if (timedOut && failed?.has(peer) !== true) this.m.penalize(peer, "sync: request timed out");
      failed?.add(peer);
      return null;
    }
    let response: BlocksResponse;
    try {
      response = decodeBlocksResponse(bytes);
    } catch (e) {
      this.m.log.warn({ peer, err: String(e) }, "sync answer does not decode");
      this.m.penalize(peer, "sync: malformed answer");
      return null;
    }
    const firstBlock = response.blocks[0];
    if (firstBlock === undefined) {
      // An honest peer stores every committed block up to its tip and serves at least one from
      // any height at or below it. One that claims such a tip and serves nothing is keeping us
      // out of consensus for nothing (a validator leaves it for fast sync when a peer claims to
      // be ahead): it is penalized like a peer whose blocks fail their checks.
      if (response.tipHeight < from) return [];
      this.m.log.warn(
        { peer, from: String(from), tip: String(response.tipHeight) },
        "peer claims blocks it does not serve",
      );
      this.m.penalize(peer, "sync: claims blocks it does not serve");
      return null;
    }
    try {
      const head = decode(blockCodec, firstBlock.block);
      if (head.height !== from) throw new SyncError("SYNC_NOT_A_CHAIN", `asked for height ${from}, got ${head.height}`);
      const anchor = { height: from - 1n, hash: head.parent };
      return await verifyRange(this.m.range, anchor, response.blocks, response.tipProof);
    } catch (e) {
      if (e instanceof SyncError) {
        this.m.log.warn({ peer, code: e.code, err: e.message }, "peer sent blocks that fail verification");
        this.m.penalize(peer, `sync: ${e.code}`);
        return null;
      }
      this.m.log.warn({ peer, err: String(e) }, "sync blocks do not decode");
      this.m.penalize(peer, "sync: malformed");
      return null;
    }
  }
}

/** A window's blocks and the peer that served them (null: it failed us). */
interface Served {
  peer: string;
  blocks: VerifiedBlock[] | null;
}

/** The first fetch that served; the first one's failure once all failed. Fetches never reject. */
function firstServed(fetches: readonly [Promise<Served>, ...Promise<Served>[]]): Promise<Served> {
  return new Promise((resolve) => {
    let left = fetches.length;
    for (const f of fetches) {
      void f.then((r) => {
        left--;
        if (r.blocks !== null) resolve(r);
        else if (left === 0) void fetches[0].then(resolve);
      });
    }
  });
}

/** True as soon as one of `checks` is; false once all are false. The checks never reject. */
function firstTrue(checks: readonly Promise<boolean>[]): Promise<boolean> {
  return new Promise((resolve) => {
    let left = checks.length;
    if (left === 0) resolve(false);
    for (const c of checks) {
      void c.then((yes) => {
        left--;
        if (yes) resolve(true);
        else if (left === 0) resolve(false);
      });
    }
  });
}
