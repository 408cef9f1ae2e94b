// Yamux window updates with hysteresis. @chainsafe/libp2p-yamux 8 answers every data frame it
// receives with a window update frame, so each gossip message, vote or request costs its
// receiver one more encrypted frame and socket write, and its sender one more frame to read.
// The Go and Rust implementations grant credit once half the window is used instead
// (rust-yamux #109); this does the same: a stream in its normal state sends an update only once
// its receive capacity falls to half the window or below. Stream set-up and tear-down frames
// (SYN, ACK, FIN, RST), pauses and the window's growth are unchanged, since they all go through
// the library's own code once an update is due.
//
// The sender never waits longer than before for credit it needs: its capacity mirrors ours, so
// while it has more than half a window it can send, and when it has less we have sent an
// update. Applied once, at import, to the pinned version (package.json): the test in
// test/node/net/yamux-window.test.ts fails if an upgrade renames what this relies on.
import { StreamState, YamuxStream } from "@chainsafe/libp2p-yamux/stream";

interface WindowFields {
  state: StreamState;
  recvWindow: number;
  recvWindowCapacity: number;
}

/** The library's own method, kept for the benchmark that compares the two (`ubn bench net`). */
export const librarySendWindowUpdate = YamuxStream.prototype.sendWindowUpdate;
/** The method with hysteresis (set below). */
export let halfWindowSendWindowUpdate = librarySendWindowUpdate;

/** Whether a window update would be sent now (exported for the test). */
export function windowUpdateDue(s: WindowFields): boolean {
  if (s.state !== StreamState.Established) return true;
  return s.recvWindowCapacity * 2 <= s.recvWindow;
}

halfWindowSendWindowUpdate = function sendWindowUpdateWhenHalfUsed(this: YamuxStream): void {
  if (!windowUpdateDue(this as unknown as WindowFields)) return;
  librarySendWindowUpdate.call(this);
};
YamuxStream.prototype.sendWindowUpdate = halfWindowSendWindowUpdate;
