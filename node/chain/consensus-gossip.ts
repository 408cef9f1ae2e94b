// Cheap checks of a consensus message before it is queued for the engine or forwarded on
// gossip: it decodes, it is a kind that travels that way, and its author is a validator whose
// signature verifies. The engine checks everything again (and the certificates inside); this
// pass exists so that a peer sending garbage or forged signatures is blamed and cut off, which
// the engine, sans-IO and blind to peers, cannot do.
import {
  blockHash,
  decodeMessage,
  type Message,
  type PayloadDigest,
  proposalSigningBytes,
  timeoutSigningBytes,
  voteSigningBytes,
} from "../../consensus/index.ts";
import { toHex } from "../../crypto/index.ts";
import { consensusSignatures } from "./consensus-signatures.ts";

export type MessageCheck =
  | {
      ok: true;
      author: string | null;
      message: Message;
      /** A proposal's block hash (computed for its signature check anyway). */
      blockHash?: Uint8Array;
    }
  | { ok: false; reason: string };

export function checkConsensusMessage(
  bytes: Uint8Array,
  chainId: string,
  validators: ReadonlySet<string>,
  via: "gossip" | "direct",
  payloadDigest: PayloadDigest,
): MessageCheck {
  let m: Message;
  try {
    m = decodeMessage(bytes);
  } catch {
    return { ok: false, reason: "malformed" };
  }
  const gossiped = m.kind === "proposal" || m.kind === "timeout" || m.kind === "certificate";
  // Votes and sync messages go to one validator; only broadcasts belong on gossip.
  if (via === "gossip" && !gossiped) return { ok: false, reason: `${m.kind} on gossip` };
  const signed = (key: Uint8Array, message: Uint8Array, signature: Uint8Array): MessageCheck => {
    const author = toHex(key);
    if (!validators.has(author)) return { ok: false, reason: "not a validator" };
    if (!consensusSignatures.verify(key, message, signature)) return { ok: false, reason: "bad signature" };
    return { ok: true, author, message: m };
  };
  switch (m.kind) {
    case "proposal": {
      const b = m.block;
      const hash = blockHash(chainId, b, payloadDigest);
      const check = signed(b.proposer, proposalSigningBytes(chainId, b.epoch, b.round, hash), m.signature);
      return check.ok ? { ...check, blockHash: hash } : check;
    }
    case "vote":
      return signed(m.voter, voteSigningBytes(chainId, m), m.signature);
    case "timeout":
      return signed(m.author, timeoutSigningBytes(chainId, m.epoch, m.round, m.highQc), m.signature);
    default:
      return { ok: true, author: null, message: m };
  }
}
