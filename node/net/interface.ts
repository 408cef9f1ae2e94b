// The types a user of node/net sees besides Network itself: verdicts, handlers, the logger.

/**
 * What a handler decides about a gossip or direct message. `accept`: valid, forward it.
 * `ignore`: drop it without blame (a duplicate, a message we cannot judge yet). `reject`: the
 * message is invalid in any state, so the peer that sent it is penalized.
 */
export type Verdict = "accept" | "ignore" | "reject";

/** Receives a gossip message from `from` (hex id of the peer that forwarded it to us). */
export type GossipHandler = (from: string, data: Uint8Array) => Verdict | Promise<Verdict>;

/** Answers one request; throwing resets the stream, so the requester gets NET_RESET. */
export type RequestHandler = (from: string, request: Uint8Array) => Promise<Uint8Array>;

/** Receives a one-way message sent with Network.send. */
export type DirectHandler = (from: string, data: Uint8Array) => Verdict | Promise<Verdict>;

export type PeerEvent = "connect" | "disconnect";
export type PeerListener = (peer: string, event: PeerEvent) => void;

/** The subset of pino that node/net uses, so a pino logger (or a child of one) fits as is. */
export type NetLogger = {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
};

export const noopLogger: NetLogger = {
  info() {},
  warn() {},
  debug() {},
};
