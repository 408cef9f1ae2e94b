// The genesis of a sharded run: the validator registry (equal stakes), the beacon parameters,
// each shard's funded accounts and first state, and the beacon state they start from, all
// registered in the run's ledger.
import { type BeaconParams, type BeaconState, genesisBeaconState } from "../../consensus/beacon/beacon-state.ts";
import { genesisMix } from "../../consensus/beacon/randomness.ts";
import type { BatchVerify, Validator } from "../../consensus/interface.ts";
import type { SimKey } from "../../consensus/sim/signatures.ts";
import { addressBytesOf, sha256, toHex, utf8 } from "../../crypto/index.ts";
import {
  accountKey,
  emptyAccount,
  encodeAccount,
  encodeTotals,
  MemoryKv,
  SparseMerkleState,
  TOTALS_KEY,
  type VmParams,
} from "../../vm/index.ts";
import { shardHeaderLinker } from "../beacon-link.ts";
import { bodyHash, EMPTY_BODY } from "../body.ts";
import { genesisShardHeader, headerHash } from "../header.ts";
import { type ShardExec, ShardLedger, SimLedger } from "./ledger.ts";
import type { SimLoad } from "./load.ts";

export const SIM_NETWORK_ID = "ubn-sim";
export const BEACON_CHAIN_ID = "ubn-sim-beacon";
export const shardChainId = (k: number): string => `ubn-sim-shard-${k}`;
const GENESIS_BALANCE = 1_000_000_000n;

export interface SimGenesis {
  registry: Validator[];
  beaconParams: BeaconParams;
  ledger: SimLedger;
  beaconState: BeaconState;
  /** The beacon chain's genesis block hash, and each shard's. */
  beaconGenesis: Uint8Array;
  shardGenesisBlock(k: number): Uint8Array;
  genesisExecs: ShardExec[];
}

export async function simGenesis(
  s: { seed: number; shards: number; epochLength: number },
  keys: readonly SimKey[],
  load: SimLoad,
  verify: BatchVerify,
): Promise<SimGenesis> {
  const registry = keys
    .map((k) => ({ id: k.id, publicKey: k.publicKey, stake: 1n }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const beaconParams: BeaconParams = {
    chainId: SIM_NETWORK_ID,
    shardCount: s.shards,
    epochLength: BigInt(s.epochLength),
    minCommitteeSize: 4,
    shardChainId,
    linkHeaders: shardHeaderLinker,
    minValidatorStake: 1n,
  };
  const validatorAddresses = keys.map((k) => addressBytesOf(k.publicKey));
  const accounts = Array.from({ length: s.shards }, (_, k) => [...load.addressesOn(k), ...validatorAddresses]);
  const ledger = new SimLedger(beaconParams, verify, accounts);
  const beaconGenesis = sha256(utf8(`ubn-sim beacon genesis ${s.seed}`));
  const shardGenesisBlock = (k: number) => sha256(utf8(`ubn-sim shard ${k} genesis ${s.seed}`));
  const genesisExecs: ShardExec[] = [];
  for (let k = 0; k < s.shards; k++) {
    const kv = new MemoryKv();
    const state = await SparseMerkleState.open(kv);
    const funded = load.addressesOn(k);
    for (const a of funded) state.set(accountKey(a), encodeAccount({ ...emptyAccount(), balance: GENESIS_BALANCE }));
    state.set(
      TOTALS_KEY,
      encodeTotals({ genesisSupply: BigInt(funded.length) * GENESIS_BALANCE, minted: 0n, burned: 0n }),
    );
    const root = await state.commit();
    const header = genesisShardHeader(k, root, bodyHash(EMPTY_BODY));
    const exec = await ledger.summarize(k, { header, body: EMPTY_BODY }, kv);
    genesisExecs.push(exec);
    const params: VmParams = {
      chainId: SIM_NETWORK_ID,
      fees: { perByte: 1n, perType: { transfer: 100n, stake: 200n, unstake: 200n, register_validator: 1000n } },
      unbondingPeriodBlocks: 5n,
      blockReward: 50n,
      maxBlockTxs: 1000,
      chain: { id: k, shardCount: s.shards },
    };
    ledger.shards.push(new ShardLedger(k, params, exec, toHex(shardGenesisBlock(k)), ledger));
  }
  const beaconState = genesisBeaconState(
    beaconParams,
    registry,
    genesisMix(beaconGenesis),
    genesisExecs.map((e) => headerHash(e.header)),
  );
  ledger.beacon.set(toHex(beaconGenesis), {
    hashHex: toHex(beaconGenesis),
    parentHex: "",
    height: 0n,
    timeMs: 0n,
    state: beaconState,
    crosslinked: [],
  });
  return { registry, beaconParams, ledger, beaconState, beaconGenesis, shardGenesisBlock, genesisExecs };
}
