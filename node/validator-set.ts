// The validator set of genesis, as consensus takes it: ids are hex public keys, sorted.
import type { ValidatorSet } from "../consensus/index.ts";
import { toHex } from "../crypto/index.ts";
import type { Genesis } from "../genesis/index.ts";

export function validatorSetOf(genesis: Genesis): ValidatorSet {
  const validators = genesis.validators
    .map((v) => ({ id: toHex(v.publicKey), publicKey: v.publicKey, stake: v.stake }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { epoch: 0n, validators };
}
