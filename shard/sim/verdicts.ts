// The safety checks of a sharded run over every chain once it ended: honest validators agree on
// each height, and each validator's commits form a chain from its genesis
// (consensus/sim/invariants.ts).
import { type CommitLog, checkAgreement, checkChainValidity } from "../../consensus/sim/invariants.ts";
import { toHex } from "../../crypto/index.ts";
import { BEACON_INDEX, type SimValidator } from "./validator.ts";

export function chainViolations(
  validators: readonly SimValidator[],
  honest: readonly boolean[],
  shards: number,
  beaconGenesis: Uint8Array,
  shardGenesis: (shard: number) => Uint8Array,
): string[] {
  const violations: string[] = [];
  const chains = [BEACON_INDEX, ...Array.from({ length: shards }, (_, k) => k)];
  for (const chain of chains) {
    const logs: CommitLog[] = validators.map((v) => ({
      instance: v.index,
      id: v.id,
      honest: honest[v.index] as boolean,
      commits: (chain === BEACON_INDEX ? v.hosts?.beacon : v.hosts?.shards[chain])?.commits ?? [],
    }));
    const genesis = chain === BEACON_INDEX ? toHex(beaconGenesis) : toHex(shardGenesis(chain));
    const name = chain === BEACON_INDEX ? "beacon" : `shard ${chain}`;
    for (const v of [...checkAgreement(logs), ...logs.flatMap((l) => checkChainValidity(l, genesis))]) {
      violations.push(`${name}: ${v}`);
    }
  }
  return violations;
}
