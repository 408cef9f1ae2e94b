// A bounded memory of signatures found valid, so that one message checked at two places costs
// one verification. A node checks a consensus message's signature when it arrives, to blame
// and cut off a peer that forges (node/chain/consensus-gossip.ts), and its engine checks the
// same signature again before acting on the message: every proposal, vote and timeout was
// verified twice. The verdict is a pure function of (public key, message, signature), so a
// remembered one is exactly what verifying again would say. Only valid verdicts are kept: an
// invalid signature is refused at the first check and never reaches the second.
import { equalBytes } from "../bytes.ts";
import { verifyNative } from "./verify-native.ts";

interface Entry {
  publicKey: Uint8Array;
  message: Uint8Array;
}

export class VerifiedSignatures {
  private readonly capacity: number;
  // Keyed by the signature; an entry holds the key and message it was valid for, so the same
  // signature offered with another message or key is verified afresh (and, if it is valid
  // there too, replaces the entry).
  private readonly valid = new Map<string, Entry>();
  hits = 0;
  misses = 0;

  constructor(capacity = 8192) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`capacity ${capacity} is not a count`);
    this.capacity = capacity;
  }

  /** verifyNative, answered from memory for a signature already found valid on these bytes. */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    const id = String.fromCharCode.apply(null, signature as unknown as number[]);
    const seen = this.valid.get(id);
    if (seen !== undefined && equalBytes(seen.publicKey, publicKey) && equalBytes(seen.message, message)) {
      this.hits++;
      return true;
    }
    this.misses++;
    if (!verifyNative(publicKey, message, signature)) return false;
    this.valid.delete(id);
    this.valid.set(id, { publicKey: Uint8Array.from(publicKey), message: Uint8Array.from(message) });
    if (this.valid.size > this.capacity) this.valid.delete(this.valid.keys().next().value as string);
    return true;
  }

  get size(): number {
    return this.valid.size;
  }
}
