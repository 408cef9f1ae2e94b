// Window updates with hysteresis (node/net/yamux-window.ts): the patch is in place on the pinned
// yamux, skips updates while more than half the window is free, and leaves every other frame to
// the library. Flow control over real connections, with messages and responses several windows
// long, is exercised by network.test.ts (every Network loads the patch).
import { StreamState, YamuxStream } from "@chainsafe/libp2p-yamux/stream";
import { describe, expect, it } from "vitest";
import { halfWindowSendWindowUpdate, windowUpdateDue } from "../../../node/net/yamux-window.ts";

const WINDOW = 256 * 1024;
// The yamux spec's numbers: frame type 1 is a window update, flag 2 an ACK.
const WINDOW_UPDATE = 1;
const ACK = 2;

interface SentFrame {
  type: number;
  flag: number;
  length: number;
}

/** A stream object with only what sendWindowUpdate reads, on the patched prototype. */
function fakeStream(state: StreamState, capacity: number) {
  const sent: SentFrame[] = [];
  const s = Object.create(YamuxStream.prototype) as YamuxStream;
  Object.assign(s, {
    state,
    streamId: 1,
    recvWindow: WINDOW,
    recvWindowCapacity: capacity,
    maxStreamWindowSize: 16 * 1024 * 1024,
    epochStart: Date.now(),
    getRTT: () => -1,
    sendFrame: (h: SentFrame) => {
      sent.push({ type: h.type, flag: h.flag, length: h.length });
      return true;
    },
  });
  return { s, sent };
}

describe("yamux window updates", () => {
  it("are patched on the pinned library", async () => {
    await import("../../../node/net/network.ts");
    expect(YamuxStream.prototype.sendWindowUpdate).toBe(halfWindowSendWindowUpdate);
  });

  it("are due once half the window is used, and always outside the normal state", () => {
    const established = { state: StreamState.Established, recvWindow: WINDOW };
    expect(windowUpdateDue({ ...established, recvWindowCapacity: WINDOW - 1 })).toBe(false);
    expect(windowUpdateDue({ ...established, recvWindowCapacity: WINDOW / 2 + 1 })).toBe(false);
    expect(windowUpdateDue({ ...established, recvWindowCapacity: WINDOW / 2 })).toBe(true);
    expect(windowUpdateDue({ ...established, recvWindowCapacity: 0 })).toBe(true);
    for (const state of [StreamState.Init, StreamState.SYNReceived, StreamState.Paused]) {
      expect(windowUpdateDue({ state, recvWindow: WINDOW, recvWindowCapacity: WINDOW - 1 })).toBe(true);
    }
  });

  it("send nothing for a small message, and the whole credit once half is used", async () => {
    await import("../../../node/net/network.ts");
    const small = fakeStream(StreamState.Established, WINDOW - 1200);
    small.s.sendWindowUpdate();
    expect(small.sent).toEqual([]);
    expect((small.s as unknown as Record<string, unknown>).recvWindowCapacity).toBe(WINDOW - 1200);

    const half = fakeStream(StreamState.Established, WINDOW / 2 - 10);
    half.s.sendWindowUpdate();
    expect(half.sent).toEqual([{ type: WINDOW_UPDATE, flag: 0, length: WINDOW / 2 + 10 }]);
    expect((half.s as unknown as Record<string, unknown>).recvWindowCapacity).toBe(WINDOW);
  });

  it("still acknowledge a new stream at once", async () => {
    await import("../../../node/net/network.ts");
    const opened = fakeStream(StreamState.SYNReceived, WINDOW - 100);
    opened.s.sendWindowUpdate();
    expect(opened.sent).toEqual([{ type: WINDOW_UPDATE, flag: ACK, length: 100 }]);
  });
});
