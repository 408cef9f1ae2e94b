// Who votes and who leads. A quorum is strictly more than 2/3 of the epoch's total stake. The
// leader of a round is drawn by stake from a hash of (epoch, round), so every validator
// computes the same schedule without any shared randomness, and a validator with twice the
// stake leads about twice as often.
import { encode, struct, taggedHash, toHex, u64 } from "../crypto/index.ts";
import { ConsensusError, ConsensusErrorCode } from "./errors.ts";
import type { Validator, ValidatorId, ValidatorSet } from "./interface.ts";
import { MAX_VALIDATORS } from "./messages.ts";

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
  const seed = taggedHash("UBN/consensus/leader/v1", encode(leaderSeedCodec, { epoch: info.epoch, round }));
  // 256 bits reduced modulo a stake below 2^128: the bias is under 2^-128.
  let point = BigInt(`0x${toHex(seed)}`) % info.totalStake;
  for (const v of info.set.validators) {
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
