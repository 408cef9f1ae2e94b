// Who votes and who leads. A quorum is strictly more than 2/3 of the epoch's total stake. The
// leader of a round is drawn by stake from a hash of (epoch, round), so every validator
// computes the same schedule without any shared randomness, and a validator with twice the
// stake leads about twice as often.
//
// A round that follows a certified round (the happy path) draws its leader instead, by stake,
// from the validators that signed the QC inside the block it extends, when that QC is itself of
// the round before the block's (nextLeader; after Carousel, Cohen et al. 2022). Those
// validators were shown up a round earlier, so a crashed or cut-off validator stops being drawn
// as a leader or as a vote collector (the next round's leader) as soon as QCs stop carrying its
// signature, with no failed round to find out. Everyone who votes on the block computes the
// same draw. A QC holds more than 2/3 of the stake, so honest validators hold at least half of
// what is drawn from: a collector that leaves honest votes out of its QCs can raise the faulty
// third's share of leadership to a half at most, and after a failed round the hash schedule
// applies again. (Carousel also leaves out the last proposers; on the devnet that cost a sixth
// of the blocks, since the collector that just formed a QC is the quickest next leader.)
import { encode, struct, taggedHash, toHex, u64 } from "../crypto/index.ts";
import { ConsensusError, ConsensusErrorCode } from "./errors.ts";
import type { Validator, ValidatorId, ValidatorSet } from "./interface.ts";
import { type Block, MAX_VALIDATORS, type QuorumCert } from "./messages.ts";

/** A validator set with what every check needs precomputed. */
export interface EpochInfo {
  epoch: bigint;
  /** The first block height of this epoch. */
  fromHeight: bigint;
  set: ValidatorSet;
  totalStake: bigint;
  byId: ReadonlyMap<ValidatorId, Validator>;
  /** Sorted ids, for deterministic iteration (sync peers). */
  ids: readonly ValidatorId[];
}

export function hasQuorum(stake: bigint, totalStake: bigint): boolean {
  return stake * 3n > totalStake * 2n;
}

/** Throws ConsensusError unless ids are the lower-case hex of the keys, sorted, unique, staked. */
export function checkValidatorSet(set: ValidatorSet): void {
  const fail = (why: string) => {
    throw new ConsensusError(ConsensusErrorCode.invalidValidatorSet, `validator set of epoch ${set.epoch}: ${why}`);
  };
  if (typeof set.epoch !== "bigint" || set.epoch < 0n) fail("epoch must be a non-negative bigint");
  if (!Array.isArray(set.validators) || set.validators.length === 0) fail("no validators");
  if (set.validators.length > MAX_VALIDATORS) fail(`more than ${MAX_VALIDATORS} validators`);
  let previous = "";
  for (const v of set.validators) {
    if (!(v.publicKey instanceof Uint8Array) || v.publicKey.length !== 32) fail(`${v.id}: public key is not 32 bytes`);
    if (v.id !== toHex(v.publicKey)) fail(`${v.id}: id is not the lower-case hex of its public key`);
    if (typeof v.stake !== "bigint" || v.stake <= 0n) fail(`${v.id}: stake must be a positive bigint`);
    if (v.id <= previous) fail(`${v.id}: ids must be sorted and unique`);
    previous = v.id;
  }
}

export function epochInfo(set: ValidatorSet, fromHeight: bigint): EpochInfo {
  checkValidatorSet(set);
  const byId = new Map<ValidatorId, Validator>();
  let totalStake = 0n;
  for (const v of set.validators) {
    byId.set(v.id, v);
    totalStake += v.stake;
  }
  return { epoch: set.epoch, fromHeight, set, totalStake, byId, ids: set.validators.map((v) => v.id) };
}

const leaderSeedCodec = struct("LeaderSeed", { epoch: u64, round: u64 });

/** The leader of `round`: hash (epoch, round) to a point in [0, totalStake), walk the sorted set. */
export function leaderOf(info: EpochInfo, round: bigint): ValidatorId {
  return drawByStake(info, round, info.set.validators, info.totalStake);
}

/**
 * The leader of `round` in a block extending `parent` (null when the parent's contents are not
 * known, as for genesis): see nextLeader; leaderOf unless the parent is of the round before.
 */
export function leaderAfter(
  info: EpochInfo,
  parent: Block | null,
  round: bigint,
  bySchedule: HashSchedule = leaderOf,
): ValidatorId {
  if (parent === null || parent.round + 1n !== round || parent.epoch !== info.epoch) return bySchedule(info, round);
  return nextLeader(info, parent.qc, parent.round, bySchedule);
}

/** The hash schedule (leaderOf, or a cache of it). */
export type HashSchedule = (info: EpochInfo, round: bigint) => ValidatorId;

/**
 * The leader of the round after `blockRound`, whose block carries `qc`:
 * drawn from the signers of `qc` when `qc` is of the round before in the same epoch (see the
 * file's comment); otherwise leaderOf. A block that
 * followed a TC carries an older QC, whose signers may since have gone down: the hash schedule
 * applies after it. Everything it needs is known as the block's round starts (the QC that
 * started it), so the vote collector is known before the proposal arrives.
 */
export function nextLeader(
  info: EpochInfo,
  qc: QuorumCert,
  blockRound: bigint,
  bySchedule: HashSchedule = leaderOf,
): ValidatorId {
  const round = blockRound + 1n;
  if (qc.epoch !== info.epoch || qc.round + 1n !== blockRound) return bySchedule(info, round);
  const eligible: Validator[] = [];
  let stake = 0n;
  // The signers are in ascending key order, as the set is: the draw walks them in that order.
  for (const key of qc.signers) {
    const v = info.byId.get(toHex(key));
    if (v === undefined) continue;
    eligible.push(v);
    stake += v.stake;
  }
  if (eligible.length === 0) return bySchedule(info, round);
  return drawByStake(info, round, eligible, stake);
}

function drawByStake(info: EpochInfo, round: bigint, among: readonly Validator[], totalStake: bigint): ValidatorId {
  const seed = taggedHash("UBN/consensus/leader/v1", encode(leaderSeedCodec, { epoch: info.epoch, round }));
  // 256 bits reduced modulo a stake below 2^128: the bias is under 2^-128.
  let point = BigInt(`0x${toHex(seed)}`) % totalStake;
  for (const v of among) {
    if (point < v.stake) return v.id;
    point -= v.stake;
  }
  throw new Error("unreachable: the point is below the total stake");
}

/**
 * The validator sets by epoch. Epoch k+1 takes over from its fromHeight; the engine enters it
 * once the last block of epoch k is committed (see block-tree.ts for the hand-over).
 */
export class EpochRegistry {
  private readonly epochs: EpochInfo[] = [];
  private readonly leaderCache = new Map<string, ValidatorId>();

  constructor(first: ValidatorSet) {
    this.epochs.push(epochInfo(first, 1n));
  }

  get latest(): EpochInfo {
    return this.epochs[this.epochs.length - 1] as EpochInfo;
  }

  get first(): EpochInfo {
    return this.epochs[0] as EpochInfo;
  }

  /**
   * Registers the next epoch. `knownFromHeight` is the first height the caller can still
   * re-assign (its committed height + 1): a set for heights already committed is refused,
   * except when re-learning an epoch the engine had already entered before a restart.
   */
  add(set: ValidatorSet, fromHeight: bigint, committedHeight: bigint, committedEpoch: bigint): void {
    const last = this.latest;
    if (set.epoch !== last.epoch + 1n) {
      throw new ConsensusError(
        ConsensusErrorCode.invalidValidatorSet,
        `expected the set of epoch ${last.epoch + 1n}, got epoch ${set.epoch}`,
      );
    }
    if (typeof fromHeight !== "bigint" || fromHeight <= last.fromHeight) {
      throw new ConsensusError(
        ConsensusErrorCode.invalidValidatorSet,
        `epoch ${set.epoch} must start above height ${last.fromHeight}`,
      );
    }
    if (fromHeight <= committedHeight && set.epoch > committedEpoch) {
      throw new ConsensusError(
        ConsensusErrorCode.invalidValidatorSet,
        `epoch ${set.epoch} would start at height ${fromHeight}, already committed in epoch ${committedEpoch}`,
      );
    }
    this.epochs.push(epochInfo(set, fromHeight));
  }

  byEpoch(epoch: bigint): EpochInfo | undefined {
    const index = epoch - this.first.epoch;
    if (index < 0n || index >= BigInt(this.epochs.length)) return undefined;
    return this.epochs[Number(index)];
  }

  /** The epoch that height `height` belongs to. */
  atHeight(height: bigint): EpochInfo {
    for (let i = this.epochs.length - 1; i > 0; i--) {
      const info = this.epochs[i] as EpochInfo;
      if (height >= info.fromHeight) return info;
    }
    return this.first;
  }

  /** leaderAfter with the schedule's cache, for a parent that may not be known (undefined). */
  leaderAfter(info: EpochInfo, parent: Block | null | undefined, round: bigint): ValidatorId {
    return leaderAfter(info, parent ?? null, round, this.schedule);
  }

  /** nextLeader with the schedule's cache. */
  nextLeader(info: EpochInfo, qc: QuorumCert, blockRound: bigint): ValidatorId {
    return nextLeader(info, qc, blockRound, this.schedule);
  }

  private readonly schedule: HashSchedule = (info, round) => this.leader(info, round);

  leader(info: EpochInfo, round: bigint): ValidatorId {
    const key = `${info.epoch}:${round}`;
    let id = this.leaderCache.get(key);
    if (id === undefined) {
      id = leaderOf(info, round);
      if (this.leaderCache.size >= 256) this.leaderCache.clear();
      this.leaderCache.set(key, id);
    }
    return id;
  }
}
