// One message per stream, as a frame: an unsigned LEB128 varint length, then that many bytes.
//
// The decoder checks the announced length against the cap the moment the prefix is complete, so
// a peer announcing a 1 GiB frame is cut off after five bytes; the body is gathered as it
// arrives (never preallocated from the announced length, which a peer could use to make us
// reserve memory it never sends).
//
// Streams are libp2p 3 message streams: EventTargets that emit 'message' events and take writes
// through send(), not the source/sink duplexes of earlier versions.
import type { Stream, StreamCloseEvent, StreamMessageEvent } from "@libp2p/interface";
import { Uint8ArrayList } from "uint8arraylist";
import { NetError, NetErrorCode } from "./errors.ts";

/** A 35-bit length is more than any cap allows; a longer prefix is garbage. */
const MAX_PREFIX_BYTES = 5;

export function encodeLength(length: number): Uint8Array {
  const out: number[] = [];
  let n = length;
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return Uint8Array.from(out);
}

/** The frame as a list of two chunks, so a 16 MiB body is not copied to prepend its length. */
export function encodeFrame(data: Uint8Array): Uint8ArrayList {
  return new Uint8ArrayList(encodeLength(data.length), data);
}

export class FrameDecoder {
  private readonly maxBytes: number;
  private length: number | undefined;
  private prefixValue = 0;
  private prefixBytes = 0;
  private readonly body = new Uint8ArrayList();

  constructor(maxBytes: number) {
    this.maxBytes = maxBytes;
  }

  /**
   * Feeds the next bytes; returns the frame once it is whole, undefined while more are needed.
   * Bytes after the frame are ignored: a stream carries one frame. Throws NET_TOO_LARGE or
   * NET_MALFORMED.
   */
  push(chunk: Uint8Array | Uint8ArrayList): Uint8Array | undefined {
    let offset = 0;
    while (this.length === undefined && offset < chunk.byteLength) {
      const byte = chunk instanceof Uint8Array ? (chunk[offset++] as number) : chunk.get(offset++);
      this.prefixValue += (byte & 0x7f) * 2 ** (7 * this.prefixBytes);
      this.prefixBytes++;
      if (this.prefixValue > this.maxBytes) {
        throw new NetError(
          NetErrorCode.tooLarge,
          `frame announces at least ${this.prefixValue} bytes, over the cap of ${this.maxBytes}`,
        );
      }
      if ((byte & 0x80) === 0) this.length = this.prefixValue;
      else if (this.prefixBytes >= MAX_PREFIX_BYTES) {
        throw new NetError(NetErrorCode.malformed, `frame length prefix is longer than ${MAX_PREFIX_BYTES} bytes`);
      }
    }
    if (this.length === undefined) return undefined;
    if (offset < chunk.byteLength) {
      const end = offset + Math.min(this.length - this.body.byteLength, chunk.byteLength - offset);
      this.body.append(chunk instanceof Uint8Array ? chunk.subarray(offset, end) : chunk.sublist(offset, end));
    }
    return this.body.byteLength >= this.length ? this.body.subarray(0, this.length) : undefined;
  }
}

/**
 * Reads one frame. Rejects with NET_TOO_LARGE/NET_MALFORMED on a bad prefix, NET_RESET if the
 * stream ends or resets first, or with `signal.reason` once the signal aborts. Never aborts the
 * stream itself: the caller decides whether a failure is the peer's fault.
 */
export function readFrame(stream: Stream, maxBytes: number, signal: AbortSignal): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const decoder = new FrameDecoder(maxBytes);
    let settled = false;
    const finish = (error: unknown, frame?: Uint8Array) => {
      if (settled) return;
      settled = true;
      stream.removeEventListener("message", onMessage);
      stream.removeEventListener("end", onEnd);
      stream.removeEventListener("close", onClose);
      signal.removeEventListener("abort", onAbort);
      if (frame === undefined) reject(error);
      else resolve(frame);
    };
    const onMessage = (evt: StreamMessageEvent) => {
      try {
        const frame = decoder.push(evt.data);
        if (frame !== undefined) finish(undefined, frame);
      } catch (e) {
        finish(e);
      }
    };
    const onEnd = () =>
      finish(new NetError(NetErrorCode.reset, "the stream ended or was reset before a whole frame arrived"));
    const onClose = (evt: StreamCloseEvent) =>
      finish(new NetError(NetErrorCode.reset, "stream closed before a whole frame arrived", {}, evt.error));
    const onAbort = () => finish(signal.reason);

    if (signal.aborted) return onAbort();
    // 'end' fires once; if it already has and nothing is buffered, nothing more will come.
    if (stream.readableEnded && stream.readBufferLength === 0) return onEnd();
    signal.addEventListener("abort", onAbort);
    stream.addEventListener("close", onClose);
    stream.addEventListener("end", onEnd);
    // Last: adding a 'message' listener hands over anything buffered before we came.
    stream.addEventListener("message", onMessage);
  });
}

/** Writes one frame and waits until the stream can take more (backpressure), or the signal aborts. */
export async function writeFrame(stream: Stream, data: Uint8Array, signal: AbortSignal): Promise<void> {
  if (!stream.send(encodeFrame(data))) await stream.onDrain({ signal });
}
