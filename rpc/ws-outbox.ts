// The outgoing side of one WebSocket connection: replies and notifications wait in a bounded queue
// and are handed to the socket only while its send buffer is small. A client that stops reading
// therefore costs at most HIGH_WATER_BYTES in the socket plus `limit` queued messages; once the
// queue passes the limit the client is cut with 1008 "too slow", instead of the node buffering
// without end or slowing the event stream for everyone else.
import type { WebSocket } from "ws";

/** Bytes in the socket's send buffer above which nothing more is handed to it. */
const HIGH_WATER_BYTES = 1024 * 1024;
/** Characters queued (JSON here is ASCII: bytes) above which the reader is too slow anyway. */
const MAX_QUEUED_CHARS = 16 * 1024 * 1024;
/** How long a cut client gets to read its close frame before its socket is destroyed. */
const CLOSE_GRACE_MS = 5000;

export const CLOSE_TOO_SLOW = 1008;

export class WsOutbox {
  private readonly queue: string[] = [];
  private queuedChars = 0;
  private closed = false;
  private readonly ws: WebSocket;
  private readonly limit: number;
  private readonly onTooSlow: () => void;

  constructor(ws: WebSocket, limit: number, onTooSlow: () => void) {
    this.ws = ws;
    this.limit = limit;
    this.onTooSlow = onTooSlow;
  }

  /** Queues one message; never blocks. Past the bound, the connection is closed instead. */
  send(text: string): void {
    if (this.closed) return;
    this.queue.push(text);
    this.queuedChars += text.length;
    this.flush();
    if (this.queue.length > this.limit || (this.queue.length > 1 && this.queuedChars > MAX_QUEUED_CHARS)) {
      this.disconnectTooSlow();
    }
  }

  /** Stops sending; what is queued is dropped. */
  close(): void {
    this.closed = true;
    this.queue.length = 0;
    this.queuedChars = 0;
  }

  private flush = (): void => {
    while (!this.closed && this.queue.length > 0 && this.ws.bufferedAmount < HIGH_WATER_BYTES) {
      if (this.ws.readyState !== this.ws.OPEN) {
        this.close();
        return;
      }
      const text = this.queue.shift() as string;
      this.queuedChars -= text.length;
      // The callback runs once the frame is written to the socket: room again, so send more.
      this.ws.send(text, this.afterWrite);
    }
  };

  private afterWrite = (error?: Error): void => {
    if (error === undefined || error === null) this.flush();
  };

  /** Closes with 1008 "too slow", dropping what is queued; onTooSlow is told. */
  disconnectTooSlow(): void {
    if (this.closed) return;
    this.close();
    this.onTooSlow();
    this.ws.close(CLOSE_TOO_SLOW, "too slow");
    // The close frame waits behind everything already buffered; a client that never reads would
    // hold the socket until ws's own 30 s timeout, so destroy it sooner.
    setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS).unref();
  }
}
