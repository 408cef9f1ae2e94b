// Before a validator stops its engine for a catch-up, a peer that claims to be ahead must prove
// it with blocks that pass fast sync's checks; a claim alone (a height probe's answer) is not
// enough, or one peer could keep every validator out of consensus by answering probes only.
// And a catch-up does not keep asking a peer whose fetch failed while others can serve.
import { describe, expect, it } from "vitest";
import { chain, outsiders, syncAtGenesis } from "./sync-peers.ts";

describe("fast sync: a claim to be ahead, proven or not", () => {
  const honest = { tip: 12n, blocks: chain(12) };

  it("is proven by a peer that serves the blocks we lack, certified and final", async () => {
    const { sync, penalties } = syncAtGenesis({ honest });
    expect(await sync.proven([{ peer: "honest", height: 12n }], 9)).toBe(true);
    expect(penalties).toEqual([]);
  });

  it("is not proven when the peer serves fewer final blocks than it claims", async () => {
    // It holds blocks 1-5 and claims 1,000: 1-4 are final, not the 9 that would make us behind.
    const { sync, penalties } = syncAtGenesis({ short: { tip: 1_000n, blocks: chain(5) } });
    expect(await sync.proven([{ peer: "short", height: 1_000n }], 9)).toBe(false);
    expect(await sync.proven([{ peer: "short", height: 1_000n }], 1)).toBe(true);
    expect(penalties).toEqual([]);
  });

  it("is not proven by a peer that lets the fetch time out, which costs it a penalty", async () => {
    const { sync, penalties, fetched } = syncAtGenesis({ silent: "silent" });
    expect(await sync.proven([{ peer: "silent", height: 1_000n }], 9)).toBe(false);
    expect(fetched).toEqual(["silent"]);
    expect(penalties).toEqual(["silent: sync: request timed out"]);
  });

  it("is not proven by blocks a committee we do not know certified, and their peer is penalized", async () => {
    const { sync, penalties } = syncAtGenesis({ forger: { tip: 12n, blocks: chain(12, outsiders) } });
    expect(await sync.proven([{ peer: "forger", height: 12n }], 9)).toBe(false);
    expect(penalties).toEqual(["forger: sync: SYNC_BAD_CERTIFICATE"]);
  });

  it("is not proven by a peer that claims a tip and serves nothing, and that peer is penalized", async () => {
    const { sync, penalties } = syncAtGenesis({ empty: { tip: 1_000n, blocks: [] } });
    expect(await sync.proven([{ peer: "empty", height: 1_000n }], 9)).toBe(false);
    expect(penalties).toEqual(["empty: sync: claims blocks it does not serve"]);
  });

  it("is settled by the first peer that proves it, without waiting for one that has not answered", async () => {
    const { sync } = syncAtGenesis({ honest, hangs: "hangs" });
    const claimants = [
      { peer: "hangs", height: 2_000n },
      { peer: "honest", height: 12n },
    ];
    expect(await sync.proven(claimants, 9)).toBe(true);
  });

  it("is not proven when nobody claims it", async () => {
    const { sync, fetched } = syncAtGenesis({ honest });
    expect(await sync.proven([], 9)).toBe(false);
    expect(fetched).toEqual([]);
  });
});

describe("a catch-up and a peer whose fetch fails", () => {
  it("asks the peers that served for the next windows, and reaches their tip", async () => {
    // The silent peer comes first, so the first window of the first round goes to it: without
    // leaving it out afterwards, every round would stall on it and the catch-up give up.
    const { sync, penalties, fetched } = syncAtGenesis({ silent: "silent", honest: { tip: 12n, blocks: chain(12) } });
    const applied = await sync.catchUp();
    // Block 12 is the honest peer's tip, and without its tip proof nothing proves it final.
    expect(applied).toBe(11n);
    // The first round sends its 4 windows at once, some to it (it alone claims blocks past 12);
    // no round after asks it again, and its timeouts cost it one penalty.
    expect(fetched.slice(0, 4)).toContain("silent");
    expect(fetched.slice(4)).not.toContain("silent");
    expect(penalties).toEqual(["silent: sync: request timed out"]);
  });
});
