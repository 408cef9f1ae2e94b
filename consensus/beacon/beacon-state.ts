// The beacon chain's own rules, block by block: the randomness mix, the validator registry
// and its epochs, the shard committees, and the newest crosslinked header of every shard.
//
// Pure and deterministic: a state and a block give the next state or a typed error, and the
// state is never modified in place (a refused block changes nothing). The host (node/, the
// simulator) keeps the state of each committed beacon block and hands it the blocks.
//
// Epochs: a beacon block at height h belongs to epoch floor((h - 1) / epochLength). After the
// last block of epoch e is applied, stake changes queued during e take effect, and the
// committees of e + 1 are drawn from the new registry with the mix as it stands then.
// Stake changes arrive as stake receipts from the shards (where stake is bonded), each in
// order of its seq per shard and exactly once: the state keeps the next seq of every shard.
// A shard follows the beacon's epochs at its own pace (it enters epoch e + 1 only once its own
// chain has seen the beacon reach it, and a halted shard may be several epochs behind), so the
// state keeps the committees of every epoch from the oldest one a shard was last crosslinked
// in: a shard that resumes can still prove its blocks with the committee that certified them.
import { toHex } from "../../crypto/index.ts";
import { ConsensusError, ConsensusErrorCode } from "../errors.ts";
import type { BatchVerify, Validator, ValidatorSet } from "../interface.ts";
import { type EpochInfo, epochInfo } from "../validators.ts";
import { assignCommittees } from "./committees.ts";
import { advancesCrosslink, type CommitProof, type CrosslinkRef, checkCommitProof } from "./crosslink.ts";
import { checkReveal, committeeSeed, mixReveal } from "./randomness.ts";

export interface BeaconParams {
  /** The genesis chain id (reveals are bound to it). */
  chainId: string;
  shardCount: number;
  epochLength: bigint;
  /** Members per shard committee at least (fewer only when there are fewer validators). */
  minCommitteeSize: number;
  /** Consensus chain id of shard k (QCs are bound to it). */
  shardChainId(shard: number): string;
  /** Checks a shard's header chain (shard/ knows the header format); see HeaderChainLinker. */
  linkHeaders: HeaderChainLinker;
  /**
   * Stake a registry entry needs to be drawn into a committee: below it a key is counted but
   * not dealt a seat, so nobody can fill committees with keys that have almost nothing to lose.
   */
  minValidatorStake: bigint;
}

/**
 * Decodes `headers` (encoded shard headers, oldest first) and checks that they extend
 * `previous` one height at a time, each naming the hash of the one before as its parent.
 * Returns each header's digest, oldest first; throws on anything else.
 */
export type HeaderChainLinker = (shard: number, previous: CrosslinkRef, headers: readonly Uint8Array[]) => Uint8Array[];

export interface StakeChange {
  publicKey: Uint8Array;
  /** Added to the validator's stake (negative to remove); a stake reaching 0 leaves the set. */
  delta: bigint;
}

/** A stake receipt from a shard, proven by the host (shard/beacon-block.ts): receipt `seq` of `source`. */
export interface StakeNotice extends StakeChange {
  source: number;
  seq: bigint;
}

export interface EpochCommittees {
  epoch: bigint;
  /** Validator ids per shard, each sorted. */
  members: readonly (readonly string[])[];
  /** The registry the committees were drawn from (their voting stakes). */
  registry: readonly Validator[];
}

export interface BeaconState {
  /** Height of the last beacon block applied (0: genesis). */
  height: bigint;
  mix: Uint8Array;
  /** The registry in force (sorted by id). */
  registry: readonly Validator[];
  /** Stake changes that take effect at the next epoch boundary, in arrival order. */
  pending: readonly StakeChange[];
  /** Committees of consecutive epochs, oldest first; the last is the current epoch's. */
  committees: readonly EpochCommittees[];
  /** The newest crosslinked header of each shard (its genesis header before the first). */
  crosslinks: readonly CrosslinkRef[];
  /** The epoch each shard's newest crosslinked block was certified in (0 before the first). */
  shardEpochs: readonly bigint[];
  /** Per shard, the seq of the next stake receipt the beacon takes from it. */
  stakeInbox: readonly bigint[];
}

/**
 * Every header of a shard since its last crosslink, oldest first, and a commit proof for the
 * newest. The whole chain is carried, not only its tip, so that every shard header is
 * crosslinked exactly once and a destination can prove receipts from any source block.
 */
export interface CrosslinkInput {
  shard: number;
  headers: readonly Uint8Array[];
  proof: CommitProof;
}

/** A shard header this beacon block crosslinked: destinations may now take its receipts. */
export interface CrosslinkedHeader {
  shard: number;
  height: bigint;
  digest: Uint8Array;
}

export interface BeaconTransition {
  state: BeaconState;
  crosslinked: CrosslinkedHeader[];
}

export interface BeaconBlockInput {
  height: bigint;
  proposer: Uint8Array;
  reveal: Uint8Array;
  crosslinks: readonly CrosslinkInput[];
  /** Stake receipts this block takes, in order (proven against crosslinked shard headers). */
  stakeNotices: readonly StakeNotice[];
}

export function epochOfHeight(height: bigint, epochLength: bigint): bigint {
  return height === 0n ? 0n : (height - 1n) / epochLength;
}

export function genesisBeaconState(
  params: BeaconParams,
  validators: readonly Validator[],
  genesisMix: Uint8Array,
  /** The digest of each shard's genesis header (height 0), which its first header extends. */
  shardGenesis: readonly Uint8Array[],
): BeaconState {
  if (shardGenesis.length !== params.shardCount)
    fail(`${shardGenesis.length} shard genesis headers for ${params.shardCount} shards`);
  const registry = sortedRegistry(validators);
  return {
    height: 0n,
    mix: genesisMix,
    registry,
    pending: [],
    committees: [drawCommittees(params, registry, genesisMix, 0n)],
    crosslinks: shardGenesis.map((headerDigest, chain) => ({ chain, height: 0n, headerDigest })),
    shardEpochs: shardGenesis.map(() => 0n),
    stakeInbox: shardGenesis.map(() => 0n),
  };
}

/** The state after `block`; throws ConsensusError and leaves `state` as it was otherwise. */
export function applyBeaconBlock(
  state: BeaconState,
  block: BeaconBlockInput,
  params: BeaconParams,
  verify: BatchVerify,
): BeaconTransition {
  if (block.height !== state.height + 1n) fail(`block at height ${block.height} after ${state.height}`);
  const epoch = epochOfHeight(block.height, params.epochLength);
  if (!checkReveal(block.proposer, params.chainId, epoch, block.reveal)) fail("the proposer's reveal does not verify");
  const mix = mixReveal(state.mix, block.reveal);

  const crosslinks = [...state.crosslinks];
  const shardEpochs = [...state.shardEpochs];
  const crosslinked: CrosslinkedHeader[] = [];
  let previousShard = -1;
  for (const c of block.crosslinks) {
    if (!Number.isInteger(c.shard) || c.shard < 0 || c.shard >= params.shardCount) linkFail(`no shard ${c.shard}`);
    // Ascending shard order: one crosslink per shard, and one encoding per block.
    if (c.shard <= previousShard) linkFail("crosslinks must be in ascending shard order, one per shard");
    previousShard = c.shard;
    const previous = crosslinks[c.shard] as CrosslinkRef;
    if (c.headers.length === 0) linkFail(`shard ${c.shard}: a crosslink carries at least one header`);
    const digests = linkOrFail(params, c.shard, previous, c.headers);
    const tip = digests[digests.length - 1] as Uint8Array;
    const next: CrosslinkRef = { chain: c.shard, height: previous.height + BigInt(digests.length), headerDigest: tip };
    if (c.proof.block.height !== next.height) {
      linkFail(`shard ${c.shard}: the proof is for height ${c.proof.block.height}, the headers end at ${next.height}`);
    }
    checkCommitProof(c.proof, tip, {
      chainId: params.shardChainId(c.shard),
      committee: (e) => committeeInfo(state, c.shard, e),
      verify,
    });
    if (!advancesCrosslink(previous, next))
      linkFail(`shard ${c.shard}: a crosslink must be above height ${previous.height}`);
    crosslinks[c.shard] = next;
    shardEpochs[c.shard] = c.proof.block.epoch;
    digests.forEach((digest, i) => {
      crosslinked.push({ shard: c.shard, height: previous.height + BigInt(i + 1), digest });
    });
  }

  const stakeInbox = [...state.stakeInbox];
  for (const n of block.stakeNotices) {
    const want = stakeInbox[n.source];
    if (want === undefined) fail(`a stake receipt from shard ${n.source}, which does not exist`);
    if (n.seq !== want) fail(`stake receipt ${n.source}#${n.seq}, expected #${want}`);
    stakeInbox[n.source] = want + 1n;
  }
  const pending = [
    ...state.pending,
    ...block.stakeNotices.map((n): StakeChange => ({ publicKey: n.publicKey, delta: n.delta })),
  ];
  // bigint, so no Math.min: the oldest epoch a shard may still prove blocks in.
  let oldestNeeded = shardEpochs[0] ?? 0n;
  for (const e of shardEpochs) if (e < oldestNeeded) oldestNeeded = e;
  const committees = state.committees.filter((c) => c.epoch >= oldestNeeded);
  const next: BeaconState = {
    ...state,
    height: block.height,
    mix,
    pending,
    crosslinks,
    shardEpochs,
    committees,
    stakeInbox,
  };
  const lastOfEpoch = block.height % params.epochLength === 0n;
  if (!lastOfEpoch) return { state: next, crosslinked };
  const changed = applyStakeChanges(state.registry, pending);
  // Everyone unbonding at once must not stop the chain: the registry stays until stake returns.
  const registry = changed.length === 0 ? state.registry : changed;
  const turned: BeaconState = {
    ...next,
    registry,
    pending: changed.length === 0 ? pending : [],
    committees: [...committees, drawCommittees(params, registry, mix, epoch + 1n)],
  };
  return { state: turned, crosslinked };
}

/** Shard `shard`'s committee in `epoch` as a consensus validator set, if the state still knows it. */
export function committeeSetOf(state: BeaconState, shard: number, epoch: bigint): ValidatorSet | undefined {
  const c = state.committees.find((x) => x.epoch === epoch);
  const members = c?.members[shard];
  if (c === undefined || members === undefined) return undefined;
  const byId = new Map(c.registry.map((v) => [v.id, v]));
  return { epoch, validators: members.map((id) => byId.get(id) as Validator) };
}

/** The host's linker throws its own errors (shard/ codes); here they become one consensus code. */
function linkOrFail(params: BeaconParams, shard: number, previous: CrosslinkRef, headers: readonly Uint8Array[]) {
  let digests: Uint8Array[];
  try {
    digests = params.linkHeaders(shard, previous, headers);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new ConsensusError(ConsensusErrorCode.invalidCrosslink, `crosslink of shard ${shard}: ${why}`);
  }
  if (digests.length !== headers.length) {
    throw new ConsensusError(
      ConsensusErrorCode.invalidCrosslink,
      `crosslink of shard ${shard}: the headers do not link`,
    );
  }
  return digests;
}

/** The committees of the newest epoch the state knows. */
export function currentCommittees(state: BeaconState): EpochCommittees {
  return state.committees[state.committees.length - 1] as EpochCommittees;
}

function committeeInfo(state: BeaconState, shard: number, epoch: bigint): EpochInfo | undefined {
  const set = committeeSetOf(state, shard, epoch);
  return set === undefined ? undefined : epochInfo(set, 1n);
}

function drawCommittees(
  params: BeaconParams,
  registry: readonly Validator[],
  mix: Uint8Array,
  epoch: bigint,
): EpochCommittees {
  const eligible = registry.filter((v) => v.stake >= params.minValidatorStake);
  // A registry with nobody eligible (a genesis below the minimum) still needs committees.
  const ids = (eligible.length > 0 ? eligible : registry).map((v) => v.id);
  const members = assignCommittees(ids, params.shardCount, committeeSeed(mix, epoch), params.minCommitteeSize);
  return { epoch, members, registry };
}

function applyStakeChanges(registry: readonly Validator[], changes: readonly StakeChange[]): Validator[] {
  const byId = new Map(registry.map((v) => [v.id, { ...v }]));
  for (const c of changes) {
    const id = toHex(c.publicKey);
    const v = byId.get(id) ?? { id, publicKey: c.publicKey, stake: 0n };
    // Never below zero. A shard lets a key's owner unbond only what it bonded, and tells the
    // beacon of every bond since the key was registered (genesis stakes are in the registry
    // from the start), so this floor is only a guard: a receipt committed on its shard cannot
    // be refused here, so a beacon block has no way to say no to it.
    v.stake += c.delta;
    if (v.stake <= 0n) byId.delete(id);
    else byId.set(id, v);
  }
  return sortedRegistry([...byId.values()]);
}

function sortedRegistry(validators: readonly Validator[]): Validator[] {
  return [...validators].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function linkFail(why: string): never {
  throw new ConsensusError(ConsensusErrorCode.invalidCrosslink, `beacon block: ${why}`);
}

function fail(why: string): never {
  throw new ConsensusError(ConsensusErrorCode.invalidBlock, `beacon block: ${why}`);
}
