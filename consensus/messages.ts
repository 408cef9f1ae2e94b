// The wire format of consensus: blocks, votes, certificates, timeouts and sync, as canonical
// codecs, and the exact bytes each signature covers. Every signed message starts with its own
// domain tag and includes the chain id and the epoch, so a signature can never be replayed on
// another chain, in another epoch, or as another kind of message.
import {
  bytes,
  type CanonicalValue,
  type Codec,
  type CodecType,
  concatBytes,
  decode,
  EncodingError,
  EncodingErrorCode,
  encode,
  fixedBytes,
  list,
  optional,
  sha256,
  struct,
  taggedHash,
  text,
  u16,
  u64,
  utf8,
} from "../crypto/index.ts";

/** More validators than this in one set cannot be encoded in a certificate. */
export const MAX_VALIDATORS = 1024;
/** The largest payload a block may carry. */
export const MAX_PAYLOAD_BYTES = 1 << 20;
/** The largest consensus message handle() decodes (a sync response of several blocks). */
export const MAX_MESSAGE_BYTES = 4 << 20;
/** Blocks per sync response. */
export const MAX_SYNC_BLOCKS = 32;
/** The longest chain id the signing bytes can carry. */
export const MAX_CHAIN_ID_LENGTH = 64;

const hash32 = fixedBytes(32);
const publicKey = fixedBytes(32);
const signature = fixedBytes(64);

/** More than 2/3 of the stake of `epoch` signed (chainId, epoch, round, height, blockHash). */
export const quorumCertCodec = struct("QuorumCert", {
  epoch: u64,
  round: u64,
  height: u64,
  blockHash: hash32,
  /** Public keys, strictly ascending. */
  signers: list(publicKey, MAX_VALIDATORS),
  signatures: list(signature, MAX_VALIDATORS),
});
export type QuorumCert = CodecType<typeof quorumCertCodec>;

export const blockCodec = struct("Block", {
  epoch: u64,
  round: u64,
  height: u64,
  parent: hash32,
  proposer: publicKey,
  payload: bytes(MAX_PAYLOAD_BYTES),
  /** Certifies `parent`, except in the first block of an epoch (see block-tree.ts). */
  qc: quorumCertCodec,
});
export type Block = CodecType<typeof blockCodec>;

/** More than 2/3 of the stake of `epoch` timed out in `round`; each said its highest QC. */
export const timeoutCertCodec = struct("TimeoutCert", {
  epoch: u64,
  round: u64,
  /** The highest of the signers' QCs, by (epoch, round). */
  highQc: quorumCertCodec,
  signers: list(publicKey, MAX_VALIDATORS),
  /** Each signer's highest QC, as (epoch, round). */
  highQcEpochs: list(u64, MAX_VALIDATORS),
  highQcRounds: list(u64, MAX_VALIDATORS),
  signatures: list(signature, MAX_VALIDATORS),
});
export type TimeoutCert = CodecType<typeof timeoutCertCodec>;

export const proposalCodec = struct("Proposal", {
  block: blockCodec,
  /** The certificate that round - 1 timed out, when the block's QC is not from round - 1. */
  tc: optional(timeoutCertCodec),
  signature,
});
export type Proposal = CodecType<typeof proposalCodec>;

export const voteCodec = struct("Vote", {
  epoch: u64,
  round: u64,
  height: u64,
  blockHash: hash32,
  voter: publicKey,
  signature,
});
export type Vote = CodecType<typeof voteCodec>;

export const timeoutCodec = struct("Timeout", {
  epoch: u64,
  round: u64,
  highQc: quorumCertCodec,
  /** The TC of round - 1 when the author entered the round by it, so laggards can follow. Unsigned. */
  lastTc: optional(timeoutCertCodec),
  author: publicKey,
  signature,
});
export type Timeout = CodecType<typeof timeoutCodec>;

export const syncRequestCodec = struct("SyncRequest", { blockHash: hash32, maxBlocks: u16 });
export type SyncRequest = CodecType<typeof syncRequestCodec>;

/** Blocks oldest first, each the parent of the next, the last one the block asked for. */
export const syncResponseCodec = struct("SyncResponse", { blocks: list(blockCodec, MAX_SYNC_BLOCKS) });
export type SyncResponse = CodecType<typeof syncResponseCodec>;

/** A QC announced on its own: sent when a validator enters a new epoch (see core.ts). */
export const certificateCodec = struct("Certificate", { qc: quorumCertCodec });
export type Certificate = CodecType<typeof certificateCodec>;

export type Message =
  | ({ kind: "proposal" } & Proposal)
  | ({ kind: "vote" } & Vote)
  | ({ kind: "timeout" } & Timeout)
  | ({ kind: "sync-request" } & SyncRequest)
  | ({ kind: "sync-response" } & SyncResponse)
  | ({ kind: "certificate" } & Certificate);
export type MessageKind = Message["kind"];

// The tag is the first element of the encoded array; the body's fields follow it. Tags are
// part of the protocol: never reuse one.
const variants: readonly [number, MessageKind, Codec<any>][] = [
  [1, "proposal", proposalCodec],
  [2, "vote", voteCodec],
  [3, "timeout", timeoutCodec],
  [4, "sync-request", syncRequestCodec],
  [5, "sync-response", syncResponseCodec],
  [6, "certificate", certificateCodec],
];

export const messageCodec: Codec<Message> = {
  describe: "ConsensusMessage",
  toValue: (m) => {
    const variant = variants.find(([, kind]) => kind === m.kind);
    if (variant === undefined) throw new EncodingError(EncodingErrorCode.unencodable, `unknown message kind`);
    return [variant[0], ...(variant[2].toValue(m) as CanonicalValue[])];
  },
  fromValue: (v, path) => {
    if (!Array.isArray(v) || v.length === 0 || typeof v[0] !== "number") {
      throw new EncodingError(EncodingErrorCode.schema, "expected a tagged consensus message", path);
    }
    const variant = variants.find(([tag]) => tag === v[0]);
    if (variant === undefined) throw new EncodingError(EncodingErrorCode.schema, `unknown message tag ${v[0]}`, path);
    return { kind: variant[1], ...variant[2].fromValue(v.slice(1), path) } as Message;
  },
};

export function encodeMessage(m: Message): Uint8Array {
  return encode(messageCodec, m);
}

/** Throws EncodingError on anything but the canonical encoding of a consensus message. */
export function decodeMessage(b: Uint8Array): Message {
  return decode(messageCodec, b, { maxBytes: MAX_MESSAGE_BYTES });
}

/** Reads CommittedBlock.certificate: the QC that certifies the committed block. */
export function decodeQuorumCert(b: Uint8Array): QuorumCert {
  return decode(quorumCertCodec, b);
}

// --- Identities -------------------------------------------------------------------------

const blockIdCodec = struct("BlockId", {
  chainId: text(MAX_CHAIN_ID_LENGTH),
  epoch: u64,
  round: u64,
  height: u64,
  parent: hash32,
  proposer: publicKey,
  payloadHash: hash32,
  qcEpoch: u64,
  qcRound: u64,
  qcHeight: u64,
  qcBlockHash: hash32,
});

/**
 * What a block's identity commits to of its payload. The default hashes every byte. A chain
 * whose payload is a header plus a body the header commits to (a shard block) may hash the
 * header only: a crosslink can then prove which block a header belongs to without carrying
 * the body, and validators check the body against the header before they vote.
 */
export type PayloadDigest = (payload: Uint8Array) => Uint8Array;

/** The block's identity: every field but the QC's signatures (which a QC may vary in). */
export function blockHash(chainId: string, b: Block, payloadDigest: PayloadDigest = sha256): Uint8Array {
  return blockHashFromId(chainId, b, payloadDigest(b.payload));
}

/** The identity from the block's fields and its payload digest (what a crosslink carries). */
export function blockHashFromId(chainId: string, b: Omit<Block, "payload">, payloadHash: Uint8Array): Uint8Array {
  const id = encode(blockIdCodec, {
    chainId,
    epoch: b.epoch,
    round: b.round,
    height: b.height,
    parent: b.parent,
    proposer: b.proposer,
    payloadHash,
    qcEpoch: b.qc.epoch,
    qcRound: b.qc.round,
    qcHeight: b.qc.height,
    qcBlockHash: b.qc.blockHash,
  });
  return taggedHash("UBN/consensus/block/v1", id);
}

/** Key of a verified-certificate cache entry. */
export function quorumCertId(qc: QuorumCert): Uint8Array {
  return taggedHash("UBN/consensus/qc/v1", encode(quorumCertCodec, qc));
}

export function timeoutCertId(tc: TimeoutCert): Uint8Array {
  return taggedHash("UBN/consensus/tc/v1", encode(timeoutCertCodec, tc));
}

// --- Signing bytes ----------------------------------------------------------------------

const VOTE_TAG = utf8("UBN/consensus/vote/v1");
const TIMEOUT_TAG = utf8("UBN/consensus/timeout/v1");
const PROPOSAL_TAG = utf8("UBN/consensus/proposal/v1");

const voteDataCodec = struct("VoteData", {
  chainId: text(MAX_CHAIN_ID_LENGTH),
  epoch: u64,
  round: u64,
  height: u64,
  blockHash: hash32,
});
const timeoutDataCodec = struct("TimeoutData", {
  chainId: text(MAX_CHAIN_ID_LENGTH),
  epoch: u64,
  round: u64,
  highQcEpoch: u64,
  highQcRound: u64,
});
const proposalDataCodec = struct("ProposalData", {
  chainId: text(MAX_CHAIN_ID_LENGTH),
  epoch: u64,
  round: u64,
  blockHash: hash32,
});

export interface VoteData {
  epoch: bigint;
  round: bigint;
  height: bigint;
  blockHash: Uint8Array;
}

/** What a vote signs and a QC's signers signed. */
export function voteSigningBytes(chainId: string, v: VoteData): Uint8Array {
  return concatBytes(VOTE_TAG, encode(voteDataCodec, { chainId, ...pickVoteData(v) }));
}

/** What a timeout signs: its round and the (epoch, round) of the signer's highest QC. */
export function timeoutSigningBytes(
  chainId: string,
  epoch: bigint,
  round: bigint,
  highQc: { epoch: bigint; round: bigint },
): Uint8Array {
  return concatBytes(
    TIMEOUT_TAG,
    encode(timeoutDataCodec, { chainId, epoch, round, highQcEpoch: highQc.epoch, highQcRound: highQc.round }),
  );
}

export function proposalSigningBytes(chainId: string, epoch: bigint, round: bigint, hash: Uint8Array): Uint8Array {
  return concatBytes(PROPOSAL_TAG, encode(proposalDataCodec, { chainId, epoch, round, blockHash: hash }));
}

function pickVoteData(v: VoteData): VoteData {
  return { epoch: v.epoch, round: v.round, height: v.height, blockHash: v.blockHash };
}

/** The QC of the genesis block: round 0, no signatures, valid by definition. */
export function genesisQc(epoch: bigint, genesisHash: Uint8Array): QuorumCert {
  return { epoch, round: 0n, height: 0n, blockHash: genesisHash, signers: [], signatures: [] };
}
