// A node of a sharded network: the beacon chain (its validators: the registry's seated keys,
// beacon-sets.ts) and every shard chain. A validator runs every shard's engine: as a member in
// the epochs whose committee names it, as an observer in the others, so that each node commits
// every shard's blocks as they are certified and can crosslink any shard and prove any shard's
// receipts to another.
//
// Committees: each shard starts with the committee the genesis beacon state drew for epoch 0
// and moves to the next one at the height its own commits fix (shard-epochs.ts,
// shard/epoch-handover.ts); the beacon draws each epoch's committees at the end of the one before.
import {
  type BeaconParams,
  type BeaconState,
  committeeSetOf,
  epochOfHeight,
  genesisBeaconState,
} from "../../consensus/beacon/beacon-state.ts";
import { genesisMix } from "../../consensus/beacon/randomness.ts";
import type { ValidatorSet } from "../../consensus/index.ts";
import { publicKeyOf, sha256, toHex, verifyNative } from "../../crypto/index.ts";
import { applyGenesis } from "../../genesis/index.ts";
import type { RpcShardLayout } from "../../rpc/index.ts";
import { shardHeaderLinker } from "../../shard/beacon-link.ts";
import { bodyHash, EMPTY_BODY, shardPayloadDigest } from "../../shard/body.ts";
import { genesisShardHeader, headerHash } from "../../shard/header.ts";
import { BEACON_CHAIN } from "../../vm/cross-shard/receipt.ts";
import { decodeSeq, inboxNextKey } from "../../vm/cross-shard/records.ts";
import { MemoryKv, SparseMerkleState } from "../../vm/index.ts";
import { BlockStore, type ChainTip } from "../chain/block-store.ts";
import type { HostLogger } from "../chain/consensus-host.ts";
import { PendingBlocks } from "../chain/pending-blocks.ts";
import { StagedKv } from "../chain/staged-kv.ts";
import {
  type NodeChains,
  type OpenedShardChain,
  type OpenShardChain,
  openShardChain,
  shardChainName,
} from "../open-shard-chain.ts";
import { chainMetrics } from "../ops/chain-metrics.ts";
import type { NodeMetrics } from "../ops/metrics.ts";
import { openSafetyStore } from "../storage/safety-file.ts";
import type { RangeAnchor } from "../sync/verify-range.ts";
import { validatorSetOf } from "../validator-set.ts";
import { BeaconExecutor } from "./beacon-executor.ts";
import { BEACON_CHAIN_NAME, BeaconRunner } from "./beacon-runner.ts";
import { BeaconSets } from "./beacon-sets.ts";
import { type BeaconEntry, BeaconView } from "./beacon-view.ts";
import { lightBlocksProtocol, serveLightBlocks } from "./light-blocks.ts";
import { type LightBlockCommitted, LightFollower } from "./light-follower.ts";
import { ShardEpochs } from "./shard-epochs.ts";
import { type FollowedShard, ShardFollowing } from "./shard-following.ts";
import { shardLinks } from "./shard-links.ts";
import { ShardRecords } from "./shard-records.ts";

export type ShardedChainsOptions = Omit<OpenShardChain, "shard" | "validators" | "metrics" | "log" | "links"> & {
  metrics: NodeMetrics;
  log(chain: string): HostLogger;
};

const BEACON_PREFIX = Uint8Array.of(0x11, 0x00);

export async function openShardedChains(o: ShardedChainsOptions): Promise<NodeChains> {
  const { genesis } = o;
  const S = genesis.shardCount;
  const validators = validatorSetOf(genesis);
  const params: BeaconParams = {
    chainId: genesis.chainId,
    shardCount: S,
    epochLength: BigInt(genesis.params.epochLength),
    minCommitteeSize: genesis.params.committeeSize,
    shardChainId: (k) => `${genesis.chainId}/${shardChainName(k)}`,
    linkHeaders: shardHeaderLinker,
    minValidatorStake: smallestStake(validators.validators),
  };
  const genesisTime = BigInt(genesis.genesisTimeMs);
  const shardGenesis: Uint8Array[] = [];
  for (let k = 0; k < S; k++) {
    const root = await applyGenesis(await SparseMerkleState.open(new MemoryKv()), genesis, { shard: k });
    shardGenesis.push(headerHash({ ...genesisShardHeader(k, root, bodyHash(EMPTY_BODY)), timeMs: genesisTime }));
  }
  const state0 = genesisBeaconState(params, validators.validators, genesisMix(o.genesisHash), shardGenesis);
  const view = new BeaconView({
    height: 0n,
    hash: o.genesisHash,
    result: { state: state0, timeMs: genesisTime, crosslinked: [] },
  });

  // The beacon chain's stored blocks re-applied first: each shard learns its epochs from them.
  const db = new StagedKv(o.level);
  const store = new BlockStore(db, BEACON_PREFIX);
  let tip = await o.readOrCorrupt(() => store.tip());
  if (tip === undefined) {
    tip = { height: 0n, hash: o.genesisHash, epoch: 0n, round: 0n, stateRoot: state0.mix, timeMs: genesisTime };
    store.stageCommit({ tip, block: null, txHashes: [], receipts: [] });
    await db.flushStaged();
  }
  const at: ChainTip = tip;
  const pending = await o.readOrCorrupt(() =>
    PendingBlocks.load(db, store.pendingPrefix(), `${genesis.chainId}/${BEACON_CHAIN_NAME}`, sha256, at.height),
  );
  store.keepBodiesIn(pending);
  const records: ShardRecords[] = [];
  const executor = new BeaconExecutor(at, {
    params,
    verify: (items) => items.map((it) => verifyNative(it.publicKey, it.message, it.signature)),
    store,
    db,
    view,
    known: (hex) => pending.get(hex),
    stakeBundles: (shard, fromSeq, room) => records[shard]?.bundlesFor(BEACON_CHAIN, fromSeq, room, () => true) ?? [],
  });
  await o.readOrCorrupt(() => executor.replay());
  // The beacon's consensus epochs, from the states just re-applied.
  const beaconSets = new BeaconSets(validators, params.minValidatorStake);
  for (let h = 1n; h <= view.tip.height; h++) beaconSets.committed(h, (view.at(h) as BeaconEntry).result.state);
  // Shards: each starts from its epoch-0 committee and learns the later ones from its commits
  // (shard-epochs.ts); links see the beacon view and every shard's records. A shard's records
  // take its committed blocks from its runner while this node follows it, and from a light
  // follower while it does not (shard-following.ts), whichever is ahead.
  const everyValidator = validators.validators.map((v) => v.id);
  const shards: OpenedShardChain[] = [];
  const followed: FollowedShard[] = [];
  let following: ShardFollowing | null = null;
  for (let k = 0; k < S; k++) {
    const name = shardChainName(k);
    const log = o.log(name);
    const committee = committeeSetOf(state0, k, 0n) as ValidatorSet;
    const opened = await openShardChain({
      ...o,
      shard: k,
      validators: committee,
      log,
      metrics: chainMetrics(o.metrics, name),
      links: shardLinks(k, view, records),
      everyValidator,
    });
    const e = await o.readOrCorrupt(() =>
      ShardEpochs.load(
        {
          shard: k,
          store: opened.store,
          view,
          epochLength: params.epochLength,
          learn: (set, fromHeight) => opened.chain.learnEpoch(set, fromHeight),
          log,
        },
        opened.chain.executor.tip.height,
      ),
    );
    const r = await o.readOrCorrupt(() =>
      ShardRecords.load(
        k,
        opened.store,
        opened.chain.executor.tip.height,
        async (source) => decodeSeq(await opened.state.get(inboxNextKey(source))),
        S,
      ),
    );
    records.push(r);
    const epochAt = (height: bigint) => opened.chain.setAt(height).epoch;
    let fed: RangeAnchor = { height: opened.chain.executor.tip.height, hash: opened.chain.executor.tip.hash };
    let fedEpoch = epochAt(fed.height);
    const feed = (b: LightBlockCommitted) => {
      if (b.height <= fed.height) return;
      fed = { height: b.height, hash: b.hash };
      r.add(b.height, b.encoded, b.certificate, b.payload.header, b.outbox);
      r.took(b.payload.body.inbound, b.height);
      for (const x of b.payload.body.inbound) records[x.header.shard]?.taken(k, r.nextFrom(x.header.shard));
      e.committed(b.height, b.payload.header);
      const epoch = epochAt(fed.height);
      if (epoch !== fedEpoch) {
        fedEpoch = epoch;
        following?.review();
      }
    };
    opened.chain.onCommit((info) =>
      feed({
        height: info.tip.height,
        hash: info.tip.hash,
        encoded: info.encoded,
        certificate: info.certificate,
        payload: info.payload,
        outbox: info.outbox,
      }),
    );
    const protocol = lightBlocksProtocol(genesis.chainId, name);
    const light = new LightFollower(
      {
        shard: k,
        peers: () => o.network.peers(),
        request: (peer, bytes, timeoutMs) => o.network.request(peer, protocol, bytes, { timeoutMs }),
        penalize: (peer, reason) => o.network.penalize(peer, reason),
        range: {
          chainId: `${genesis.chainId}/${name}`,
          payloadDigest: shardPayloadDigest,
          genesisHash: o.genesisHash,
          validators: committee,
          laterEpochs: () => opened.chain.epochSets,
          verify: (items) => o.verifier.verify(items),
        },
        beaconHas: (height) => view.tip.height >= height,
        committed: async (b) => feed(b),
        log,
      },
      fed,
    );
    followed.push({
      shard: k,
      chain: opened.chain,
      light,
      recordsTip: () => fed,
      epochAtTip: () => epochAt(fed.height),
      log,
    });
    shards.push(opened);
  }

  // What each shard and the beacon have already taken is no longer kept (see ShardRecords.taken).
  for (const dest of records)
    for (const source of records) if (source !== dest) source.taken(dest.shard, dest.nextFrom(source.shard));
  const beaconTook = () => {
    view.tip.result.state.stakeInbox.forEach((next, k) => {
      records[k]?.taken(BEACON_CHAIN, next);
    });
  };
  beaconTook();

  // The beacon chain's runner.
  const safety = await openSafetyStore(`${o.home}/safety`, BEACON_CHAIN_NAME);
  o.closers.push(() => safety.close());
  const beaconLog = o.log(BEACON_CHAIN_NAME);
  const beaconMetrics = chainMetrics(o.metrics, BEACON_CHAIN_NAME);
  beaconMetrics.tip(view.tip.height);
  const beacon = new BeaconRunner(
    {
      chainId: genesis.chainId,
      genesisHash: o.genesisHash,
      secretKey: o.secretKey,
      baseTimeoutMs: genesis.params.proposeTimeoutMs,
      maxTimeoutMs: genesis.params.proposeTimeoutMs * 3,
      // Twice the shard block interval: the beacon only has to keep up with the shards'
      // crosslinks, and every validator runs it besides its shards.
      blockIntervalMs: genesis.params.blockIntervalMs * 2,
      maxClockSkewMs: o.config.chain.maxClockSkewMs,
      behindBlocks: o.config.chain.behindBlocks,
    },
    {
      executor,
      epochs: beaconSets,
      store,
      pending,
      safety,
      verifier: o.verifier,
      network: o.network,
      shards: () => records,
      // A crosslink proves a header by its committed child, so there is work once a shard has
      // committed two blocks above its last crosslink, or stake receipts wait for the beacon.
      crosslinkWork: () => {
        const state = view.tip.result.state;
        return records.some(
          (r) =>
            BigInt(r.height) >= (state.crosslinks[r.shard]?.height ?? 0n) + 2n ||
            r.highestSeq(BEACON_CHAIN) >= (state.stakeInbox[r.shard] ?? 0n),
        );
      },
      onCommitted: (info) => beaconMetrics.committed({ height: info.tip.height, txs: 0, latencyMs: null }),
      log: beaconLog,
      onFatal: o.onFatal,
      now: () => Date.now(),
    },
  );

  // A beacon block may crosslink receipts some shard can now take, or the outbox a shard was
  // extending its chain for: every shard's proposer looks again.
  view.onAppend((entry) => {
    const next = beaconSets.committed(entry.height, entry.result.state);
    if (next !== null) {
      beacon.learnEpoch(next.set, next.fromHeight);
      beaconLog.info(
        { epoch: String(next.set.epoch), fromHeight: String(next.fromHeight), validators: next.set.validators.length },
        "next beacon validator set learned",
      );
    }
    beaconTook();
    for (const s of shards) s.chain.poke();
    following?.review();
  });
  const selfId = o.secretKey === undefined ? null : toHex(publicKeyOf(o.secretKey));
  following = new ShardFollowing({
    self: selfId,
    all: o.config.chain.followShards === "all",
    shards: followed,
    beaconState: () => view.tip.result.state,
  });
  const shardFollowing = following;
  return {
    shards,
    beacon,
    layout: (): RpcShardLayout => ({
      shards: S,
      addressRule: `shard = the first four bytes of the address as a big-endian u32, modulo ${S}`,
      chains: shards.map((s, k) => {
        // The records' tip: a shard this node does not execute still has its headers here.
        const height = (followed[k] as FollowedShard).recordsTip().height;
        const set = s.chain.setAt(height + 1n);
        return {
          shard: k,
          name: shardChainName(k),
          epoch: set.epoch,
          committee: set.validators.map((v) => v.publicKey),
          following: s.chain.following,
          height,
        };
      }),
      beacon: beaconLayout(view, beaconSets, params),
    }),
    creditHeight: (shard, origin) => records[shard]?.creditedAt(origin),
    start: async () => {
      shards.forEach((s, k) => {
        o.network.handle(lightBlocksProtocol(genesis.chainId, shardChainName(k)), (_from, req) =>
          serveLightBlocks(s.store, s.chain.executor.tip.height, req),
        );
      });
      await Promise.all([beacon.start(), shardFollowing.start()]);
    },
    stop: async () => {
      await shardFollowing.stop();
      await Promise.all([beacon.stop(), ...shards.map((s) => s.chain.stop())]);
    },
  };
}

/**
 * A key joins committees with at least the stake of the smallest genesis validator: the genesis
 * has no parameter for it yet (adding one changes the genesis encoding and its published
 * vectors), and its validators are the stakes the network was launched to trust.
 */
function smallestStake(validators: readonly { stake: bigint }[]): bigint {
  let min: bigint | undefined;
  for (const v of validators) if (min === undefined || v.stake < min) min = v.stake;
  return min ?? 1n;
}

function beaconLayout(view: BeaconView, sets: BeaconSets, params: BeaconParams): NonNullable<RpcShardLayout["beacon"]> {
  const { height } = view.tip;
  const state: BeaconState = view.tip.result.state;
  const set = sets.at(height + 1n);
  return {
    consensus: {
      epoch: set.epoch,
      validators: set.validators.map((v) => ({
        publicKey: v.publicKey,
        stake: v.stake,
        lastProposed: view.lastProposedBy(v.id) ?? null,
      })),
    },
    height,
    epoch: epochOfHeight(height, params.epochLength),
    registry: state.registry.map((v) => ({ publicKey: v.publicKey, stake: v.stake })),
    pending: state.pending.map((c) => ({ publicKey: c.publicKey, delta: c.delta })),
    minValidatorStake: params.minValidatorStake,
  };
}
