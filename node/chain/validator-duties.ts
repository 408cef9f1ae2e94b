// What a validator key adds to a chain runner: the consensus engine's host and the proposer
// that answers the engine's requests for payloads. On a sharded network every validator gets
// both on every shard; its engine votes and asks for payloads only in the epochs whose
// committee names it, and observes the others (commits what the members certify).
import type { CommittedBlock } from "../../consensus/index.ts";
import { nativeSigner, publicKeyOf, toHex } from "../../crypto/index.ts";
import type { Mempool } from "../mempool/index.ts";
import type { EpochSet } from "../sync/verify-range.ts";
import type { ChainRunnerOptions } from "./chain-runner-options.ts";
import { ConsensusHost, departedRounds, type HostLogger } from "./consensus-host.ts";
import type { ConsensusRelay } from "./consensus-relay.ts";
import { chainEngine } from "./engine-factory.ts";
import type { ChainExecutor, CommittedInfo } from "./executor.ts";
import type { PendingBlocks } from "./pending-blocks.ts";
import { Proposer } from "./proposer.ts";

export interface ValidatorDutiesModules {
  secretKey: Uint8Array;
  /** The chain id consensus signs with. */
  consensusChainId: string;
  executor: ChainExecutor;
  mempool: Mempool;
  safety: { read(): Promise<Uint8Array | undefined>; write(state: Uint8Array): Promise<void> };
  /** The blocks this node keeps above the tip (a persist waits for their writes). */
  pending: Pick<PendingBlocks, "landed">;
  crossShardWork: (() => boolean) | undefined;
  /** The chain's later epochs as learned so far. */
  epochs(): readonly EpochSet[];
  /** The chain's relay (built after the host, which it delivers to). */
  relay(): ConsensusRelay;
  onCommitted(info: CommittedInfo, block: CommittedBlock): Promise<void>;
  /** A block hash was first seen (for commit latency). */
  noteSeen(hash: Uint8Array, nowMs: number): void;
  onFatal(e: unknown): void;
  now(): number;
  log: HostLogger;
  /** Whether this node was connected to a validator and lost it (the network's view). */
  departed?(validator: string): boolean;
}

export function chainValidator(
  opts: ChainRunnerOptions,
  m: ValidatorDutiesModules,
): { proposer: Proposer; host: ConsensusHost<CommittedInfo> } {
  const selfKey = publicKeyOf(m.secretKey);
  const self = toHex(selfKey);
  const signer = nativeSigner(m.secretKey);
  const proposer = new Proposer(
    {
      blockIntervalMs: opts.blockIntervalMs,
      executionBudgetMs: Math.max(20, Math.floor(opts.baseTimeoutMs / 5)),
      emptyBlocks: opts.emptyBlocks,
      maxBlockTxs: opts.maxBlockTxs,
      maxBlockBytes: opts.maxBlockBytes,
    },
    {
      executor: m.executor,
      mempool: m.mempool,
      selfKey,
      now: m.now,
      onDropped: (txs) => m.mempool.discard(txs),
      log: m.log,
      crossShardWork: m.crossShardWork,
    },
  );
  const host = new ConsensusHost<CommittedInfo>({
    createEngine: (persisted) =>
      chainEngine(
        {
          chainId: m.consensusChainId,
          genesisHash: opts.genesisHash,
          self,
          baseTimeoutMs: opts.baseTimeoutMs,
          maxTimeoutMs: opts.maxTimeoutMs,
          payloadDigest: opts.payloadDigest,
          validators: opts.validators,
          signer,
        },
        m.executor.tip,
        persisted,
      ),
    safety: m.safety,
    keptBlocksLanded: () => m.pending.landed(),
    executor: m.executor,
    broadcast: (bytes) => m.relay().broadcast(bytes),
    send: (to, bytes) => m.relay().send(to, bytes),
    requestPayload: (req, answer, decline) => proposer.request(req, answer, decline),
    blockSeen: (hash, now) => {
      proposer.blockSeen(hash, now);
      m.noteSeen(hash, now);
    },
    payloadJudged: (hash, valid) => m.relay().judged(hash, valid),
    onCommitted: m.onCommitted,
    onFatal: m.onFatal,
    now: m.now,
    maxClockSkewMs: opts.maxClockSkewMs,
    log: m.log,
    epochs: m.epochs,
    departed: departedRounds(opts.baseTimeoutMs, m.departed),
    // With empty blocks on the chain always has something to propose: no timer is held.
    hasWork: opts.emptyBlocks
      ? undefined
      : () => m.mempool.size > 0 || m.executor.hasUncommittedTxs() || m.crossShardWork?.() === true,
  });
  return { proposer, host };
}
