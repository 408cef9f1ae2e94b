// node/net/: the node's networking over libp2p (gossip, request/response, direct messages, peer
// scoring). The rest of the node talks to the network through Network and these types.
export { describeError, isNetError, NetError, NetErrorCode, type NetErrorContext } from "./errors.ts";
export { hexToPeerId, peerIdToHex } from "./identity.ts";
export type {
  DirectHandler,
  GossipHandler,
  NetLogger,
  PeerEvent,
  PeerListener,
  RequestHandler,
  Verdict,
} from "./interface.ts";
export { noopLogger } from "./interface.ts";
export { DEFAULT_PENALTY, Network } from "./network.ts";
export { defaultNetworkOptions, type NetworkOptions } from "./options.ts";
export type { RequestOptions } from "./stream-protocols.ts";
