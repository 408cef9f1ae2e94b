// The knobs of the network layer, their defaults, and the checks that turn a bad value into an
// error at start rather than a strange failure later.
import { NetError, NetErrorCode } from "./errors.ts";

const KiB = 1024;
const MiB = 1024 * KiB;

export interface NetworkOptions {
  /**
   * 32-byte Ed25519 secret seed: the node's libp2p identity. Validators pass their validator key,
   * so a peer's id IS its validator id (lower-case hex of its 32-byte Ed25519 public key).
   */
  secretKey: Uint8Array;
  /** Multiaddrs to listen on, e.g. "/ip4/127.0.0.1/tcp/0". */
  listen: string[];
  /**
   * Multiaddrs ending in /p2p/<peerId>. Dialed at start and again every `redialIntervalMs` while
   * disconnected, so a peer that restarts is found again.
   */
  bootstrap: string[];
  /**
   * Cap on one gossip message; bigger ones are dropped and the sender penalized. At most
   * MAX_GOSSIP_BYTES, a limit of gossipsub itself (see there).
   */
  maxGossipBytes: number;
  /** Cap on one direct message (Network.send), which has no such limit: a whole block fits. */
  maxDirectBytes: number;
  /** Cap on one request. */
  maxRequestBytes: number;
  /** Cap on one response (a request may ask for less). */
  maxResponseBytes: number;
  /** Deadline of a request, a send, and of reading an inbound request. */
  requestTimeoutMs: number;
  /** Per peer per protocol, each way; the token bucket holds twice this. */
  requestsPerSecond: number;
  /** A peer whose score falls to this is disconnected and refused for `banMs`. */
  banThreshold: number;
  banMs: number;
  redialIntervalMs: number;
  maxConnections: number;
}

/**
 * @libp2p/gossipsub 17 frames every outbound RPC with it-length-prefixed's default cap of 4 MiB
 * and offers no option to raise it (libp2p/js-libp2p#3427): a bigger RPC is not sent, and
 * publish() does not say so. An RPC is the message plus its envelope plus any control messages
 * gossipsub piggybacks on it (IHAVE lists of up to 5000 ids), hence the headroom.
 */
export const GOSSIPSUB_MAX_RPC_BYTES = 4 * MiB;
export const MAX_GOSSIP_BYTES = GOSSIPSUB_MAX_RPC_BYTES - 256 * KiB;

export const defaultNetworkOptions: Omit<NetworkOptions, "secretKey"> = {
  listen: ["/ip4/0.0.0.0/tcp/0"],
  bootstrap: [],
  maxGossipBytes: MAX_GOSSIP_BYTES,
  // A block of up to 4 MiB plus the envelope around it.
  maxDirectBytes: 4 * MiB + 64 * KiB,
  maxRequestBytes: 64 * KiB,
  maxResponseBytes: 16 * MiB,
  requestTimeoutMs: 5_000,
  requestsPerSecond: 50,
  banThreshold: -50,
  banMs: 60_000,
  redialIntervalMs: 2_000,
  maxConnections: 100,
};

/** Above this a length prefix is not worth parsing: no message of ours comes near it. */
export const MAX_FRAME_BYTES = 256 * MiB;

export function resolveNetworkOptions(opts: Partial<NetworkOptions> & { secretKey: Uint8Array }): NetworkOptions {
  const o: NetworkOptions = { ...defaultNetworkOptions, ...dropUndefined(opts), secretKey: opts.secretKey };
  if (!(o.secretKey instanceof Uint8Array) || o.secretKey.length !== 32) {
    throw invalid(`secretKey must be a 32-byte Ed25519 seed, got ${describeLength(o.secretKey)}`);
  }
  checkInteger("maxGossipBytes", o.maxGossipBytes, 1, MAX_GOSSIP_BYTES);
  for (const key of ["maxDirectBytes", "maxRequestBytes", "maxResponseBytes"] as const) {
    checkInteger(key, o[key], 1, MAX_FRAME_BYTES);
  }
  checkInteger("requestTimeoutMs", o.requestTimeoutMs, 1, 3_600_000);
  checkInteger("banMs", o.banMs, 0, 86_400_000);
  checkInteger("redialIntervalMs", o.redialIntervalMs, 100, 3_600_000);
  checkInteger("maxConnections", o.maxConnections, 1, 10_000);
  if (!(Number.isFinite(o.requestsPerSecond) && o.requestsPerSecond > 0)) {
    throw invalid(`requestsPerSecond must be a positive number, got ${o.requestsPerSecond}`);
  }
  if (!(Number.isFinite(o.banThreshold) && o.banThreshold < 0)) {
    throw invalid(`banThreshold must be a negative number, got ${o.banThreshold}`);
  }
  if (!Array.isArray(o.listen) || !Array.isArray(o.bootstrap)) {
    throw invalid("listen and bootstrap must be arrays of multiaddr strings");
  }
  return o;
}

function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalid(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
}

function invalid(message: string): NetError {
  return new NetError(NetErrorCode.invalidArgument, `network options: ${message}`);
}

function describeLength(v: unknown): string {
  return v instanceof Uint8Array ? `${v.length} bytes` : typeof v;
}

/** `{ listen: undefined }` from an optional CLI flag must not erase the default. */
function dropUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
