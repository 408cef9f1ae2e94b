// Who runs which shard in an epoch. The sorted validator ids are shuffled with the epoch's
// seed (randomness.ts) and dealt to the shards:
//   - with at least minSize validators per shard, into S disjoint contiguous slices whose sizes
//     differ by at most one (the first n mod S committees take one more), so no validator does
//     double work and an adversary cannot choose its shard;
//   - with fewer, committee k takes m = min(n, minSize) validators cyclically from position
//     k * m of the shuffled list, so every committee still has minSize members (BFT needs
//     4 to tolerate one fault), every validator serves at least one shard, and the load is
//     spread as evenly as the numbers allow.
// Committees come back sorted, as consensus validator sets are.
import { ConsensusError, ConsensusErrorCode } from "../errors.ts";
import type { Validator, ValidatorId, ValidatorSet } from "../interface.ts";
import { checkValidatorSet } from "../validators.ts";
import { shuffle } from "./shuffle.ts";

export const DEFAULT_MIN_COMMITTEE = 4;
/** Shard numbers are u16 and 0xffff names the beacon chain. */
export const MAX_SHARDS = 0xffff;

export function assignCommittees(
  validators: readonly ValidatorId[],
  shardCount: number,
  seed: Uint8Array,
  minSize = DEFAULT_MIN_COMMITTEE,
): ValidatorId[][] {
  if (!Number.isInteger(shardCount) || shardCount < 1 || shardCount > MAX_SHARDS) {
    fail(`shard count must be an integer in 1..${MAX_SHARDS}, got ${shardCount}`);
  }
  if (!Number.isInteger(minSize) || minSize < 1) fail(`minimum committee size must be a positive integer`);
  if (validators.length === 0) fail("no validators");
  for (let i = 1; i < validators.length; i++) {
    if ((validators[i] as string) <= (validators[i - 1] as string)) fail("validator ids must be sorted and unique");
  }
  const shuffled = shuffle(validators, seed);
  const n = shuffled.length;
  const committees: ValidatorId[][] = [];
  if (n >= shardCount * minSize) {
    const base = Math.floor(n / shardCount);
    const larger = n % shardCount;
    let start = 0;
    for (let k = 0; k < shardCount; k++) {
      const size = base + (k < larger ? 1 : 0);
      committees.push(shuffled.slice(start, start + size));
      start += size;
    }
  } else {
    const m = Math.min(n, minSize);
    for (let k = 0; k < shardCount; k++) {
      const members: ValidatorId[] = [];
      for (let j = 0; j < m; j++) members.push(shuffled[(k * m + j) % n] as ValidatorId);
      committees.push(members);
    }
  }
  return committees.map((c) => c.sort());
}

/** The shards `validatorId` serves, ascending. */
export function shardsOf(validatorId: ValidatorId, committees: readonly (readonly ValidatorId[])[]): number[] {
  const shards: number[] = [];
  committees.forEach((c, k) => {
    if (c.includes(validatorId)) shards.push(k);
  });
  return shards;
}

/** A shard committee as a consensus validator set; members vote with their beacon stake. */
export function committeeSet(
  committee: readonly ValidatorId[],
  registry: ReadonlyMap<ValidatorId, Validator>,
  epoch: bigint,
): ValidatorSet {
  const validators = committee.map((id) => {
    const v = registry.get(id);
    if (v === undefined) fail(`committee member ${id} is not in the registry`);
    return v;
  });
  const set = { epoch, validators };
  checkValidatorSet(set);
  return set;
}

function fail(why: string): never {
  throw new ConsensusError(ConsensusErrorCode.invalidValidatorSet, `committees: ${why}`);
}
