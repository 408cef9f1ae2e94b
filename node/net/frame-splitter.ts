// Frames one after another on a long-lived stream: the same varint-length framing as
// framing.ts, but bytes after a frame start the next one. Used by direct messages, which keep
// one stream per peer and protocol open instead of opening a stream per message (a fresh
// stream cost about 4 ms of CPU per message on this machine: the stream's open and close
// handshakes, protocol negotiation and peer-store updates at both ends).
//
// As in FrameDecoder, a length prefix is checked against the cap as soon as it is over it, and
// a body is gathered as it arrives, never preallocated from the announced length.
import { Uint8ArrayList } from "uint8arraylist";
import { NetError, NetErrorCode } from "./errors.ts";

const MAX_PREFIX_BYTES = 5;

export class FrameSplitter {
  private readonly maxBytes: number;
  private readonly buffer = new Uint8ArrayList();

  constructor(maxBytes: number) {
    this.maxBytes = maxBytes;
  }

  /** Bytes waiting for the rest of their frame. */
  get pending(): number {
    return this.buffer.byteLength;
  }

  /** Feeds the next bytes; returns every frame they complete. Throws NET_TOO_LARGE or NET_MALFORMED. */
  push(chunk: Uint8Array | Uint8ArrayList): Uint8Array[] {
    this.buffer.append(chunk);
    const frames: Uint8Array[] = [];
    for (;;) {
      let length = 0;
      let prefix = 0;
      let complete = false;
      while (prefix < this.buffer.byteLength) {
        const byte = this.buffer.get(prefix);
        length += (byte & 0x7f) * 2 ** (7 * prefix);
        prefix++;
        if (length > this.maxBytes) {
          throw new NetError(
            NetErrorCode.tooLarge,
            `frame announces at least ${length} bytes, over the cap of ${this.maxBytes}`,
          );
        }
        if ((byte & 0x80) === 0) {
          complete = true;
          break;
        }
        if (prefix >= MAX_PREFIX_BYTES) {
          throw new NetError(NetErrorCode.malformed, `frame length prefix is longer than ${MAX_PREFIX_BYTES} bytes`);
        }
      }
      if (!complete || this.buffer.byteLength < prefix + length) return frames;
      frames.push(this.buffer.subarray(prefix, prefix + length));
      this.buffer.consume(prefix + length);
    }
  }
}
