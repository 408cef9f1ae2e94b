// Our ids and libp2p's. A UBN peer is named by the lower-case hex of its 32-byte Ed25519 public
// key (for a validator, its validator id); libp2p names the same key as a PeerId ("12D3Koo...",
// the key inlined in an identity multihash). Both directions are exact, so no table is needed.

import { generateKeyPairFromSeed, publicKeyFromRaw } from "@libp2p/crypto/keys";
import type { Ed25519PrivateKey, PeerId } from "@libp2p/interface";
import { peerIdFromPublicKey } from "@libp2p/peer-id";
import { fromHex, toHex, truncateForMessage } from "../../crypto/index.ts";
import { NetError, NetErrorCode } from "./errors.ts";

/** libp2p keeps seed + public key (64 bytes) as the private key; it derives both from the seed. */
export function privateKeyFromSeed(seed: Uint8Array): Promise<Ed25519PrivateKey> {
  return generateKeyPairFromSeed("Ed25519", seed);
}

/** Only Ed25519 peers have a hex id; the connection gater refuses every other key type. */
export function isEd25519(peerId: PeerId): boolean {
  return peerId.type === "Ed25519";
}

export function peerIdToHex(peerId: PeerId): string {
  if (peerId.type !== "Ed25519") {
    throw new NetError(NetErrorCode.invalidArgument, `peer ${peerId.toString()} has a ${peerId.type} key, not Ed25519`);
  }
  return toHex(peerId.publicKey.raw);
}

export function hexToPeerId(hex: string): PeerId {
  let raw: Uint8Array;
  try {
    raw = fromHex(hex, 32);
  } catch (e) {
    throw new NetError(
      NetErrorCode.invalidArgument,
      `peer id must be 64 hex characters (an Ed25519 public key), got "${truncateForMessage(hex)}"`,
      {},
      e,
    );
  }
  return peerIdFromPublicKey(publicKeyFromRaw(raw));
}
