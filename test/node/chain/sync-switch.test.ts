// When a validator leaves consensus for fast sync: only when it is behind (or stuck) and a peer
// proved it by serving the blocks it lacks; a peer's height alone does not stop the engine.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ConsensusHost } from "../../../node/chain/consensus-host.ts";
import { type ChainMode, SyncSwitch } from "../../../node/chain/sync-switch.ts";
import type { FastSync, PeerTip } from "../../../node/sync/fast-sync.ts";

const quiet = { info() {}, warn() {}, debug() {}, error() {} };
/** Lets every promise the switch chained settle (setImmediate runs after the microtasks). */
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

/** A validator at `height` whose peers claim `tips`, and whose claimants prove it when `proves` says so. */
function validator(opts: { height: bigint; tips: PeerTip[]; proves: boolean | Promise<boolean> }) {
  const modes: ChainMode[] = [];
  const proven = vi.fn(async (_claimants: readonly PeerTip[], _need: number) => opts.proves);
  const catchUp = vi.fn(async () => 0n);
  const sync = { peerTips: async () => opts.tips, proven, catchUp } as unknown as FastSync<unknown>;
  const host = { start: vi.fn(async () => {}), stop: vi.fn(async () => {}) };
  const sw = new SyncSwitch<unknown>({
    sync,
    host: host as unknown as ConsensusHost<unknown>,
    height: () => opts.height,
    behindBlocks: 8,
    setMode: (m) => modes.push(m),
    synced: () => {},
    log: quiet,
  });
  return { sw, host, proven, catchUp, modes };
}

describe("the sync switch", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("stays in consensus when a peer claims to be far ahead and nobody proves it", async () => {
    const v = validator({ height: 100n, tips: [{ peer: "liar", height: 1_000_000n }], proves: false });
    await v.sw.start();
    expect(v.host.start).toHaveBeenCalledTimes(1);
    for (let look = 0; look < 3; look++) {
      await vi.advanceTimersByTimeAsync(2000);
      await settle();
    }
    expect(v.proven).toHaveBeenCalledTimes(3);
    // Behind means more than 8 blocks: the claimant must prove 9.
    expect(v.proven.mock.calls[0]).toEqual([[{ peer: "liar", height: 1_000_000n }], 9]);
    expect(v.host.stop).not.toHaveBeenCalled();
    expect(v.catchUp).toHaveBeenCalledTimes(1); // the start's
    expect(v.modes).toEqual(["syncing", "consensus"]);
    await v.sw.stop();
  });

  it("leaves consensus for fast sync once a claimant proves it, and comes back", async () => {
    const v = validator({ height: 100n, tips: [{ peer: "ahead", height: 200n }], proves: true });
    await v.sw.start();
    await vi.advanceTimersByTimeAsync(2000);
    await settle();
    expect(v.host.stop).toHaveBeenCalledTimes(1);
    expect(v.catchUp).toHaveBeenCalledTimes(2);
    expect(v.host.start).toHaveBeenCalledTimes(2);
    expect(v.modes).toEqual(["syncing", "consensus", "syncing", "consensus"]);
    await v.sw.stop();
  });

  it("skips its looks while one is still waiting for a proof, instead of queueing them", async () => {
    let answer = (_yes: boolean) => {};
    const proves = new Promise<boolean>((r) => {
      answer = r;
    });
    const v = validator({ height: 100n, tips: [{ peer: "slow", height: 1_000n }], proves });
    await v.sw.start();
    for (let look = 0; look < 5; look++) {
      await vi.advanceTimersByTimeAsync(2000);
      await settle();
    }
    expect(v.proven).toHaveBeenCalledTimes(1);
    answer(false);
    await settle();
    await vi.advanceTimersByTimeAsync(2000);
    await settle();
    expect(v.proven).toHaveBeenCalledTimes(2);
    expect(v.host.stop).not.toHaveBeenCalled();
    await v.sw.stop();
  });

  it("does not ask for a proof from peers within `behindBlocks`, nor leave", async () => {
    const v = validator({ height: 100n, tips: [{ peer: "near", height: 108n }], proves: true });
    await v.sw.start();
    await vi.advanceTimersByTimeAsync(2000);
    await settle();
    expect(v.proven).not.toHaveBeenCalled();
    expect(v.host.stop).not.toHaveBeenCalled();
    await v.sw.stop();
  });

  it("asks a stuck validator's claimants for one block, and only those holding it", async () => {
    // Two blocks behind, height unchanged between two looks: stuck, whatever `behindBlocks` says.
    const tips = [
      { peer: "ahead", height: 102n },
      { peer: "level", height: 100n },
    ];
    const v = validator({ height: 100n, tips, proves: false });
    await v.sw.start();
    await vi.advanceTimersByTimeAsync(2000); // the first look learns the height
    await settle();
    expect(v.proven).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(2000);
    await settle();
    expect(v.proven.mock.calls).toEqual([[[{ peer: "ahead", height: 102n }], 1]]);
    expect(v.host.stop).not.toHaveBeenCalled();
    await v.sw.stop();
  });

  it("one block behind, waits one look longer before asking for that block", async () => {
    // On an idle chain nothing else brings the block a peer committed last (a restarted
    // validator, a tip proof it missed); on a busy one its engine usually commits it a moment on.
    const v = validator({ height: 100n, tips: [{ peer: "ahead", height: 101n }], proves: true });
    await v.sw.start();
    for (let look = 0; look < 2; look++) {
      await vi.advanceTimersByTimeAsync(2000);
      await settle();
    }
    expect(v.proven).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(2000);
    await settle();
    expect(v.proven.mock.calls).toEqual([[[{ peer: "ahead", height: 101n }], 1]]);
    expect(v.host.stop).toHaveBeenCalledTimes(1);
    expect(v.catchUp).toHaveBeenCalledTimes(2);
    await v.sw.stop();
  });

  it("stays in consensus when its engine commits while a claimant proves the blocks", async () => {
    const opts = { height: 100n, tips: [{ peer: "ahead", height: 200n }], proves: true };
    const v = validator(opts);
    v.proven.mockImplementation(async () => {
      opts.height = 101n;
      return true;
    });
    await v.sw.start();
    await vi.advanceTimersByTimeAsync(2000);
    await settle();
    expect(v.proven).toHaveBeenCalledTimes(1);
    expect(v.host.stop).not.toHaveBeenCalled();
    await v.sw.stop();
  });
});
