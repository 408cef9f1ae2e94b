// Signature checks for everything that arrives signed. Cheap structural checks run first,
// then one modules.verify call per message or per certificate (all of a certificate's
// signatures in one batch). A certificate that verified once is remembered by its hash, so
// the QC that comes back in every proposal and timeout is checked once per engine.
import { compareBytes, equalBytes, toHex } from "../crypto/index.ts";
import { addBounded } from "./bounded-set.ts";
import { ConsensusError, ConsensusErrorCode } from "./errors.ts";
import type { BatchVerify, Validator } from "./interface.ts";
import {
  type Proposal,
  proposalSigningBytes,
  type QuorumCert,
  quorumCertId,
  type Timeout,
  type TimeoutCert,
  timeoutCertId,
  timeoutSigningBytes,
  type Vote,
  voteSigningBytes,
} from "./messages.ts";
import { type EpochInfo, type EpochRegistry, hasQuorum } from "./validators.ts";

const CACHE_LIMIT = 4096;

export interface VerifierCounters {
  signaturesVerified: number;
  verifyCalls: number;
}

export class Verifier {
  readonly counters: VerifierCounters = { signaturesVerified: 0, verifyCalls: 0 };
  private readonly verified = new Set<string>();
  private readonly chainId: string;
  private readonly registry: EpochRegistry;
  private readonly verify: BatchVerify;
  private readonly genesis: QuorumCert;

  constructor(chainId: string, registry: EpochRegistry, verify: BatchVerify, genesis: QuorumCert) {
    this.chainId = chainId;
    this.registry = registry;
    this.verify = verify;
    this.genesis = genesis;
  }

  /** Remembers a certificate this engine assembled itself from verified parts. */
  remember(cert: { kind: "qc"; qc: QuorumCert } | { kind: "tc"; tc: TimeoutCert }): void {
    this.cache(cert.kind === "qc" ? toHex(quorumCertId(cert.qc)) : toHex(timeoutCertId(cert.tc)));
  }

  checkQc(qc: QuorumCert): void {
    if (qc.round === 0n) {
      const g = this.genesis;
      const isGenesis =
        qc.epoch === g.epoch && qc.height === 0n && equalBytes(qc.blockHash, g.blockHash) && qc.signers.length === 0;
      if (!isGenesis || qc.signatures.length !== 0) throw bad("a round-0 QC must be the genesis QC");
      return;
    }
    const id = toHex(quorumCertId(qc));
    if (this.verified.has(id)) return;
    const info = this.epoch(qc.epoch);
    const members = this.signersOf(info, qc.signers, qc.signatures.length);
    const message = voteSigningBytes(this.chainId, qc);
    this.batch(
      members.map((v, i) => ({ publicKey: v.publicKey, message, signature: qc.signatures[i] as Uint8Array })),
      "QC",
    );
    this.cache(id);
  }

  checkTc(tc: TimeoutCert): void {
    const id = toHex(timeoutCertId(tc));
    if (this.verified.has(id)) return;
    const info = this.epoch(tc.epoch);
    const members = this.signersOf(info, tc.signers, tc.signatures.length);
    const n = tc.signers.length;
    if (tc.highQcRounds.length !== n || tc.highQcEpochs.length !== n) throw bad("TC has a high QC per signer");
    const max = maxHighQc(tc);
    for (let i = 0; i < n; i++) {
      if ((tc.highQcRounds[i] as bigint) >= tc.round) throw bad("a timeout's high QC must be from an earlier round");
      if ((tc.highQcEpochs[i] as bigint) > tc.epoch) throw bad("a timeout's high QC must not be from a later epoch");
    }
    if (tc.highQc.round !== max.round || tc.highQc.epoch !== max.epoch) {
      throw bad("TC's high QC must be the highest of its signers'");
    }
    this.checkQc(tc.highQc);
    this.batch(
      members.map((v, i) => ({
        publicKey: v.publicKey,
        message: timeoutSigningBytes(this.chainId, tc.epoch, tc.round, {
          epoch: tc.highQcEpochs[i] as bigint,
          round: tc.highQcRounds[i] as bigint,
        }),
        signature: tc.signatures[i] as Uint8Array,
      })),
      "TC",
    );
    this.cache(id);
  }

  /** Checks the vote's signature; returns the voter. */
  checkVote(vote: Vote): Validator {
    const voter = this.member(this.epoch(vote.epoch), vote.voter);
    this.batch(
      [{ publicKey: voter.publicKey, message: voteSigningBytes(this.chainId, vote), signature: vote.signature }],
      "vote",
    );
    return voter;
  }

  /** Checks the timeout's own signature (its high QC separately, with checkQc); returns the author. */
  checkTimeout(t: Timeout): Validator {
    if (t.highQc.epoch > t.epoch) throw bad("a timeout's high QC is from a later epoch");
    const author = this.member(this.epoch(t.epoch), t.author);
    const message = timeoutSigningBytes(this.chainId, t.epoch, t.round, t.highQc);
    this.batch([{ publicKey: author.publicKey, message, signature: t.signature }], "timeout");
    return author;
  }

  checkProposalSignature(p: Proposal, hash: Uint8Array): void {
    const b = p.block;
    const proposer = this.member(this.epoch(b.epoch), b.proposer);
    const message = proposalSigningBytes(this.chainId, b.epoch, b.round, hash);
    this.batch([{ publicKey: proposer.publicKey, message, signature: p.signature }], "proposal");
  }

  epoch(epoch: bigint): EpochInfo {
    const info = this.registry.byEpoch(epoch);
    if (info === undefined) throw new ConsensusError(ConsensusErrorCode.unknownEpoch, `unknown epoch ${epoch}`);
    return info;
  }

  private member(info: EpochInfo, publicKey: Uint8Array): Validator {
    const v = info.byId.get(toHex(publicKey));
    if (v === undefined) {
      throw new ConsensusError(ConsensusErrorCode.unknownValidator, `not a validator of epoch ${info.epoch}`);
    }
    return v;
  }

  /** Signers must be members, strictly ascending, one signature each, and hold a quorum. */
  private signersOf(info: EpochInfo, signers: readonly Uint8Array[], signatureCount: number): Validator[] {
    if (signers.length !== signatureCount) throw bad("one signature per signer");
    const members: Validator[] = [];
    let stake = 0n;
    for (let i = 0; i < signers.length; i++) {
      const key = signers[i] as Uint8Array;
      if (i > 0 && compareBytes(signers[i - 1] as Uint8Array, key) >= 0)
        throw bad("signers must be strictly ascending");
      const v = this.member(info, key);
      stake += v.stake;
      members.push(v);
    }
    if (!hasQuorum(stake, info.totalStake)) throw bad(`signers hold no quorum of epoch ${info.epoch}`);
    return members;
  }

  private batch(items: { publicKey: Uint8Array; message: Uint8Array; signature: Uint8Array }[], what: string): void {
    this.counters.verifyCalls++;
    this.counters.signaturesVerified += items.length;
    const results = this.verify(items);
    if (results.length !== items.length || !results.every((ok) => ok === true)) {
      throw new ConsensusError(ConsensusErrorCode.badSignature, `bad signature in ${what}`);
    }
  }

  private cache(id: string): void {
    addBounded(this.verified, id, CACHE_LIMIT);
  }
}

/** The highest (epoch, round) among a TC's signers' QCs. */
export function maxHighQc(tc: TimeoutCert): { epoch: bigint; round: bigint } {
  let max = { epoch: 0n, round: 0n };
  for (let i = 0; i < tc.highQcRounds.length; i++) {
    const e = tc.highQcEpochs[i] as bigint;
    const r = tc.highQcRounds[i] as bigint;
    if (e > max.epoch || (e === max.epoch && r > max.round)) max = { epoch: e, round: r };
  }
  return max;
}

function bad(why: string): ConsensusError {
  return new ConsensusError(ConsensusErrorCode.badCertificate, why);
}
