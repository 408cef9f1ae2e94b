// A peer that claims a far higher tip and does not serve it must not hold up catch-ups that
// other peers can serve: a window only it was asked for is not waited for once the chain can
// no longer reach it, a window the round waits for is asked of another peer when it keeps us
// waiting, and after a failed fetch it is left out of later catch-ups for a while.
import { describe, expect, it } from "vitest";
import { SyncPeerStanding } from "../../../node/sync/peer-standing.ts";
import { chain, type Peer, syncAtGenesis } from "./sync-peers.ts";

/** Rejects if `p` has not settled within `ms` (a catch-up stuck on a peer that never answers). */
function within<T>(ms: number, p: Promise<T>): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`not done within ${ms} ms`)), ms)),
  ]);
}

describe("a catch-up and a peer that claims more than it serves", () => {
  it("does not wait for a window only that peer was asked for, once the chain stops short of it", async () => {
    const { sync, fetched } = syncAtGenesis({ honest: { tip: 12n, blocks: chain(12) }, hangs: "hangs" });
    // The first window goes to the honest peer, the ones above its tip to the peer that hangs.
    expect(await within(2000, sync.catchUp())).toBe(11n);
    // Asked for the windows above the honest tip, all at once; while those asks are unanswered
    // it is not asked again.
    const asks = fetched.filter((p) => p === "hangs").length;
    expect(asks).toBeGreaterThan(0);
    expect(await within(2000, sync.catchUp())).toBe(0n);
    expect(fetched.filter((p) => p === "hangs")).toHaveLength(asks);
  });

  it("leaves a peer whose fetch failed out of later catch-ups, for twice as long each time", async () => {
    const clock = { now: 0 };
    // The silent peer comes first, so without its standing it would get every first window.
    const blocks = chain(48);
    const peers: Record<string, Peer> = { silent: "silent", honest: { tip: 12n, blocks: blocks.slice(0, 12) } };
    const { sync, fetched } = syncAtGenesis(peers, clock);
    const grow = (tip: bigint) => {
      peers.honest = { tip, blocks: blocks.slice(0, Number(tip)) };
    };
    const askedIn = async () => {
      const before = fetched.length;
      await within(2000, sync.catchUp());
      return fetched.slice(before);
    };

    expect((await askedIn())[0]).toBe("silent");

    grow(24n);
    clock.now = 5_000;
    expect(await askedIn()).not.toContain("silent");

    // Its 10 s are over: asked again, after the honest peer (it failed last time), and fails.
    grow(36n);
    clock.now = 10_001;
    const third = await askedIn();
    expect(third[0]).toBe("honest");
    expect(third).toContain("silent");

    // Now 20 s.
    grow(48n);
    clock.now = 25_000;
    expect(await askedIn()).not.toContain("silent");
    clock.now = 30_002;
    expect(await askedIn()).toContain("silent");
  });
});

describe("a window the round waits for, when its peer does not answer", () => {
  it("is asked of another peer that can serve it, and the catch-up goes on", async () => {
    const { sync, fetched } = syncAtGenesis(
      { hangs: "hangs", honest: { tip: 12n, blocks: chain(12) } },
      { now: 0 },
      { hedgeAfterMs: 20 },
    );
    expect(await within(2000, sync.catchUp())).toBe(11n);
    expect(fetched[0]).toBe("hangs");
  });

  it("is asked of another peer when it is a later window, and the catch-up goes on", async () => {
    // Windows of 8 go to the two peers in turn: the second, from height 9, to the one that hangs.
    const { sync, fetched } = syncAtGenesis(
      { honest: { tip: 24n, blocks: chain(24) }, hangs: "hangs" },
      { now: 0 },
      { window: 8, hedgeAfterMs: 20 },
    );
    expect(await within(2000, sync.catchUp())).toBe(23n);
    expect(fetched.slice(0, 2)).toEqual(["honest", "hangs"]);
  });

  it("is asked of a peer that gets ahead while the first one keeps us waiting", async () => {
    const peers: Record<string, Peer> = { hangs: "hangs", honest: { tip: 0n, blocks: [] } };
    const { sync } = syncAtGenesis(peers, { now: 0 }, { hedgeAfterMs: 20 });
    setTimeout(() => {
      peers.honest = { tip: 12n, blocks: chain(12) };
    }, 100);
    expect(await within(2000, sync.catchUp())).toBe(11n);
  });
});

describe("SyncPeerStanding", () => {
  it("counts fetches kept waiting together once, and forgets a peer that serves", () => {
    const clock = { now: 0 };
    const s = new SyncPeerStanding(() => clock.now);
    for (let i = 0; i < 4; i++) s.asked("p");
    expect(s.usable("p")).toBe(false);
    for (let i = 0; i < 4; i++) {
      s.keptWaiting("p");
      s.answered("p", false);
    }
    expect(s.failuresOf("p")).toBe(1);
    expect(s.usable("p")).toBe(false);
    clock.now = 10_000;
    expect(s.usable("p")).toBe(true);
    s.asked("p");
    s.keptWaiting("p");
    s.answered("p", false);
    expect(s.failuresOf("p")).toBe(2);
    clock.now = 29_999;
    expect(s.usable("p")).toBe(false);
    s.asked("p");
    s.answered("p", true);
    expect(s.failuresOf("p")).toBe(0);
    expect(s.usable("p")).toBe(true);
  });

  it("waits at most the longest backoff, and a clock stepped back ends the wait", () => {
    const clock = { now: 1_000_000 };
    const s = new SyncPeerStanding(() => clock.now, { maxBackoffMs: 40_000 });
    for (let i = 0; i < 6; i++) {
      clock.now += 200_000;
      s.asked("p");
      s.keptWaiting("p");
      s.answered("p", false);
    }
    clock.now += 39_999;
    expect(s.usable("p")).toBe(false);
    clock.now += 1;
    expect(s.usable("p")).toBe(true);
    s.asked("p");
    s.keptWaiting("p");
    s.answered("p", false);
    clock.now -= 3_600_000;
    expect(s.usable("p")).toBe(true);
  });

  it("remembers at most maxPeers peers, forgetting the one that failed longest ago", () => {
    const s = new SyncPeerStanding(() => 0, { maxPeers: 2 });
    for (const p of ["a", "b", "c"]) {
      s.asked(p);
      s.keptWaiting(p);
      s.answered(p, false);
    }
    expect([s.failuresOf("a"), s.failuresOf("b"), s.failuresOf("c")]).toEqual([0, 1, 1]);
  });

  it("does not leave out a peer that answered with what failed the checks (it is penalized instead)", () => {
    const s = new SyncPeerStanding(() => 0);
    s.asked("liar");
    s.answered("liar", false);
    expect(s.usable("liar")).toBe(true);
    expect(s.failuresOf("liar")).toBe(0);
  });
});
