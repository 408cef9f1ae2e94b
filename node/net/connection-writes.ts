// One socket write per Noise frame. @chainsafe/libp2p-noise 17 hands the connection each
// encrypted frame as a list of two buffers, its 2-byte length and its ciphertext, and
// @libp2p/tcp 11 writes every buffer of a list with a socket.write() of its own: two write
// system calls per frame, the first of 2 bytes (seen with strace on a loaded devnet: half of a
// validator's writes to its peers' sockets were 2-byte length prefixes). This joins a list
// into one buffer before the connection queues it (a copy of the frame, far cheaper than a
// system call), so a frame leaves in one write. Applied once, at import, to the pinned
// versions (package.json); test/node/net/connection-writes.test.ts fails if an upgrade renames
// what this relies on.
import { AbstractMultiaddrConnection } from "@libp2p/utils";
import type { Uint8ArrayList } from "uint8arraylist";

type Send = (data: Uint8Array | Uint8ArrayList) => boolean;

/** The library's own method, as multiaddr connections had it before this file ran. */
export const librarySend: Send = AbstractMultiaddrConnection.prototype.send;

/** The bytes as one buffer (a list of one buffer gives that buffer, uncopied). */
export function joined(data: Uint8Array | Uint8ArrayList): Uint8Array {
  return data instanceof Uint8Array ? data : data.subarray();
}

/** The method the node's connections use: the library's, with the frame in one buffer. */
export function joinedSend(this: AbstractMultiaddrConnection, data: Uint8Array | Uint8ArrayList): boolean {
  return librarySend.call(this, joined(data));
}

AbstractMultiaddrConnection.prototype.send = joinedSend;
