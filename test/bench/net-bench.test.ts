// A smoke run of `ubn bench net` on a tiny budget: every message arrives in every round, the
// figures come out positive, and the node's window-update policy is back in place afterwards.
import { YamuxStream } from "@chainsafe/libp2p-yamux/stream";
import { describe, expect, it } from "vitest";
import { formatNetBench, runNetBench } from "../../bench/net.ts";
import { halfWindowSendWindowUpdate } from "../../node/net/yamux-window.ts";

describe("runNetBench", () => {
  it("times both window-update policies and restores the node's", async () => {
    const lines: string[] = [];
    const r = await runNetBench({ messages: 200, size: 300, rounds: 2 }, (l) => lines.push(l));
    expect(r.half_window_runs_us.length).toBe(2);
    expect(r.every_frame_runs_us.length).toBe(2);
    for (const us of [...r.half_window_runs_us, ...r.every_frame_runs_us]) expect(us).toBeGreaterThan(0);
    expect(r.ratio).toBeGreaterThan(0);
    expect(lines.length).toBe(6);
    expect(YamuxStream.prototype.sendWindowUpdate).toBe(halfWindowSendWindowUpdate);
    expect(formatNetBench(r)).toContain("per half window");
  });
});
