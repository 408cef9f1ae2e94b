// Which connections libp2p may make or accept: none with a banned peer, and none with a peer
// whose key is not Ed25519 (it would have no hex id, and every handler is keyed by hex id).
// Checked both before dialing a known peer and once the handshake has proven who the remote is,
// since a dial by address only learns the peer during the handshake.
import type { ConnectionGater, PeerId } from "@libp2p/interface";
import { isEd25519, peerIdToHex } from "./identity.ts";

export function connectionGater(isBanned: (peer: string) => boolean): ConnectionGater {
  const refuse = (peerId: PeerId): boolean => !isEd25519(peerId) || isBanned(peerIdToHex(peerId));
  return {
    denyDialPeer: refuse,
    denyInboundEncryptedConnection: refuse,
    denyOutboundEncryptedConnection: refuse,
  };
}
