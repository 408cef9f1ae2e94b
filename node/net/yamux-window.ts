// Yamux window updates with hysteresis. @chainsafe/libp2p-yamux 8 answers every data frame it
// receives with a window update frame, so each gossip message, vote or request costs its
// receiver one more encrypted frame and socket write, and its sender one more frame to read.
// The Go and Rust implementations grant credit once half the window is used instead
// (rust-yamux #109); this does the same: a stream in its normal state sends an update only once
// its receive capacity falls to half the window or below. A stream being opened (its ACK) or
// resumed after a pause goes straight to the library's code, and the window still grows as the
// library decides, judged each time an update is sent.
//
// The sender's capacity mirrors ours, so it always holds more than half a window of credit or
// has an update on its way; what it can lose is a round trip when a message longer than its
// remaining credit follows others, the same as with go-yamux (fast sync, which moves megabytes
// through these streams, was as fast with this as without in the full-node e2e test). Applied
// once, at import, to the pinned version (package.json): test/node/net/yamux-window.test.ts
// fails if an upgrade renames what this relies on.
import { StreamState, YamuxStream } from "@chainsafe/libp2p-yamux/stream";

interface WindowFields {
  state: StreamState;
  recvWindow: number;
  recvWindowCapacity: number;
}

/** The library's own method, kept for the benchmark that compares the two (`ubn bench net`). */
export const librarySendWindowUpdate = YamuxStream.prototype.sendWindowUpdate;

/** Whether a window update would be sent now (exported for the test). */
export function windowUpdateDue(s: WindowFields): boolean {
  if (s.state !== StreamState.Established) return true;
  return s.recvWindowCapacity * 2 <= s.recvWindow;
}

/** The method the node's streams use: the library's, once an update is due. */
export function halfWindowSendWindowUpdate(this: YamuxStream): void {
  if (!windowUpdateDue(this as unknown as WindowFields)) return;
  librarySendWindowUpdate.call(this);
}

YamuxStream.prototype.sendWindowUpdate = halfWindowSendWindowUpdate;
