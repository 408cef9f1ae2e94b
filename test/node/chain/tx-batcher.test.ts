import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BATCH_SPACING_MS, decodeTxBatch, MAX_TXS_PER_BATCH, TxBatcher } from "../../../node/chain/tx-gossip.ts";

const tx = (i: number) => Uint8Array.of(i & 0xff, i >> 8);

describe("TxBatcher", () => {
  let sent: Uint8Array[][];
  let batcher: TxBatcher;

  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    // The batcher reads the same clock the fake timers advance.
    batcher = new TxBatcher(
      (b) => sent.push(decodeTxBatch(b)),
      () => Date.now(),
    );
  });
  afterEach(() => {
    batcher.stop();
    vi.useRealTimers();
  });

  it("sends a quiet node's transaction within a few milliseconds, with the rest of its burst", () => {
    batcher.push(tx(1));
    batcher.push(tx(2));
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(2);
    expect(sent).toEqual([[tx(1), tx(2)]]);
  });

  it("keeps the batches of a busy node at least the spacing apart", () => {
    batcher.push(tx(1));
    vi.advanceTimersByTime(5);
    expect(sent.length).toBe(1);
    batcher.push(tx(2));
    vi.advanceTimersByTime(BATCH_SPACING_MS - 10);
    batcher.push(tx(3));
    expect(sent.length).toBe(1);
    vi.advanceTimersByTime(10);
    expect(sent).toEqual([[tx(1)], [tx(2), tx(3)]]);
    // A node that was quiet for longer than the spacing is quick again.
    vi.advanceTimersByTime(BATCH_SPACING_MS * 2);
    batcher.push(tx(4));
    vi.advanceTimersByTime(3);
    expect(sent.at(-1)).toEqual([tx(4)]);
  });

  it("sends a full batch at once, whatever the spacing", () => {
    batcher.push(tx(0));
    vi.advanceTimersByTime(3);
    for (let i = 1; i <= MAX_TXS_PER_BATCH; i++) batcher.push(tx(i));
    expect(sent.length).toBe(2);
    expect(sent[1]?.length).toBe(MAX_TXS_PER_BATCH);
  });

  it("waits at most the spacing when the clock steps backwards", () => {
    batcher.push(tx(1));
    vi.advanceTimersByTime(3);
    vi.setSystemTime(Date.now() - 3_600_000);
    batcher.push(tx(2));
    vi.advanceTimersByTime(BATCH_SPACING_MS);
    expect(sent.length).toBe(2);
  });

  it("sends nothing after stop()", () => {
    batcher.push(tx(1));
    batcher.stop();
    vi.advanceTimersByTime(BATCH_SPACING_MS * 2);
    expect(sent).toEqual([]);
  });
});
