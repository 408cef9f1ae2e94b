// Fast sync against a peer that claims a higher tip than it serves: without a penalty, such a
// peer could send a validator from consensus to fast sync and back at every look, for nothing.
import { describe, expect, it } from "vitest";
import { decode, encode } from "../../../crypto/index.ts";
import type { BlockExecutor } from "../../../node/chain/block-executor.ts";
import { FastSync } from "../../../node/sync/fast-sync.ts";
import { SyncProgress } from "../../../node/sync/progress.ts";
import { blocksRequestCodec, blocksResponseCodec } from "../../../node/sync/protocol.ts";
import type { RangeContext } from "../../../node/sync/verify-range.ts";

const OUR_HEIGHT = 5n;

/** A fast sync at height 5 whose peers serve no blocks, each claiming the tip its function gives for a request. */
function syncWith(answers: Record<string, (fromHeight: bigint, maxBlocks: number) => bigint>) {
  const penalties: { peer: string; reason: string }[] = [];
  const asked: { peer: string; maxBlocks: number }[] = [];
  const quiet = { info() {}, warn() {}, debug() {} };
  const sync = new FastSync<unknown>(
    {},
    {
      peers: () => Object.keys(answers),
      request: async (peer, bytes) => {
        const r = decode(blocksRequestCodec, bytes);
        asked.push({ peer, maxBlocks: r.maxBlocks });
        const tipHeight = (answers[peer] as (f: bigint, m: number) => bigint)(r.fromHeight, r.maxBlocks);
        return encode(blocksResponseCodec, { tipHeight, blocks: [], tipProof: null });
      },
      penalize: (peer, reason) => penalties.push({ peer, reason }),
      executor: { tip: { height: OUR_HEIGHT, hash: new Uint8Array(32) } } as unknown as BlockExecutor<unknown>,
      range: {} as RangeContext,
      onApplied: async () => {},
      progress: new SyncProgress(quiet, () => 0, false),
      log: quiet,
    },
  );
  return { sync, penalties, asked };
}

describe("fast sync and a peer's claimed tip", () => {
  it("penalizes a peer that claims blocks above ours and serves none of them", async () => {
    const { sync, penalties, asked } = syncWith({ liar: () => 1_000n });
    expect(await sync.catchUp()).toBe(0n);
    // Every round asked it for blocks, and every empty answer cost it a penalty.
    const fetches = asked.filter((a) => a.maxBlocks > 0).length;
    expect(fetches).toBeGreaterThan(0);
    expect(penalties).toHaveLength(fetches);
    expect(penalties.every((p) => p.peer === "liar" && p.reason === "sync: claims blocks it does not serve")).toBe(
      true,
    );
  });

  it("does not blame a peer that serves nothing because it holds nothing above ours", async () => {
    // Its tip claim says "ahead" to the probe, then it answers the fetch with a tip below the
    // requested height: an empty answer that matches its own claim is not a contradiction.
    const { sync, penalties } = syncWith({ behind: (from, max) => (max === 0 ? 1_000n : from - 1n) });
    expect(await sync.catchUp()).toBe(0n);
    expect(penalties).toEqual([]);
  });

  it("does not ask for blocks from peers at our height, nor blame them", async () => {
    const { sync, penalties, asked } = syncWith({ level: () => OUR_HEIGHT });
    expect(await sync.catchUp()).toBe(0n);
    expect(asked.every((a) => a.maxBlocks === 0)).toBe(true);
    expect(penalties).toEqual([]);
  });

  it("asks a peer one block ahead for that block once per catch-up (its tip proof proves it)", async () => {
    const { sync, asked } = syncWith({ level: () => OUR_HEIGHT, ahead_by_one: () => OUR_HEIGHT + 1n });
    expect(await sync.catchUp()).toBe(0n);
    expect(asked.filter((a) => a.maxBlocks > 0).map((a) => a.peer)).toEqual(["ahead_by_one"]);
  });
});
