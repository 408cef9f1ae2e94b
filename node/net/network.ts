// The node's network: one libp2p host (TCP, Noise, Yamux, identify, ping, gossipsub) behind an
// API that speaks our hex peer ids and typed errors. The parts live next door: gossip.ts
// (topics), stream-protocols.ts (request/response and direct messages), peer-score.ts and
// gater.ts (penalties and bans), bootstrap.ts (staying connected). This file wires them up.
//
// Only what a chain of known validators needs is switched on: no mDNS, DHT, relay, UPnP or
// AutoNAT. Peers are found through the bootstrap list, and whoever dials us.
import { noise } from "@chainsafe/libp2p-noise";
import { yamux } from "@chainsafe/libp2p-yamux";
import { type GossipSub, gossipsub } from "@libp2p/gossipsub";
import { type Identify, identify } from "@libp2p/identify";
import type { Libp2p, PeerId } from "@libp2p/interface";
import { peerIdFromString } from "@libp2p/peer-id";
import { type Ping, ping } from "@libp2p/ping";
import { tcp } from "@libp2p/tcp";
import { multiaddr } from "@multiformats/multiaddr";
import { createLibp2p } from "libp2p";
import { parseBootstrap, Redialer } from "./bootstrap.ts";
import { deadline } from "./deadline.ts";
import { describeError, NetError, NetErrorCode } from "./errors.ts";
import { connectionGater } from "./gater.ts";
import { GossipRouter, gossipOptions } from "./gossip.ts";
import { hexToPeerId, isEd25519, peerIdToHex, privateKeyFromSeed } from "./identity.ts";
import type { DirectHandler, GossipHandler, NetLogger, PeerEvent, PeerListener, RequestHandler } from "./interface.ts";
import { noopLogger } from "./interface.ts";
import { noiseCrypto } from "./noise-crypto.ts";
import { type NetworkOptions, resolveNetworkOptions } from "./options.ts";
import { PeerScores } from "./peer-score.ts";
// Side effects: Noise's frame reader stops at the end of a chunk without throwing, a Noise
// frame leaves in one socket write, and yamux streams send window updates once half the window
// is used (see the files).
import "./frame-reader-drain.ts";
import "./connection-writes.ts";
import "./yamux-window.ts";
import { evictOldest } from "../evict-oldest.ts";
import { type RequestOptions, StreamProtocols } from "./stream-protocols.ts";

type Services = { identify: Identify; ping: Ping; pubsub: GossipSub };

export const DEFAULT_PENALTY = 10;

/** How often idle scores and rate-limit buckets are forgotten. */
const SWEEP_INTERVAL_MS = 10_000;
/** Departed peers remembered at most (see departed()). */
const MAX_DEPARTED_PEERS = 4096;

/**
 * libp2p refuses a host that opens more connections than this per second. A local devnet runs
 * every node on one host, and they all dial each other at start.
 */
const INBOUND_CONNECTIONS_PER_SECOND = 25;

export class Network {
  /** Our peer id: 64 lower-case hex characters of our Ed25519 public key. */
  readonly id: string;
  /** libp2p's string form of the same key (12D3Koo...). */
  readonly peerId: string;
  private readonly node: Libp2p<Services>;
  private readonly opts: NetworkOptions;
  private readonly log: NetLogger;
  private readonly scores: PeerScores;
  private readonly gossip: GossipRouter;
  private readonly streams: StreamProtocols;
  private readonly redialer: Redialer;
  private readonly closing = new AbortController();
  private readonly peerListeners: PeerListener[] = [];
  /** In the order they left (see departed()). */
  private readonly departedPeers = new Set<string>();
  private readonly sweeper: NodeJS.Timeout;
  private stopped: Promise<void> | undefined;

  private constructor(node: Libp2p<Services>, opts: NetworkOptions, log: NetLogger, scores: PeerScores) {
    this.node = node;
    this.opts = opts;
    this.log = log;
    this.scores = scores;
    this.id = peerIdToHex(node.peerId);
    this.peerId = node.peerId.toString();
    const penalize = this.penalize.bind(this);
    this.gossip = new GossipRouter(node.services.pubsub, { maxGossipBytes: opts.maxGossipBytes, log, penalize });
    this.streams = new StreamProtocols({ node, opts, log, closing: this.closing.signal, penalize });
    const targets = parseBootstrap(opts.bootstrap).filter((t) => t.peer !== this.id);
    this.redialer = new Redialer(node, targets, {
      intervalMs: opts.redialIntervalMs,
      dialTimeoutMs: opts.requestTimeoutMs,
      isBanned: (peer) => scores.isBanned(peer),
      log,
    });
    node.addEventListener("peer:connect", (evt) => this.emitPeer(evt.detail, "connect"));
    node.addEventListener("peer:disconnect", (evt) => this.emitPeer(evt.detail, "disconnect"));
    this.sweeper = setInterval(() => {
      this.scores.sweep();
      this.streams.sweep();
    }, SWEEP_INTERVAL_MS);
    this.sweeper.unref();
    this.redialer.start();
  }

  /** Starts libp2p and listens; the bootstrap peers are dialed in the background. */
  static async create(
    options: Partial<NetworkOptions> & { secretKey: Uint8Array },
    log: NetLogger = noopLogger,
  ): Promise<Network> {
    const opts = resolveNetworkOptions(options);
    parseBootstrap(opts.bootstrap); // fail on a bad address before anything is started
    const privateKey = await privateKeyFromSeed(opts.secretKey);
    const scores = new PeerScores({ threshold: opts.banThreshold, banMs: opts.banMs });
    let node: Libp2p<Services>;
    try {
      node = await createLibp2p({
        privateKey,
        addresses: { listen: opts.listen },
        transports: [tcp()],
        connectionEncrypters: [noise({ crypto: noiseCrypto })],
        streamMuxers: [yamux()],
        connectionGater: connectionGater((peer) => scores.isBanned(peer)),
        connectionManager: {
          maxConnections: opts.maxConnections,
          dialTimeout: opts.requestTimeoutMs,
          inboundConnectionThreshold: INBOUND_CONNECTIONS_PER_SECOND,
        },
        services: {
          identify: identify(),
          ping: ping(),
          pubsub: gossipsub(gossipOptions((p) => scoreOfPeerIdString(scores, p))),
        },
      });
    } catch (e) {
      throw new NetError(
        NetErrorCode.startFailed,
        `cannot start the network on ${opts.listen.join(", ")}: ${describeError(e)}; check that the listen addresses are valid and free`,
        {},
        e,
      );
    }
    const network = new Network(node, opts, log, scores);
    log.info({ id: network.id, addresses: network.listenAddresses() }, "network started");
    return network;
  }

  /** The addresses we listen on, ports resolved, each ending in /p2p/<peerId>. */
  listenAddresses(): string[] {
    return this.node.getMultiaddrs().map((a) => a.toString());
  }

  /** Hex ids of the peers we have a connection to. */
  peers(): string[] {
    return this.node
      .getPeers()
      .filter(isEd25519)
      .map((p) => peerIdToHex(p));
  }

  /** Each connected peer's hex id and the remote addresses of its connections. */
  peerAddresses(): { id: string; addresses: string[] }[] {
    const byPeer = new Map<string, string[]>();
    for (const c of this.node.getConnections()) {
      if (!isEd25519(c.remotePeer)) continue;
      const id = peerIdToHex(c.remotePeer);
      const list = byPeer.get(id) ?? [];
      list.push(c.remoteAddr.toString());
      byPeer.set(id, list);
    }
    return [...byPeer].map(([id, addresses]) => ({ id, addresses }));
  }

  /** Dials an address ("/ip4/.../tcp/.../p2p/<peerId>") and returns the hex id of the peer reached. */
  async connect(address: string): Promise<string> {
    this.assertOpen();
    const dl = deadline(this.opts.requestTimeoutMs, this.closing.signal, `connecting to ${address}`);
    try {
      const connection = await this.node.dial(multiaddr(address), { signal: dl.signal });
      return peerIdToHex(connection.remotePeer);
    } catch (e) {
      if (dl.signal.aborted && dl.signal.reason instanceof NetError) throw dl.signal.reason;
      throw new NetError(NetErrorCode.noPeer, `cannot connect to ${address}: ${describeError(e)}`, {}, e);
    } finally {
      dl.clear();
    }
  }

  /**
   * Joins `topic`; each message is handed to `handler`, whose verdict decides whether it is
   * forwarded (accept), dropped (ignore) or dropped with the sender penalized (reject). The
   * message is not forwarded until the handler returns, so keep it quick.
   */
  subscribe(topic: string, handler: GossipHandler): void {
    this.assertOpen();
    this.gossip.subscribe(topic, handler);
  }

  /** Leaves `topic` (a chain this node stops following); subscribe() may join it again. */
  unsubscribe(topic: string): void {
    this.assertOpen();
    this.gossip.unsubscribe(topic);
  }

  /** Publishes to the topic's peers; with none, the message just goes nowhere. */
  async publish(topic: string, data: Uint8Array): Promise<void> {
    this.assertOpen();
    await this.gossip.publish(topic, data);
  }

  handle(protocol: string, handler: RequestHandler): void {
    this.assertOpen();
    this.streams.handle(protocol, handler);
  }

  /** One request, one response; throws NetError (NET_TIMEOUT, NET_RESET, NET_NO_PEER...). */
  request(peer: string, protocol: string, request: Uint8Array, opts?: RequestOptions): Promise<Uint8Array> {
    return this.streams.request(peer, protocol, request, opts);
  }

  /** A one-way message to `peer`'s onDirect handler; resolves once written, not once handled. */
  send(peer: string, protocol: string, data: Uint8Array): Promise<void> {
    return this.streams.send(peer, protocol, data);
  }

  onDirect(protocol: string, handler: DirectHandler): void {
    this.assertOpen();
    this.streams.onDirect(protocol, handler);
  }

  /**
   * Lowers the peer's score by `weight`. At the ban threshold the peer is disconnected and
   * refused, both ways, for the ban period.
   */
  penalize(peer: string, reason: string, weight = DEFAULT_PENALTY): void {
    if (!(Number.isFinite(weight) && weight > 0)) {
      throw new NetError(NetErrorCode.invalidArgument, `penalty weight must be a positive number, got ${weight}`);
    }
    const peerId = hexToPeerId(peer);
    if (peer === this.id) return;
    const banned = this.scores.penalize(peer, weight);
    this.log.debug({ peer, reason, weight, score: this.scores.score(peer) }, "peer penalized");
    if (!banned) return;
    this.log.warn({ peer, reason, banMs: this.opts.banMs }, "peer banned: disconnected and refused");
    this.node.hangUp(peerId).catch((e) => this.log.debug({ peer, err: describeError(e) }, "hang-up failed"));
  }

  /** The peer's current score: 0 is neutral, lower is worse. */
  score(peer: string): number {
    return this.scores.score(peer);
  }

  isBanned(peer: string): boolean {
    return this.scores.isBanned(peer);
  }

  onPeer(listener: PeerListener): void {
    this.peerListeners.push(listener);
  }

  /** Closes every connection, listener and timer; exchanges in flight fail with NET_CLOSED. */
  stop(): Promise<void> {
    this.stopped ??= this.shutdown();
    return this.stopped;
  }

  private async shutdown(): Promise<void> {
    this.closing.abort();
    clearInterval(this.sweeper);
    this.redialer.stop();
    await this.node.stop();
    this.log.info({ id: this.id }, "network stopped");
  }

  private assertOpen(): void {
    if (this.closing.signal.aborted) throw new NetError(NetErrorCode.closed, "the network is stopped");
  }

  /**
   * Whether this node was connected to `peer`, lost it, and has not been connected to it since.
   * Never having been connected says nothing (validators need not all be connected to each
   * other); a peer that left does not answer until it comes back.
   */
  departed(peer: string): boolean {
    return this.departedPeers.has(peer);
  }

  private emitPeer(peerId: PeerId, event: PeerEvent): void {
    if (!isEd25519(peerId)) return;
    const peer = peerIdToHex(peerId);
    this.departedPeers.delete(peer);
    if (event === "disconnect") {
      this.departedPeers.add(peer);
      // Bounded against a stream of throwaway identities: the oldest departures go first.
      if (this.departedPeers.size > MAX_DEPARTED_PEERS) evictOldest(this.departedPeers);
    }
    this.log.debug({ peer }, event === "connect" ? "peer connected" : "peer disconnected");
    for (const listener of this.peerListeners) {
      try {
        listener(peer, event);
      } catch (e) {
        this.log.warn({ peer, event, err: describeError(e) }, "peer listener threw");
      }
    }
  }
}

/** Our score of a peer named the way gossipsub names it; 0 for anything we cannot read. */
function scoreOfPeerIdString(scores: PeerScores, peerId: string): number {
  try {
    return scores.score(peerIdToHex(peerIdFromString(peerId)));
  } catch {
    return 0;
  }
}
