// Jolteon: the 2-chain HotStuff of DiemBFT v4 and Aptos.
//   R. Gelashvili, L. Kokoris-Kogias, A. Sonnino, A. Spiegelman, Z. Xiang, "Jolteon and Ditto:
//   Network-Adaptive Efficient Consensus with Asynchronous Fallback", FC 2022.
//   https://arxiv.org/abs/2106.10362
//
// The protocol, top to bottom:
//   on proposal       check it, adopt its QC and TC, fetch what it builds on, have the host
//                     validate its payload, then vote for it, to the next leader, if the
//                     safety rules (safety.ts) allow
//   on vote           count it; more than 2/3 of the stake for one block makes a QC
//   on timeout        adopt its QC; more than 2/3 of the stake timing out makes a TC
//   on local timeout  broadcast a timeout with the highest QC; never vote in this round again
//   on QC             new highest QC, 2-chain commit (block-tree.ts), go to QC.round + 1
//   on TC             go to TC.round + 1
//   propose           the leader of the round proposes on its highest QC (with the TC of the
//                     previous round if it got here by one), with the payload the host gives it
// Everything is sans-IO: methods push actions onto `out`, which handle() returns.
import { isEncodingError, toHex } from "../crypto/index.ts";
import { TimeoutAggregator, VoteAggregator } from "./aggregator.ts";
import { proposedByLeader } from "./block-rules.ts";
import { type BlockNode, BlockTree } from "./block-tree.ts";
import { addBounded } from "./bounded-set.ts";
import { Verifier } from "./certificates.ts";
import { commitProof, committedBlock } from "./commits.ts";
import { ConsensusError, ConsensusErrorCode, isConsensusError } from "./errors.ts";
import { BlockIntake } from "./intake.ts";
import type { Action, BatchVerify, CommitProof, Signer, ValidatorId, ValidatorSet } from "./interface.ts";
import {
  type Block,
  blockHash,
  decodeMessage,
  genesisQc,
  MAX_MESSAGE_BYTES,
  MAX_PAYLOAD_BYTES,
  type PayloadDigest,
  type Proposal,
  type QuorumCert,
  type Timeout,
  type TimeoutCert,
  type Vote,
} from "./messages.ts";
import { Outbox } from "./outbox.ts";
import { Pacemaker, ROUND_TIMER, SYNC_TIMER, shortRoundTimeoutMs } from "./pacemaker.ts";
import { PayloadVerdicts } from "./payload-verdicts.ts";
import type { PendingBlock } from "./pending-blocks.ts";
import { nextProposal, type ProposalPlan, proposalBlock } from "./proposal-plan.ts";
import type { SafetyRules, VoteCandidate } from "./safety.ts";
import { SilentValidators } from "./silent-validators.ts";
import { type EngineStats, type EngineStatus, newStats } from "./stats.ts";
import { type EpochInfo, EpochRegistry } from "./validators.ts";

/** Votes and timeouts are kept for at most this many rounds ahead of the current one. */
const ROUND_WINDOW = 32n;
const MAX_REMEMBERED = 1024;

export interface CoreConfig {
  chainId: string;
  genesisHash: Uint8Array;
  self: ValidatorId;
  selfKey: Uint8Array;
  baseTimeoutMs: number;
  maxTimeoutMs: number;
  payloadDigest: PayloadDigest;
  validators: ValidatorSet;
  verify: BatchVerify;
  signer: Signer;
}

export class Core {
  private readonly cfg: CoreConfig;
  private readonly registry: EpochRegistry;
  private readonly verifier: Verifier;
  private readonly safety: SafetyRules;
  private readonly tree: BlockTree;
  private readonly pacemaker: Pacemaker;
  private readonly votes = new VoteAggregator();
  private readonly timeouts = new TimeoutAggregator();
  private readonly intake: BlockIntake;
  readonly stats: EngineStats;
  private readonly out: Outbox;
  private highTc: TimeoutCert | null = null;
  private currentEpoch: bigint;
  private plan: ProposalPlan | null = null;
  /** The last QC this node announced: on forming it, or for want of a payload (announceHighQc). */
  private announcedQc: QuorumCert | null = null;
  /** The last QC formed here (this validator collected its votes): see nextProposal. */
  private formedQc: QuorumCert | null = null;
  private readonly verdicts = new PayloadVerdicts();
  private readonly seenProposals = new Set<string>();
  private readonly silence: SilentValidators;
  /** The current round, while its timer is the short one for a silent leader or collector. */
  private shortRound: bigint | null = null;
  /** Whether SYNC_TIMER is armed (it is while block fetches are open). */
  private syncTimerSet = false;
  /** Who the round entered last was expected to need, for the silence rule once it fails. */
  private cast: { round: bigint; proposer: ValidatorId; collector: ValidatorId } | null = null;

  constructor(cfg: CoreConfig, safety: SafetyRules) {
    this.cfg = cfg;
    this.safety = safety;
    this.silence = new SilentValidators(cfg.self);
    this.registry = new EpochRegistry(cfg.validators);
    this.verifier = new Verifier(
      cfg.chainId,
      this.registry,
      cfg.verify,
      genesisQc(cfg.validators.epoch, cfg.genesisHash),
    );
    this.tree = new BlockTree(safety.state.committed);
    this.pacemaker = new Pacemaker(cfg.baseTimeoutMs, cfg.maxTimeoutMs);
    this.intake = new BlockIntake(cfg.chainId, cfg.payloadDigest, cfg.self, this.tree, this.registry, this.verifier, {
      peers: () => this.epoch.ids,
      onQc: (qc, from) => this.onQc(qc, from),
      onCommits: (nodes) => this.applyCommits(nodes),
      onInserted: (pb, node) => this.onInserted(pb, node),
      send: (to, m) => this.out.send(to, m),
      drop: (code) => this.out.drop(code),
    });
    this.currentEpoch = this.epoch.epoch;
    // After a restart, the TC that ended the previous round is still needed (see SafetyState).
    const persistedTc = safety.state.highTc;
    if (persistedTc !== null && persistedTc.epoch === this.currentEpoch) this.highTc = persistedTc;
    this.stats = newStats();
    this.out = new Outbox(this.stats);
  }

  // --- Inputs (each returns the actions it produced) ------------------------------------

  start(): Action[] {
    return this.run(() => {
      const s = this.safety.state;
      let round = s.highQc.round + 1n;
      if (s.lastVotedRound > round) round = s.lastVotedRound;
      if (s.highestTimeoutRound > round) round = s.highestTimeoutRound;
      this.enterRound(round);
      // A highest QC at or below the committed tip (after a resume) names a block already final.
      const above = s.highQc.height > this.tree.committedTip.height;
      if (above && !this.tree.has(s.highQc.blockHash)) this.intake.requestSync(s.highQc.blockHash, null);
      // After a restart in the middle of a round, the vote already given is simply sent again.
      if (s.lastVote !== null && s.lastVote.round === round) this.deliverVote(s.lastVote);
    });
  }

  onMessage(from: ValidatorId, bytes: Uint8Array): Action[] {
    return this.run(() => {
      this.stats.messagesReceived++;
      if (!(bytes instanceof Uint8Array) || bytes.length > MAX_MESSAGE_BYTES) {
        throw new ConsensusError(ConsensusErrorCode.malformed, "not a consensus message");
      }
      const m = decodeMessage(bytes);
      this.stats.receivedByKind[m.kind]++;
      switch (m.kind) {
        case "proposal":
          return this.onProposal(from, m);
        case "vote":
          return this.onVote(m, from, false);
        case "timeout":
          return this.onTimeout(m, from);
        case "sync-request":
          return this.intake.onSyncRequest(from, m);
        case "sync-response":
          this.intake.onSyncResponse(from, m);
          return this.advanceRound();
        case "certificate":
          return this.onCertificate(from, m.qc);
      }
    });
  }

  onTimer(id: string): Action[] {
    return this.run(() => {
      if (id === ROUND_TIMER) this.onLocalTimeout();
      else if (id === SYNC_TIMER) {
        this.syncTimerSet = false;
        this.intake.retrySync();
      }
    });
  }

  onPayload(round: bigint, payload: Uint8Array): Action[] {
    return this.run(() => this.proposeWithPayload(round, payload));
  }

  onNoPayload(round: bigint): Action[] {
    return this.run(() => this.announceHighQc(round));
  }

  onVerdict(hash: Uint8Array, valid: boolean): Action[] {
    return this.run(() => this.onPayloadVerdict(hash, valid));
  }

  onValidatorSet(set: ValidatorSet, fromHeight: bigint): Action[] {
    return this.run(() => {
      const tip = this.tree.committedTip;
      this.registry.add(set, fromHeight, tip.height, tip.epoch);
      this.checkEpochChange();
    });
  }

  /**
   * Whether the current round is being timed out: a timeout of it was counted, ours or another
   * validator's. A host may hold the round timer of a validator with nothing to carry until it
   * is (node/chain/host-timers.ts): then some validator wants the round over, and a timeout
   * certificate needs the others to join.
   */
  roundUnderway(): boolean {
    return this.timeouts.stakeAt(this.currentEpoch, this.pacemaker.round) > 0n;
  }

  /**
   * Who the current round needs up to end in a QC: its leader, who proposes, and the next
   * round's, who collects the votes. A host may time the round out early when it knows one of
   * them is down (node/chain/consensus-host.ts); the engine does when one of them has gone
   * silent, judging only by the messages it verified (silent-validators.ts).
   */
  roundLeaders(): { proposer: ValidatorId; collector: ValidatorId } {
    const info = this.epoch;
    const round = this.pacemaker.round;
    const proposer = this.registry.leaderAfter(info, this.highQcBlock(), round);
    // The round's block carries the highest QC when that is of the round before: the
    // collector is drawn from its signers then, by the hash schedule otherwise (validators.ts).
    return { proposer, collector: this.registry.nextLeader(info, this.safety.state.highQc, round) };
  }

  /** The block the highest QC certifies, when it is in the tree with its contents. */
  private highQcBlock(): Block | null {
    return this.tree.get(toHex(this.safety.state.highQc.blockHash))?.block ?? null;
  }

  status(): EngineStatus {
    const s = this.safety.state;
    return {
      round: this.pacemaker.round,
      epoch: this.currentEpoch,
      committedHeight: s.committed.height,
      committedRound: s.committed.round,
      highQcRound: s.highQc.round,
      highTcRound: this.highTc?.round ?? 0n,
      lastVotedRound: s.lastVotedRound,
    };
  }

  // --- On proposal ------------------------------------------------------------------------

  private onProposal(from: ValidatorId, p: Proposal): void {
    const b = p.block;
    const info = this.verifier.epoch(b.epoch);
    // A block of the round after its parent's has its leader drawn from the parent
    // (validators.ts): with the parent not in the tree yet, the intake checks it on insertion.
    const parent = this.tree.get(toHex(b.parent));
    const leads =
      parent !== undefined
        ? proposedByLeader(b, parent, this.registry)
        : b.qc.round + 1n === b.round || toHex(b.proposer) === this.registry.leader(info, b.round);
    if (!leads) {
      throw new ConsensusError(ConsensusErrorCode.notLeader, `not the leader of round ${b.round}`);
    }
    const justified =
      b.qc.round + 1n === b.round || (p.tc !== null && p.tc.epoch === b.epoch && p.tc.round + 1n === b.round);
    if (b.qc.round >= b.round || !justified) {
      throw new ConsensusError(ConsensusErrorCode.invalidBlock, `round ${b.round} follows neither its QC nor its TC`);
    }
    // A proposal of the previous round may still bring the block the next one builds on.
    if (b.round + 1n < this.round)
      throw new ConsensusError(ConsensusErrorCode.staleRound, `proposal of round ${b.round}`);
    const hash = blockHash(this.cfg.chainId, b, this.cfg.payloadDigest);
    const hex = toHex(hash);
    if (this.seenProposals.has(hex)) {
      // The same proposal again (a retransmission, or after our restart): same vote again.
      const previous = this.safety.previousVoteFor(b.round, hash);
      if (previous !== null && b.round === this.round) {
        this.deliverVote(previous);
        return;
      }
      throw new ConsensusError(ConsensusErrorCode.duplicate, "proposal already seen");
    }
    this.verifier.checkProposalSignature(p, hash);
    this.hear(toHex(b.proposer), b.round);
    this.verifier.checkQc(b.qc);
    if (p.tc !== null) this.verifier.checkTc(p.tc);
    addBounded(this.seenProposals, hex, MAX_REMEMBERED);
    this.onQc(b.qc, from);
    if (p.tc !== null) this.onTc(p.tc);
    this.advanceRound();
    this.intake.accept({ block: b, hash, from, proposal: p });
  }

  /** A block went into the tree (now or after a fetch); a proposal may get a vote. */
  private onInserted(pb: PendingBlock, node: BlockNode): void {
    if (pb.proposal !== null) this.considerVote(pb.proposal, node);
  }

  private considerVote(p: Proposal, node: BlockNode): void {
    const b = p.block;
    if (b.round !== this.round) {
      throw new ConsensusError(ConsensusErrorCode.staleRound, `proposal of round ${b.round} in round ${this.round}`);
    }
    const info = this.epoch;
    if (b.epoch !== info.epoch) throw new ConsensusError(ConsensusErrorCode.wrongEpoch, `block of epoch ${b.epoch}`);
    if (!info.byId.has(this.cfg.self)) return;
    const previous = this.safety.previousVoteFor(b.round, node.hash);
    if (previous !== null) {
      this.deliverVote(previous);
      return;
    }
    const candidate = this.voteCandidate(b, node.hash);
    const refusal = this.safety.voteRefusal(candidate, p.tc);
    if (refusal !== null) throw new ConsensusError(ConsensusErrorCode.voteRefused, refusal);
    // Suffix blocks (see block-tree.ts) are empty by rule: nothing for the host to judge.
    if (node.suffix) {
      this.vote(candidate, p.tc);
      return;
    }
    this.verdicts.expect(node.hex, { proposal: p, hash: node.hash });
    this.out.push({
      kind: "validate-payload",
      blockHash: node.hash,
      parentHash: b.parent,
      height: b.height,
      round: b.round,
      proposer: toHex(b.proposer),
      payload: b.payload,
    });
  }

  private onPayloadVerdict(hash: Uint8Array, valid: boolean): void {
    const waiting = this.verdicts.settle(toHex(hash), valid);
    const b = waiting.proposal.block;
    if (b.round !== this.round || b.epoch !== this.currentEpoch) {
      throw new ConsensusError(ConsensusErrorCode.staleRound, `verdict for round ${b.round} in round ${this.round}`);
    }
    this.vote(this.voteCandidate(b, waiting.hash), waiting.proposal.tc);
  }

  private vote(candidate: VoteCandidate, tc: TimeoutCert | null): void {
    const vote = this.safety.signVote(candidate, tc);
    this.persist();
    this.deliverVote(vote);
  }

  /** To the leader of the next round; to ourselves without a network hop. */
  private deliverVote(vote: Vote): void {
    const info = this.registry.byEpoch(vote.epoch);
    if (info === undefined) return;
    const to = this.registry.leaderAfter(info, this.tree.get(toHex(vote.blockHash))?.block, vote.round + 1n);
    if (to === this.cfg.self) this.attempt(() => this.onVote(vote, to, true));
    else this.out.send(to, { kind: "vote", ...vote });
  }

  // --- On vote ----------------------------------------------------------------------------

  private onVote(vote: Vote, from: ValidatorId, own: boolean): void {
    const info = this.verifier.epoch(vote.epoch);
    if (vote.epoch !== this.currentEpoch)
      throw new ConsensusError(ConsensusErrorCode.wrongEpoch, `vote of epoch ${vote.epoch}`);
    if (vote.round <= this.safety.state.highQc.round) {
      throw new ConsensusError(ConsensusErrorCode.staleRound, `vote of round ${vote.round}`);
    }
    if (vote.round > this.round + ROUND_WINDOW) {
      throw new ConsensusError(ConsensusErrorCode.futureRound, `vote of round ${vote.round}`);
    }
    if (this.votes.seen(vote)) throw new ConsensusError(ConsensusErrorCode.duplicate, "vote already counted");
    if (!own) this.verifier.checkVote(vote);
    this.hear(toHex(vote.voter), vote.round);
    const result = this.votes.add(vote, info);
    if (result.kind !== "certificate") return;
    this.stats.qcsFormed++;
    this.verifier.remember({ kind: "qc", qc: result.certificate });
    // This QC commits its block's parent (2-chain) everywhere, but the others would learn it
    // only from this leader's proposal, which waits for the block to be selected and executed
    // (100-150 ms at 1,500 transactions on the loaded devnet) and then takes longest to send.
    // Announced now, ahead of the commit this node makes on it, it is one small message a
    // round; the proposal's copy of it is then verified from the cache (certificates.ts).
    this.announcedQc = result.certificate;
    this.formedQc = result.certificate;
    this.out.broadcast({ kind: "certificate", qc: result.certificate });
    this.onQc(result.certificate, from);
    this.advanceRound();
  }

  // --- On timeout -------------------------------------------------------------------------

  private onTimeout(t: Timeout, from: ValidatorId): void {
    const info = this.verifier.epoch(t.epoch);
    if (t.highQc.round >= t.round) {
      throw new ConsensusError(ConsensusErrorCode.badCertificate, "a timeout's QC must be from an earlier round");
    }
    if (t.round < this.round) {
      this.hearLateTimeout(t);
      throw new ConsensusError(ConsensusErrorCode.staleRound, `timeout of round ${t.round}`);
    }
    if (t.round > this.round + ROUND_WINDOW) {
      throw new ConsensusError(ConsensusErrorCode.futureRound, `timeout of round ${t.round}`);
    }
    if (this.timeouts.seen(t)) throw new ConsensusError(ConsensusErrorCode.duplicate, "timeout already counted");
    this.verifier.checkTimeout(t);
    this.hear(toHex(t.author), t.round);
    this.verifier.checkQc(t.highQc);
    if (t.lastTc !== null) this.verifier.checkTc(t.lastTc);
    this.onQc(t.highQc, from);
    // A validator that missed how the others got to this round catches up with them.
    if (t.lastTc !== null) this.onTc(t.lastTc);
    this.advanceRound();
    if (t.epoch !== this.currentEpoch)
      throw new ConsensusError(ConsensusErrorCode.wrongEpoch, `timeout of epoch ${t.epoch}`);
    if (t.round < this.round) return;
    this.countTimeout(t, info);
  }

  /**
   * A timeout that reached us after the TC of its round: the last of a committee's timeouts
   * always does. Its author is up, and may be the failed round's leader or collector, whom the
   * engine would otherwise take for silent. Checked only when it would clear that, so a replay
   * costs one signature check at most.
   */
  private hearLateTimeout(t: Timeout): void {
    const author = toHex(t.author);
    if (!this.silence.clearedBy(author, t.round)) return;
    this.verifier.checkTimeout(t);
    this.hear(author, t.round);
  }

  private countTimeout(t: Timeout, info: EpochInfo): void {
    const result = this.timeouts.add(t, info);
    if (result.kind === "counted" && t.round > this.round) this.maybeJoinTimeouts(t.round, info);
    if (result.kind !== "certificate") return;
    this.stats.tcsFormed++;
    this.verifier.remember({ kind: "tc", tc: result.certificate });
    this.onTc(result.certificate);
    this.advanceRound();
  }

  // --- On local timeout -------------------------------------------------------------------

  private onLocalTimeout(): void {
    this.stats.localTimeouts++;
    this.shortRound = null;
    this.plan = null;
    const info = this.epoch;
    this.intake.retrySync();
    this.out.push({
      kind: "set-timer",
      id: ROUND_TIMER,
      delayMs: this.pacemaker.timedOut(this.safety.state.highQc.round),
    });
    if (!info.byId.has(this.cfg.self)) return;
    this.broadcastTimeout(info);
  }

  /**
   * More than a third of the epoch's stake timed out in a round above ours, so at least one
   * honest validator gave that round up: give it up too, or the committee can split across
   * two rounds with no quorum in either. That happens at an epoch hand-over: validators that
   * saw the old epoch's last timeout certificate enter the new epoch a round ahead of those
   * that did not, and a certificate of the old epoch does not move rounds in the new one.
   * (The timeout "join" rule of DiemBFT v4 / Jolteon.)
   */
  private maybeJoinTimeouts(round: bigint, info: EpochInfo): void {
    if (!info.byId.has(this.cfg.self) || this.timeouts.stakeAt(info.epoch, round) * 3n <= info.totalStake) return;
    this.plan = null;
    this.enterRound(round);
    this.broadcastTimeout(info);
  }

  private broadcastTimeout(info: EpochInfo): void {
    const timeout = this.safety.signTimeout(info.epoch, this.round);
    const tc = this.highTc;
    const lastTc = tc !== null && tc.round + 1n === this.round ? tc : null;
    this.persist();
    this.out.broadcast({ kind: "timeout", ...timeout, lastTc });
    this.countTimeout(timeout, info);
  }

  // --- On QC, on TC -----------------------------------------------------------------------

  /** A verified QC: maybe the new highest, maybe a commit, maybe a block to fetch. */
  private onQc(qc: QuorumCert, from: ValidatorId | null): void {
    this.safety.observeQc(qc, this.currentEpoch);
    if (this.silence.heardSigners("qc", qc.signers, qc.round)) this.restoreRoundTimer();
    const hex = toHex(qc.blockHash);
    const node = this.tree.get(hex);
    if (node !== undefined) {
      if (node.block !== null) this.hear(toHex(node.block.proposer), node.round);
      const committed = this.tree.certify(qc);
      const tip = committed[committed.length - 1];
      this.applyCommits(committed, tip === undefined ? undefined : commitProof(this.tree, tip, node, qc));
      return;
    }
    if (qc.height <= this.tree.committedTip.height || qc.epoch < this.currentEpoch) return;
    this.intake.awaitBlock(qc, from);
  }

  /** A QC announced by a validator that entered a new epoch with it, or by a leader with nothing to propose. */
  private onCertificate(from: ValidatorId, qc: QuorumCert): void {
    this.verifier.checkQc(qc);
    this.onQc(qc, from);
    this.advanceRound();
  }

  /** A verified TC: of this epoch, it moves the round on; of another, only its QC counts. */
  private onTc(tc: TimeoutCert): void {
    const current = tc.epoch === this.currentEpoch;
    if (this.silence.heardSigners("tc", tc.signers, tc.round)) this.restoreRoundTimer();
    if (current && (this.highTc === null || tc.round > this.highTc.round)) {
      this.highTc = tc;
      this.safety.recordTc(tc);
    }
    this.onQc(tc.highQc, null);
  }

  /** Round = 1 + the highest round certified by a QC or a TC. */
  private advanceRound(): void {
    const next = this.pacemaker.nextRound(this.safety.state.highQc.round, this.highTc?.round ?? 0n);
    if (next !== null) this.enterRound(next);
  }

  /** Whether the current round's leader or vote collector has gone silent. */
  private needsSilent(): boolean {
    const { proposer, collector } = this.roundLeaders();
    return this.silence.silent(proposer) || this.silence.silent(collector);
  }

  /** Something `validator` signed or proposed in `round` was verified. */
  private hear(validator: ValidatorId, round: bigint): void {
    this.silence.heard(validator, round);
    this.restoreRoundTimer();
  }

  /**
   * If the silence the current round's short timer was for has ended (typically by the last
   * timeout of the round before, arriving just after its TC), the round gets its full timeout
   * back, from now.
   */
  private restoreRoundTimer(): void {
    if (this.shortRound !== this.round || this.needsSilent()) return;
    this.shortRound = null;
    this.out.push({
      kind: "set-timer",
      id: ROUND_TIMER,
      delayMs: this.pacemaker.currentTimeoutMs(this.safety.state.highQc.round),
    });
  }

  private enterRound(round: bigint): void {
    const left = this.pacemaker.round;
    if (left > 0n && left < round && this.safety.state.highQc.round < left && this.cast?.round === left) {
      this.silence.roundFailed(left, this.cast.proposer, this.cast.collector);
    }
    let delayMs = this.pacemaker.enter(round, this.safety.state.highQc.round);
    this.cast = { round, ...this.roundLeaders() };
    // A round whose leader, or whose vote collector, has gone silent ends with a timeout
    // whatever we wait: wait a short one (silent-validators.ts). Once per round: a local
    // timeout of it re-arms the timer at the pacemaker's backed-off pace (onLocalTimeout).
    this.shortRound = null;
    const short = shortRoundTimeoutMs(this.cfg.baseTimeoutMs);
    if (short < delayMs && this.needsSilent()) {
      delayMs = short;
      this.shortRound = round;
      this.stats.shortRounds++;
    }
    if (this.plan !== null && this.plan.round < round) this.plan = null;
    this.verdicts.dropBefore(round);
    this.votes.prune(this.safety.state.highQc.round + 1n);
    this.timeouts.prune(round);
    this.out.push({ kind: "set-timer", id: ROUND_TIMER, delayMs });
  }

  private applyCommits(nodes: BlockNode[], proof?: CommitProof): void {
    if (nodes.length === 0) return;
    const last = nodes[nodes.length - 1];
    for (const n of nodes) this.out.push({ kind: "commit", block: committedBlock(n, n === last ? proof : undefined) });
    this.stats.blocksCommitted += nodes.length;
    const tip = nodes[nodes.length - 1] as BlockNode;
    this.safety.recordCommit({ epoch: tip.epoch, round: tip.round, height: tip.height, hash: tip.hash });
    // After the commits: a host that crashes in between applies them again and skips them.
    this.persist();
    this.intake.committedUpTo(tip.height);
    // The QC that committed the last block of an epoch may be known to this validator alone
    // (the leader that formed it may not lead, or even belong to, the next epoch): announce it,
    // or nobody else could start the new epoch.
    if (this.checkEpochChange()) this.out.broadcast({ kind: "certificate", qc: this.safety.state.highQc });
  }

  private checkEpochChange(): boolean {
    const epoch = this.epoch.epoch;
    if (epoch === this.currentEpoch) return false;
    this.currentEpoch = epoch;
    this.highTc = null;
    this.silence.retain(this.epoch.byId);
    this.plan = null;
    this.verdicts.clear();
    return true;
  }

  // --- Propose ----------------------------------------------------------------------------

  /** Runs after every input: the leader of the current round asks the host for a payload. */
  private maybePropose(): void {
    const step = nextProposal({
      self: this.cfg.self,
      info: this.epoch,
      round: this.round,
      safety: this.safety.state,
      highTc: this.highTc,
      plannedRound: this.plan?.round ?? null,
      tree: this.tree,
      registry: this.registry,
      formedQc: this.formedQc,
    });
    if (step.kind === "fetch") this.intake.requestSync(step.blockHash, null);
    else if (step.kind === "suffix") this.propose(step.plan, new Uint8Array(0));
    else if (step.kind === "request") {
      const { round, parent, height } = step.plan;
      this.plan = step.plan;
      this.out.push({ kind: "request-payload", round, parentHash: parent.hash, height });
    }
  }

  /**
   * The leader of `round` has nothing to propose yet. Its highest QC commits the parent of the
   * block it certifies (2-chain); the others learn it only from this leader's proposal, which
   * may be long in coming, so it announces the QC now, once. A QC it formed itself went out
   * when it formed (onVote); this covers one that reached it another way (a TC's, a timeout's).
   */
  private announceHighQc(round: bigint): void {
    const qc = this.pendingPlan(round).qc;
    const last = this.announcedQc;
    if (qc.round === 0n || (last !== null && last.epoch === qc.epoch && last.round >= qc.round)) return;
    this.announcedQc = qc;
    this.out.broadcast({ kind: "certificate", qc });
  }

  /** The proposal this leader waits to make in `round` (the current one); stalePayload if none. */
  private pendingPlan(round: bigint): ProposalPlan {
    const plan = this.plan;
    if (plan === null || plan.round !== round || round !== this.round || plan.epoch !== this.currentEpoch) {
      throw new ConsensusError(ConsensusErrorCode.stalePayload, `no proposal pending for round ${round}`);
    }
    return plan;
  }

  private proposeWithPayload(round: bigint, payload: Uint8Array): void {
    const plan = this.pendingPlan(round);
    if (!(payload instanceof Uint8Array) || payload.length > MAX_PAYLOAD_BYTES) {
      throw new ConsensusError(ConsensusErrorCode.invalidPayload, `payload over ${MAX_PAYLOAD_BYTES} bytes`);
    }
    // Empty payloads mark suffix blocks, which are never committed (block-tree.ts).
    if (payload.length === 0) throw new ConsensusError(ConsensusErrorCode.invalidPayload, "a payload is never empty");
    this.plan = null;
    this.propose(plan, payload);
  }

  private propose(plan: ProposalPlan, payload: Uint8Array): void {
    const block = proposalBlock(plan, this.cfg.selfKey, payload);
    const hash = blockHash(this.cfg.chainId, block, this.cfg.payloadDigest);
    const signature = this.safety.signProposal(plan.epoch, plan.round, hash);
    addBounded(this.seenProposals, toHex(hash), MAX_REMEMBERED);
    this.intake.insert(block, hash);
    // The leader's own payload needs no verdict.
    const vote = this.safety.signVote(this.voteCandidate(block, hash), plan.tc);
    this.persist();
    this.out.broadcast({ kind: "proposal", block, tc: plan.tc, signature });
    this.deliverVote(vote);
  }

  // --- Plumbing ---------------------------------------------------------------------------

  private get round(): bigint {
    return this.pacemaker.round;
  }

  /** The epoch of the next height to commit. */
  private get epoch(): EpochInfo {
    return this.registry.atHeight(this.tree.committedTip.height + 1n);
  }

  private voteCandidate(b: Block, hash: Uint8Array): VoteCandidate {
    return {
      epoch: b.epoch,
      round: b.round,
      height: b.height,
      blockHash: hash,
      qcEpoch: b.qc.epoch,
      qcRound: b.qc.round,
    };
  }

  private persist(): void {
    const state = this.safety.takePersist();
    if (state === null) return;
    this.stats.persists++;
    this.out.push({ kind: "persist", state });
  }

  /** Runs one step; a refusal (bad input, safety rule) is counted, the actions so far stay. */
  private attempt(step: () => void): void {
    try {
      step();
    } catch (e) {
      if (isConsensusError(e)) this.out.drop(e.code);
      else if (isEncodingError(e)) this.out.drop(ConsensusErrorCode.malformed);
      else throw e;
    }
  }

  private run(step: () => void): Action[] {
    this.out.take();
    this.attempt(step);
    // The leader of the round proposes once it can, whatever input made that possible. An
    // empty suffix block is proposed at once and may end the round, hence the loop.
    for (let i = 0; i < 4; i++) {
      const round = this.round;
      this.attempt(() => this.maybePropose());
      if (this.round === round) break;
    }
    if (!this.syncTimerSet && this.intake.openSyncRequests > 0) {
      this.syncTimerSet = true;
      this.out.push({ kind: "set-timer", id: SYNC_TIMER, delayMs: this.cfg.baseTimeoutMs });
    }
    this.stats.signaturesVerified = this.verifier.counters.signaturesVerified;
    this.stats.verifyCalls = this.verifier.counters.verifyCalls;
    this.stats.signaturesCreated = this.safety.signaturesCreated;
    return this.out.take();
  }
}
