// The typed errors of node/net. A caller branches on `code`; the codes also serve as metric
// labels, so they stay few and stable. Peer ids and protocols ride along as fields so a caller
// can penalize or retry without parsing the message.
import { CodedError } from "../../crypto/index.ts";

export const NetErrorCode = {
  /** The deadline of a request, send or read passed. */
  timeout: "NET_TIMEOUT",
  /** A frame is over the cap for its kind (ours before sending, or a peer's as announced). */
  tooLarge: "NET_TOO_LARGE",
  /** A frame's length prefix is not a valid varint. */
  malformed: "NET_MALFORMED",
  /** The peer cannot be reached: no connection or known address, dial refused, or banned. */
  noPeer: "NET_NO_PEER",
  /** The peer does not serve the protocol. */
  unsupported: "NET_UNSUPPORTED_PROTOCOL",
  /** The peer reset or ended the stream before answering (its handler failed, it rate-limited us). */
  reset: "NET_RESET",
  /** Our own per-peer budget for this protocol is spent; try again later. */
  rateLimited: "NET_RATE_LIMITED",
  /** libp2p could not start, most often because a listen address is taken or malformed. */
  startFailed: "NET_START_FAILED",
  /** The network is stopped. */
  closed: "NET_CLOSED",
  /** A caller's mistake: bad peer id, bad option, a protocol or topic registered twice. */
  invalidArgument: "NET_INVALID_ARGUMENT",
} as const;
export type NetErrorCode = (typeof NetErrorCode)[keyof typeof NetErrorCode];

export interface NetErrorContext {
  /** Hex id of the peer involved, when there is one. */
  peer?: string;
  protocol?: string;
}

export class NetError extends CodedError<NetErrorCode> {
  override name = "NetError";
  readonly peer: string | undefined;
  readonly protocol: string | undefined;

  constructor(code: NetErrorCode, message: string, context: NetErrorContext = {}, cause?: unknown) {
    super(code, message, cause === undefined ? undefined : { cause });
    this.peer = context.peer;
    this.protocol = context.protocol;
  }
}

export function isNetError(e: unknown): e is NetError {
  return e instanceof NetError;
}

/** A short description of any thrown value, for debug logs. */
export function describeError(e: unknown): string {
  if (e instanceof NetError) return `${e.code}: ${e.message}`;
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}
