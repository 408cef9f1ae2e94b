// This process's memory of valid consensus signatures: the arrival check of every consensus
// message (consensus-gossip.ts) and the engines (engine-factory.ts) both verify through it, so
// a proposal, vote or timeout costs one signature verification instead of two. Shared by all
// the chains a node hosts; a verdict depends only on the key, the message and the signature.
import { VerifiedSignatures } from "../../crypto/index.ts";

export const consensusSignatures = new VerifiedSignatures(8192);
