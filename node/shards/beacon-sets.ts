// The beacon chain's consensus epochs as this node learns them from its commits (the rule is
// consensus/beacon/beacon-epochs.ts). Nothing is stored: at start the node re-applies its
// stored beacon blocks into the BeaconView, and the epochs are recomputed from those states.
import { type BeaconConsensusEpoch, nextBeaconConsensusEpoch } from "../../consensus/beacon/beacon-epochs.ts";
import type { BeaconState } from "../../consensus/beacon/beacon-state.ts";
import type { ValidatorSet } from "../../consensus/index.ts";
import { setInForce } from "../sync/verify-range.ts";

export class BeaconSets {
  readonly genesis: ValidatorSet;
  /** The consensus epochs after genesis, in order. */
  readonly later: BeaconConsensusEpoch[] = [];
  /** Every key that was ever in a set (whose consensus messages are relayed). */
  readonly ids: Set<string>;
  private readonly minStake: bigint;

  constructor(genesis: ValidatorSet, minStake: bigint) {
    this.genesis = genesis;
    this.minStake = minStake;
    this.ids = new Set(genesis.validators.map((v) => v.id));
  }

  /** A committed beacon block, in height order: the consensus epoch it fixes, if any. */
  committed(height: bigint, state: BeaconState): BeaconConsensusEpoch | null {
    const current = this.later.at(-1) ?? { set: this.genesis, fromHeight: 1n };
    const next = nextBeaconConsensusEpoch(current, height, state, this.minStake);
    if (next === null) return null;
    this.later.push(next);
    for (const v of next.set.validators) this.ids.add(v.id);
    return next;
  }

  /** The set that runs beacon height `height`. */
  at(height: bigint): ValidatorSet {
    return setInForce(this.genesis, this.later, height);
  }
}
