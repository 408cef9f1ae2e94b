// When the beacon chain's own validator set changes (consensus/beacon/beacon-epochs.ts).
import { describe, expect, it } from "vitest";
import {
  BEACON_HANDOVER_HEIGHTS,
  beaconValidatorSet,
  nextBeaconConsensusEpoch,
} from "../../../consensus/beacon/beacon-epochs.ts";
import type { BeaconState } from "../../../consensus/beacon/beacon-state.ts";
import type { Validator } from "../../../consensus/interface.ts";

const v = (n: number, stake: bigint): Validator => ({
  id: n.toString(16).padStart(64, "0"),
  publicKey: new Uint8Array(32).fill(n),
  stake,
});
/** Only the registry matters to the rule. */
const stateWith = (registry: Validator[]) => ({ registry }) as unknown as BeaconState;
const MIN = 1000n;
const genesis = {
  set: { epoch: 0n, validators: [v(1, 1000n), v(2, 1000n), v(3, 1000n), v(4, 1000n)] },
  fromHeight: 1n,
};

describe("beacon consensus epochs", () => {
  it("keep the set while the registry seats the same keys with the same stakes", () => {
    expect(nextBeaconConsensusEpoch(genesis, 7n, stateWith(genesis.set.validators), MIN)).toBeNull();
    // A key below the minimum is in the registry but not seated: nothing changes.
    const withSmall = [...genesis.set.validators, v(5, 999n)];
    expect(nextBeaconConsensusEpoch(genesis, 7n, stateWith(withSmall), MIN)).toBeNull();
  });

  it("start the next epoch a fixed distance above the block whose state seats another set", () => {
    const joined = [...genesis.set.validators, v(5, 1000n)];
    const next = nextBeaconConsensusEpoch(genesis, 12n, stateWith(joined), MIN);
    expect(next?.fromHeight).toBe(12n + BEACON_HANDOVER_HEIGHTS);
    expect(next?.set.epoch).toBe(1n);
    expect(next?.set.validators.map((x) => x.id)).toEqual(joined.map((x) => x.id));
    // A stake change alone is a new set too: votes weigh stake.
    const heavier = genesis.set.validators.map((x, i) => (i === 0 ? { ...x, stake: 1500n } : x));
    expect(nextBeaconConsensusEpoch(genesis, 12n, stateWith(heavier), MIN)?.set.validators[0]?.stake).toBe(1500n);
  });

  it("take no change before the current epoch has begun; take it once it has", () => {
    const current = { set: { ...genesis.set, epoch: 3n }, fromHeight: 20n };
    const joined = [...genesis.set.validators, v(5, 1000n)];
    expect(nextBeaconConsensusEpoch(current, 19n, stateWith(joined), MIN)).toBeNull();
    expect(nextBeaconConsensusEpoch(current, 20n, stateWith(joined), MIN)?.set.epoch).toBe(4n);
  });

  it("seat every key when none has the minimum", () => {
    const small = [v(1, 10n), v(2, 20n)];
    expect(beaconValidatorSet(stateWith(small), MIN, 2n).validators.map((x) => x.stake)).toEqual([10n, 20n]);
  });
});
