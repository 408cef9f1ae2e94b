// Collects verified votes into quorum certificates and verified timeouts into timeout
// certificates. A validator's stake counts once per block it voted for in a round (a duplicate
// adds nothing) and for at most two blocks per round: an equivocating validator counts for
// both, exactly as two separate aggregators would count it, which is what BFT quorums assume
// of faulty validators, while a flood of votes for made-up blocks is cut off. Timeouts count
// once per validator and round. Each certificate is handed out once. Only a window of rounds
// is kept.
import { compareBytes, toHex } from "../crypto/index.ts";
import type { QuorumCert, Timeout, TimeoutCert, Vote } from "./messages.ts";
import { type EpochInfo, hasQuorum } from "./validators.ts";

/** Blocks a validator may count for in one round. */
const MAX_BLOCKS_PER_VOTER = 2;

interface VoteRound {
  /** Voter -> the blocks it voted for in this round. */
  voted: Map<string, Set<string>>;
  byBlock: Map<string, { stake: bigint; votes: Vote[] }>;
  done: boolean;
}

interface TimeoutRound {
  timeouts: Map<string, Timeout>;
  stake: bigint;
  done: boolean;
}

export type AddResult<C> = { kind: "certificate"; certificate: C } | { kind: "counted" } | { kind: "ignored" };

const key = (epoch: bigint, round: bigint) => `${epoch}:${round}`;

export class VoteAggregator {
  private readonly rounds = new Map<string, VoteRound & { round: bigint }>();

  /** `vote` must be verified and its voter a member of `info`. */
  add(vote: Vote, info: EpochInfo): AddResult<QuorumCert> {
    const k = key(vote.epoch, vote.round);
    let r = this.rounds.get(k);
    if (r === undefined) {
      r = { round: vote.round, voted: new Map(), byBlock: new Map(), done: false };
      this.rounds.set(k, r);
    }
    if (r.done || counted(r, vote)) return { kind: "ignored" };
    const voter = toHex(vote.voter);
    const validator = info.byId.get(voter);
    if (validator === undefined) return { kind: "ignored" };
    const blockKey = toHex(vote.blockHash);
    const blocks = r.voted.get(voter);
    if (blocks === undefined) r.voted.set(voter, new Set([blockKey]));
    else blocks.add(blockKey);
    let forBlock = r.byBlock.get(blockKey);
    if (forBlock === undefined) {
      forBlock = { stake: 0n, votes: [] };
      r.byBlock.set(blockKey, forBlock);
    }
    forBlock.stake += validator.stake;
    forBlock.votes.push(vote);
    if (!hasQuorum(forBlock.stake, info.totalStake)) return { kind: "counted" };
    r.done = true;
    r.byBlock.clear();
    const votes = [...forBlock.votes].sort((a, b) => compareBytes(a.voter, b.voter));
    return {
      kind: "certificate",
      certificate: {
        epoch: vote.epoch,
        round: vote.round,
        height: vote.height,
        blockHash: vote.blockHash,
        signers: votes.map((v) => v.voter),
        signatures: votes.map((v) => v.signature),
      },
    };
  }

  /** Would this vote add nothing (counted already, or the round certified)? Checked before verifying. */
  seen(vote: Vote): boolean {
    const r = this.rounds.get(key(vote.epoch, vote.round));
    return r !== undefined && (r.done || counted(r, vote));
  }

  /** Forgets rounds below `round`. */
  prune(round: bigint): void {
    for (const [k, r] of this.rounds) if (r.round < round) this.rounds.delete(k);
  }

  get size(): number {
    return this.rounds.size;
  }
}

function counted(r: VoteRound, vote: Vote): boolean {
  const blocks = r.voted.get(toHex(vote.voter));
  return blocks !== undefined && (blocks.has(toHex(vote.blockHash)) || blocks.size >= MAX_BLOCKS_PER_VOTER);
}

export class TimeoutAggregator {
  private readonly rounds = new Map<string, TimeoutRound & { round: bigint }>();

  /** `t` and its high QC must be verified and its author a member of `info`. */
  add(t: Timeout, info: EpochInfo): AddResult<TimeoutCert> {
    const k = key(t.epoch, t.round);
    let r = this.rounds.get(k);
    if (r === undefined) {
      r = { round: t.round, timeouts: new Map(), stake: 0n, done: false };
      this.rounds.set(k, r);
    }
    const author = toHex(t.author);
    if (r.done || r.timeouts.has(author)) return { kind: "ignored" };
    const validator = info.byId.get(author);
    if (validator === undefined) return { kind: "ignored" };
    r.timeouts.set(author, t.lastTc === null ? t : { ...t, lastTc: null });
    r.stake += validator.stake;
    if (!hasQuorum(r.stake, info.totalStake)) return { kind: "counted" };
    r.done = true;
    const all = [...r.timeouts.values()].sort((a, b) => compareBytes(a.author, b.author));
    r.timeouts.clear();
    let highQc = (all[0] as Timeout).highQc;
    for (const x of all) {
      const q = x.highQc;
      if (q.epoch > highQc.epoch || (q.epoch === highQc.epoch && q.round > highQc.round)) highQc = q;
    }
    return {
      kind: "certificate",
      certificate: {
        epoch: t.epoch,
        round: t.round,
        highQc,
        signers: all.map((x) => x.author),
        highQcEpochs: all.map((x) => x.highQc.epoch),
        highQcRounds: all.map((x) => x.highQc.round),
        signatures: all.map((x) => x.signature),
      },
    };
  }

  /** Stake of the distinct validators whose timeout of (`epoch`, `round`) was counted so far. */
  stakeAt(epoch: bigint, round: bigint): bigint {
    return this.rounds.get(key(epoch, round))?.stake ?? 0n;
  }

  seen(t: Timeout): boolean {
    const r = this.rounds.get(key(t.epoch, t.round));
    return r !== undefined && (r.done || r.timeouts.has(toHex(t.author)));
  }

  prune(round: bigint): void {
    for (const [k, r] of this.rounds) if (r.round < round) this.rounds.delete(k);
  }

  get size(): number {
    return this.rounds.size;
  }
}
