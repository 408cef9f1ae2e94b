// Request/response and one-way direct messages over libp2p streams:
//   request:  one exchange per stream: requester opens, writes one frame, closes its side;
//             responder writes one frame, closes.
//   direct:   one long-lived stream per peer and protocol, frames one after another; the sender
//             opens it at its first message and keeps it while the connection lasts. A fresh
//             stream per message cost about 4 ms of CPU per message here (open and close
//             handshakes, protocol negotiation, peer-store updates at both ends), and votes and
//             transaction batches are direct messages many times a second.
// A responder that cannot or will not answer (rate limit, oversized or malformed request, failed
// handler) resets the stream, which the requester sees as NET_RESET.
//
// Both ends keep a token bucket per peer and protocol. The inbound one protects us; the outbound
// one paces our own calls so that, with the same settings on both sides, we are not the peer
// that gets penalized for going over.
import type { Connection, Libp2p, PeerId, Stream, StreamMessageEvent } from "@libp2p/interface";
import { deadline } from "./deadline.ts";
import { describeError, NetError, NetErrorCode } from "./errors.ts";
import { FrameSplitter } from "./frame-splitter.ts";
import { readFrame, writeFrame } from "./framing.ts";
import { hexToPeerId, peerIdToHex } from "./identity.ts";
import type { DirectHandler, NetLogger, RequestHandler } from "./interface.ts";
import type { NetworkOptions } from "./options.ts";
import { RateLimiter } from "./rate-limit.ts";

/** Going over a peer's rate limit is more likely eagerness than malice. */
const RATE_LIMIT_PENALTY = 1;

export interface StreamDeps {
  node: Libp2p;
  opts: NetworkOptions;
  log: NetLogger;
  /** Aborts when the network stops, failing every exchange in flight with NET_CLOSED. */
  closing: AbortSignal;
  penalize(peer: string, reason: string, weight?: number): void;
}

export interface RequestOptions {
  timeoutMs?: number;
  maxResponseBytes?: number;
}

/** An open direct stream to one peer for one protocol, and its chain of writes (one at a time, in order). */
interface DirectOut {
  stream: Promise<Stream>;
  writes: Promise<void>;
}

export class StreamProtocols {
  private readonly deps: StreamDeps;
  private readonly inbound: RateLimiter;
  private readonly outbound: RateLimiter;
  private readonly registered = new Set<string>();
  /** Direct streams by "peer protocol". */
  private readonly directOut = new Map<string, DirectOut>();

  constructor(deps: StreamDeps) {
    this.deps = deps;
    const rate = deps.opts.requestsPerSecond;
    this.inbound = new RateLimiter(rate, 2 * rate);
    this.outbound = new RateLimiter(rate, 2 * rate);
  }

  handle(protocol: string, handler: RequestHandler): void {
    this.register(protocol, (stream, connection) => this.answer(protocol, handler, stream, connection));
  }

  onDirect(protocol: string, handler: DirectHandler): void {
    this.register(protocol, (stream, connection) => this.receive(protocol, handler, stream, connection));
  }

  async request(peer: string, protocol: string, request: Uint8Array, opts: RequestOptions = {}): Promise<Uint8Array> {
    const maxResponseBytes = opts.maxResponseBytes ?? this.deps.opts.maxResponseBytes;
    const context = { peer, protocol };
    const peerId = hexToPeerId(peer);
    this.checkOutbound(peer, protocol, request.length, this.deps.opts.maxRequestBytes, "request");
    const dl = deadline(opts.timeoutMs ?? this.deps.opts.requestTimeoutMs, this.deps.closing, "request", context);
    let stream: Stream | undefined;
    try {
      stream = await this.open(peerId, protocol, dl.signal, context);
      await writeFrame(stream, request, dl.signal);
      await stream.close({ signal: dl.signal });
      return await readFrame(stream, maxResponseBytes, dl.signal);
    } catch (e) {
      const err = classify(e, dl.signal, context);
      stream?.abort(err);
      // A response over the caller's own smaller cap may be honest; over the network's cap it is not.
      if (err.code === NetErrorCode.tooLarge && maxResponseBytes >= this.deps.opts.maxResponseBytes) {
        this.deps.penalize(peer, `response on ${protocol} over the cap`);
      }
      throw err;
    } finally {
      dl.clear();
    }
  }

  /**
   * Sends one frame on the peer's direct stream for `protocol`, opening it if needed. Messages
   * to one peer on one protocol arrive in the order sent. A failed write drops the stream; the
   * next message opens a new one (the failed message is not retried: the protocols on top
   * repeat what matters).
   */
  async send(peer: string, protocol: string, data: Uint8Array): Promise<void> {
    const context = { peer, protocol };
    this.checkOutbound(peer, protocol, data.length, this.deps.opts.maxDirectBytes, "direct message");
    const key = `${peer} ${protocol}`;
    let out = this.directOut.get(key);
    if (out === undefined) {
      out = this.openDirect(key, peer, protocol);
      this.directOut.set(key, out);
    }
    const entry = out;
    const write = entry.writes.then(async () => {
      const stream = await entry.stream;
      const dl = deadline(this.deps.opts.requestTimeoutMs, this.deps.closing, "send", context);
      try {
        await writeFrame(stream, data, dl.signal);
      } catch (e) {
        const err = classify(e, dl.signal, context);
        stream.abort(err);
        this.dropDirect(key, entry);
        throw err;
      } finally {
        dl.clear();
      }
    });
    entry.writes = write.catch(() => {});
    return write;
  }

  private openDirect(key: string, peer: string, protocol: string): DirectOut {
    const context = { peer, protocol };
    const dl = deadline(this.deps.opts.requestTimeoutMs, this.deps.closing, "opening", context);
    const out: DirectOut = { stream: Promise.resolve(null as unknown as Stream), writes: Promise.resolve() };
    out.stream = this.open(hexToPeerId(peer), protocol, dl.signal, context)
      .then((stream) => {
        // The peer closing or resetting it, or the connection going, ends this stream for good.
        stream.addEventListener("close", () => this.dropDirect(key, out), { once: true });
        return stream;
      })
      .catch((e) => {
        this.dropDirect(key, out);
        throw classify(e, dl.signal, context);
      })
      .finally(() => dl.clear());
    // A failed open is reported to the message that waits on it, not as an unhandled rejection.
    out.stream.catch(() => {});
    return out;
  }

  private dropDirect(key: string, out: DirectOut): void {
    if (this.directOut.get(key) === out) this.directOut.delete(key);
  }

  /** Drops idle rate-limit buckets; called now and then by Network. */
  sweep(): void {
    this.inbound.sweep();
    this.outbound.sweep();
  }

  private register(protocol: string, serve: (stream: Stream, connection: Connection) => Promise<void>): void {
    if (this.registered.has(protocol) || this.deps.node.getProtocols().includes(protocol)) {
      throw new NetError(NetErrorCode.invalidArgument, `protocol ${protocol} already has a handler`, { protocol });
    }
    this.registered.add(protocol);
    // libp2p records the handler at once; the promise only covers announcing the protocol.
    this.deps.node
      .handle(protocol, (stream, connection) => {
        serve(stream, connection).catch((e) => {
          stream.abort(e instanceof Error ? e : new Error(String(e)));
          this.deps.log.debug({ protocol, err: describeError(e) }, "stream handler failed");
        });
      })
      .catch((e) => this.deps.log.warn({ protocol, err: describeError(e) }, "could not register protocol handler"));
  }

  private async answer(protocol: string, handler: RequestHandler, stream: Stream, connection: Connection) {
    const from = this.admit(protocol, stream, connection);
    if (from === undefined) return;
    const request = await this.readInbound(from, protocol, stream, this.deps.opts.maxRequestBytes);
    if (request === undefined) return;
    let response: Uint8Array;
    try {
      response = await handler(from, request);
    } catch (e) {
      stream.abort(new Error("request handler failed"));
      this.deps.log.debug({ protocol, from, err: describeError(e) }, "request handler failed, stream reset");
      return;
    }
    if (response.length > this.deps.opts.maxResponseBytes) {
      stream.abort(new Error("response over the cap"));
      this.deps.log.warn(
        { protocol, bytes: response.length, cap: this.deps.opts.maxResponseBytes },
        "our response is over maxResponseBytes, not sent",
      );
      return;
    }
    const dl = deadline(this.deps.opts.requestTimeoutMs, this.deps.closing, "response", { peer: from, protocol });
    try {
      await writeFrame(stream, response, dl.signal);
      await stream.close({ signal: dl.signal });
    } catch (e) {
      stream.abort(e instanceof Error ? e : new Error(String(e)));
      this.deps.log.debug({ protocol, from, err: describeError(e) }, "could not send response");
    } finally {
      dl.clear();
    }
  }

  /**
   * Reads a direct stream until it ends: every frame goes to the handler, each within the
   * peer's rate limit. A frame over the cap or malformed, or a peer over its rate, resets the
   * stream and is penalized.
   */
  private receive(protocol: string, handler: DirectHandler, stream: Stream, connection: Connection): Promise<void> {
    const from = peerIdToHex(connection.remotePeer);
    const splitter = new FrameSplitter(this.deps.opts.maxDirectBytes);
    return new Promise<void>((resolve) => {
      const stop = () => {
        stream.removeEventListener("message", onMessage);
        stream.removeEventListener("end", onEnd);
        stream.removeEventListener("close", stop);
        resolve();
      };
      const fail = (err: Error, why: string, weight?: number) => {
        stop();
        stream.abort(err);
        this.deps.penalize(from, why, weight);
      };
      const onEnd = () => {
        if (splitter.pending > 0) this.deps.log.debug({ protocol, from }, "direct stream ended inside a frame");
        stream.close().catch(() => {});
        stop();
      };
      const onMessage = (evt: StreamMessageEvent) => {
        let frames: Uint8Array[];
        try {
          frames = splitter.push(evt.data);
        } catch (e) {
          const message = e instanceof Error ? e.message : String(e);
          return fail(e instanceof Error ? e : new Error(message), `bad frame on ${protocol}: ${message}`);
        }
        for (const data of frames) {
          if (!this.inbound.tryTake(`${from} ${protocol}`)) {
            this.deps.log.debug({ protocol, from }, "peer over its rate limit, stream reset");
            return fail(new Error("rate limited"), `over the rate limit on ${protocol}`, RATE_LIMIT_PENALTY);
          }
          void this.deliver(protocol, handler, from, data);
        }
      };
      stream.addEventListener("close", stop);
      stream.addEventListener("end", onEnd);
      stream.addEventListener("message", onMessage);
    });
  }

  private async deliver(protocol: string, handler: DirectHandler, from: string, data: Uint8Array): Promise<void> {
    try {
      const verdict = await handler(from, data);
      if (verdict === "reject") this.deps.penalize(from, `direct message rejected on ${protocol}`);
    } catch (e) {
      this.deps.log.debug({ protocol, from, err: describeError(e) }, "direct message handler failed");
    }
  }

  /** The sender's hex id if it is within its rate limit; otherwise the stream is reset. */
  private admit(protocol: string, stream: Stream, connection: Connection): string | undefined {
    const from = peerIdToHex(connection.remotePeer);
    if (this.inbound.tryTake(`${from} ${protocol}`)) return from;
    stream.abort(new Error("rate limited"));
    this.deps.log.debug({ protocol, from }, "peer over its rate limit, stream reset");
    this.deps.penalize(from, `over the rate limit on ${protocol}`, RATE_LIMIT_PENALTY);
    return undefined;
  }

  /** One inbound frame, or undefined after resetting the stream (and penalizing a bad frame). */
  private async readInbound(from: string, protocol: string, stream: Stream, cap: number) {
    const dl = deadline(this.deps.opts.requestTimeoutMs, this.deps.closing, "reading", { peer: from, protocol });
    try {
      return await readFrame(stream, cap, dl.signal);
    } catch (e) {
      const err = classify(e, dl.signal, { peer: from, protocol });
      stream.abort(err);
      if (err.code === NetErrorCode.tooLarge || err.code === NetErrorCode.malformed) {
        this.deps.penalize(from, `bad frame on ${protocol}: ${err.message}`);
      } else {
        this.deps.log.debug({ protocol, from, err: describeError(err) }, "inbound stream failed");
      }
      return undefined;
    } finally {
      dl.clear();
    }
  }

  private checkOutbound(peer: string, protocol: string, bytes: number, cap: number, what: string): void {
    const context = { peer, protocol };
    if (this.deps.closing.aborted) throw new NetError(NetErrorCode.closed, "the network is stopped", context);
    if (bytes > cap) {
      throw new NetError(NetErrorCode.tooLarge, `${what} of ${bytes} bytes is over the cap of ${cap}`, context);
    }
    if (!this.outbound.tryTake(`${peer} ${protocol}`)) {
      throw new NetError(
        NetErrorCode.rateLimited,
        `over ${this.deps.opts.requestsPerSecond}/s on ${protocol} to this peer; slow down`,
        context,
      );
    }
  }

  private async open(
    peerId: PeerId,
    protocol: string,
    signal: AbortSignal,
    context: { peer: string; protocol: string },
  ) {
    try {
      return await this.deps.node.dialProtocol(peerId, protocol, { signal });
    } catch (e) {
      if (signal.aborted) throw signal.reason;
      if (e instanceof Error && e.name === "UnsupportedProtocolError") {
        throw new NetError(NetErrorCode.unsupported, `peer does not serve ${protocol}`, context, e);
      }
      throw new NetError(NetErrorCode.noPeer, `cannot reach peer: ${describeError(e)}`, context, e);
    }
  }
}

/** Whatever an exchange threw, as a NetError: the deadline's reason, our own error, or a reset. */
function classify(e: unknown, signal: AbortSignal, context: { peer: string; protocol: string }): NetError {
  if (signal.aborted && signal.reason instanceof NetError) return signal.reason;
  // Framing errors know nothing of the exchange; give them its peer and protocol.
  if (e instanceof NetError) return e.peer === undefined ? new NetError(e.code, e.message, context, e.cause) : e;
  return new NetError(NetErrorCode.reset, `stream failed: ${describeError(e)}`, context, e);
}
