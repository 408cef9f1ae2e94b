// Who runs the beacon chain's own consensus, and from which height.
//
// The beacon's validator set is its registry: the keys with at least the minimum stake, each
// vote weighted by its stake (every key, if none has the minimum, as for committees). The
// registry only changes at the end of a beacon epoch; the engine's validator set follows it
// by the same kind of rule a shard hands over by (shard/epoch-handover.ts), on committed data
// only, so every node reaches the same consensus epochs at the same heights:
//   when the beacon commits a block at height h, at or above the current consensus epoch's
//   first height, whose state seats a different set (members or stakes), consensus epoch
//   E + 1 starts at height h + BEACON_HANDOVER_HEIGHTS with that set.
// Consensus epochs count changes of the set; they are not the beacon's epochs (which count
// blocks, epochLength each). Comparing at every height, not only at epoch ends, means a change
// that arrives while the previous hand-over is still under way is taken once it is done.
import type { Validator, ValidatorSet } from "../interface.ts";
import type { BeaconState } from "./beacon-state.ts";

export const BEACON_HANDOVER_HEIGHTS = 4n;

export interface BeaconConsensusEpoch {
  set: ValidatorSet;
  /** The first beacon height the set runs. */
  fromHeight: bigint;
}

/** The beacon consensus set a state's registry seats, numbered `epoch`. */
export function beaconValidatorSet(state: BeaconState, minStake: bigint, epoch: bigint): ValidatorSet {
  const eligible = state.registry.filter((v) => v.stake >= minStake);
  const validators = (eligible.length > 0 ? eligible : state.registry).map(
    (v): Validator => ({ id: v.id, publicKey: v.publicKey, stake: v.stake }),
  );
  return { epoch, validators };
}

/** The consensus epoch to register after committing beacon block `height` with state `state`, if any. */
export function nextBeaconConsensusEpoch(
  current: BeaconConsensusEpoch,
  height: bigint,
  state: BeaconState,
  minStake: bigint,
): BeaconConsensusEpoch | null {
  if (height < current.fromHeight) return null;
  const seated = beaconValidatorSet(state, minStake, current.set.epoch + 1n);
  if (sameMembers(seated.validators, current.set.validators)) return null;
  return { set: seated, fromHeight: height + BEACON_HANDOVER_HEIGHTS };
}

function sameMembers(a: readonly Validator[], b: readonly Validator[]): boolean {
  if (a.length !== b.length) return false;
  const byId = new Map(b.map((v) => [v.id, v.stake]));
  return a.every((v) => byId.get(v.id) === v.stake);
}
