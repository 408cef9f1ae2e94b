// The node as the RPC server sees it (rpc/api.ts): reads from the chain's store, committed
// state and mempool, transaction admission through the chain's mempool (its refusals mapped
// onto the documented RPC error codes), and the chain's events turned into what subscriptions
// carry. Only committed data is final; "included" comes from blocks executed above the tip.
import { blockCodec, type JolteonEngine } from "../consensus/index.ts";
import { addressBytesOf, decode, encode, equalBytes, formatAddress, fromHex } from "../crypto/index.ts";
import {
  type RpcAccount,
  type RpcBlock,
  RpcError,
  RpcErrorCode,
  type RpcFeeEstimate,
  type RpcHealth,
  type RpcNodeApi,
  type RpcNodeEvent,
  type RpcProof,
  type RpcReceipt,
  type RpcStateTag,
  type RpcStatus,
  type RpcSyncing,
  type RpcTransaction,
  type RpcTxStatus,
} from "../rpc/index.ts";
import { decodeShardBlockPayload } from "../shard/body.ts";
import { shardOfAddress } from "../vm/cross-shard/shard-of.ts";
import {
  accountKey,
  decodeAccount,
  decodeTransaction,
  emptyAccount,
  encodeTransaction,
  requiredFeeForSize,
  type SparseMerkleState,
  stateProofCodec,
  TX_TYPES,
  transactionHash,
  type VmParams,
} from "../vm/index.ts";
import type { BlockStore } from "./chain/block-store.ts";
import type { ChainRunner } from "./chain/chain-runner.ts";
import { readCommittedAccount } from "./chain/committed-reader.ts";
import { decodeBlockPayload } from "./chain/stored-payload.ts";
import { RpcEventFeed } from "./rpc-events.ts";

export const NODE_VERSION = "ubn/0.1.0";

const MEMPOOL_TO_RPC: Record<string, RpcErrorCode> = {
  MEMPOOL_MALFORMED: RpcErrorCode.invalidTransaction,
  MEMPOOL_TOO_LARGE: RpcErrorCode.invalidTransaction,
  MEMPOOL_INVALID: RpcErrorCode.invalidTransaction,
  MEMPOOL_WRONG_CHAIN: RpcErrorCode.wrongChain,
  MEMPOOL_BAD_SIGNATURE: RpcErrorCode.badSignature,
  MEMPOOL_FEE_TOO_LOW: RpcErrorCode.feeTooLow,
  MEMPOOL_NONCE_TOO_LOW: RpcErrorCode.nonceTooLow,
  MEMPOOL_NONCE_GAP: RpcErrorCode.nonceGap,
  MEMPOOL_CANNOT_PAY_FEE: RpcErrorCode.insufficientFunds,
  MEMPOOL_DUPLICATE: RpcErrorCode.alreadyKnown,
  MEMPOOL_REPLACEMENT_UNDERPRICED: RpcErrorCode.alreadyKnown,
  MEMPOOL_FULL: RpcErrorCode.mempoolFull,
  MEMPOOL_SENDER_FULL: RpcErrorCode.mempoolFull,
};

/** The transfer used to price ubn_estimateFee without a transaction: large amount and fee fields. */
const TYPICAL_TRANSFER_BYTES = encodeTransaction({
  chainId: "ubn-typical-chain-id",
  sender: new Uint8Array(32),
  nonce: 1n << 20n,
  fee: 10n ** 18n,
  sponsor: null,
  payload: { type: "transfer", to: new Uint8Array(20), amount: 10n ** 24n },
  signature: new Uint8Array(64),
  sponsorSignature: null,
} as Parameters<typeof encodeTransaction>[0]).length;

export interface NodeRpcModules {
  chain: ChainRunner;
  store: BlockStore;
  stateKv: { get(key: Uint8Array): Promise<Uint8Array | undefined> };
  state: SparseMerkleState;
  params: VmParams;
  genesisHash: Uint8Array;
  network: {
    peerId: string;
    peers(): string[];
    peerAddresses(): { id: string; addresses: string[] }[];
    listenAddresses(): string[];
  };
  /** A node is healthy when it runs and is not stopping; readiness (synced, peers) is reported in detail. */
  stopping(): boolean;
}

export function nodeRpcApi(m: NodeRpcModules): RpcNodeApi {
  const chain = m.chain;

  const blockAt = async (height: bigint): Promise<RpcBlock | null> => {
    if (height === 0n || height > chain.executor.tip.height) return null;
    const stored = await m.store.blockAt(height);
    if (stored === undefined) return null;
    const block = decode(blockCodec, stored.block);
    const { header, body } = decodeShardBlockPayload(block.payload);
    return {
      height,
      hash: stored.hash,
      parentHash: block.parent,
      proposer: block.proposer,
      round: block.round,
      timeMs: header.timeMs,
      stateRoot: header.stateRoot,
      receiptsRoot: header.receiptsRoot,
      transactions: body.txs.map(transactionHash),
    };
  };

  const statusOf = async (hash: Uint8Array): Promise<RpcTxStatus> => {
    const at = await m.store.txLocation(hash);
    if (at !== undefined && at.height <= chain.executor.tip.height) {
      const stored = await m.store.blockAt(at.height);
      if (stored !== undefined) {
        return { hash, status: "finalized", height: at.height, blockHash: stored.hash, index: at.index };
      }
    }
    const included = chain.events.includedAt(hash);
    if (included !== undefined) {
      return {
        hash,
        status: "included",
        height: included.height,
        blockHash: included.blockHash,
        index: included.index,
      };
    }
    if (chain.mempool.has(hash)) return { hash, status: "accepted", height: null, blockHash: null, index: null };
    return { hash, status: "unknown", height: null, blockHash: null, index: null };
  };

  const syncing = (): RpcSyncing => {
    const span = chain.syncSpan;
    const current = chain.executor.tip.height;
    return {
      syncing: span.syncing,
      startingBlock: span.start,
      currentBlock: current,
      highestBlock: higher(span.target, current),
    };
  };

  const feed = new RpcEventFeed({ events: chain.events, blockAt, syncing });

  const api: RpcNodeApi = {
    chainId: () => chain.opts.chainId,

    async sendRawTransaction(tx: Uint8Array): Promise<Uint8Array> {
      if (m.stopping()) throw new RpcError(RpcErrorCode.unavailable, "the node is shutting down");
      const [result] = await chain.submit([tx]);
      if (result === undefined) throw new RpcError(RpcErrorCode.internalError, "no result");
      if (result.ok) return result.hash;
      const code = MEMPOOL_TO_RPC[result.error.code] ?? RpcErrorCode.invalidTransaction;
      throw new RpcError(code, result.error.message, { reason: result.error.code });
    },

    async getAccount(address: Uint8Array, tag: RpcStateTag = "latest"): Promise<RpcAccount> {
      const height = chain.executor.tip.height;
      const a = await readCommittedAccount(m.stateKv, address);
      const nonce = tag === "pending" ? chain.mempool.nextNonce(address, a.nonce) : a.nonce;
      return { balance: a.balance, nonce, staked: a.staked, unbonding: a.unbonding, height };
    },

    async getTransactionReceipt(hash: Uint8Array): Promise<RpcReceipt | null> {
      const at = await m.store.txLocation(hash);
      if (at === undefined) return null;
      const [receipts, block] = await Promise.all([m.store.receiptsAt(at.height), m.store.blockAt(at.height)]);
      const r = receipts[at.index];
      if (r === undefined || block === undefined || !equalBytes(r.txHash, hash)) return null;
      let gasless = false;
      let credit: RpcReceipt["credit"] = null;
      try {
        const raw = decodeBlockPayload(block.block).body.txs[at.index];
        if (raw !== undefined) {
          const tx = decodeTransaction(raw);
          gasless = tx.sponsor !== null;
          // A transfer to an address of another shard left as a receipt; the router finds the credit.
          const chain = m.params.chain;
          if (r.ok && chain !== undefined && tx.payload.type === "transfer") {
            const dest = shardOfAddress(tx.payload.to, chain.shardCount);
            if (dest !== chain.id) credit = { shard: dest, height: null };
          }
        }
      } catch {
        // A stored block always decodes; if not, the receipt is still worth returning.
      }
      return {
        txHash: r.txHash,
        height: at.height,
        blockHash: block.hash,
        index: at.index,
        status: r.ok ? "success" : "failed",
        failure: r.ok ? null : { code: r.failure ?? "TX_FAILED", message: r.failure ?? "failed" },
        feePaid: r.feePaid,
        gasless,
        events: r.events,
        shard: m.params.chain?.id ?? 0,
        credit,
      };
    },

    blockNumber: () => chain.executor.tip.height,

    getBlockByNumber: blockAt,

    async getBlockByHash(hash: Uint8Array): Promise<RpcBlock | null> {
      const height = await m.store.heightOf(hash);
      if (height === undefined) return null;
      const block = await blockAt(height);
      return block !== null && equalBytes(block.hash, hash) ? block : null;
    },

    async getBlockTransactions(height: bigint): Promise<RpcTransaction[] | null> {
      if (height === 0n || height > chain.executor.tip.height) return null;
      const stored = await m.store.blockAt(height);
      if (stored === undefined) return null;
      return decodeBlockPayload(stored.block).body.txs.map((raw, index) => {
        const hash = transactionHash(raw);
        return describeTx(raw, { hash, status: "finalized", height, blockHash: stored.hash, index });
      });
    },

    async getTransactionByHash(hash: Uint8Array): Promise<RpcTransaction | null> {
      const status = await statusOf(hash);
      let raw: Uint8Array | undefined;
      if (status.status === "finalized" && status.height !== null && status.index !== null) {
        const stored = await m.store.blockAt(status.height);
        raw = stored === undefined ? undefined : decodeBlockPayload(stored.block).body.txs[status.index];
      } else if (status.status === "included") {
        raw = chain.events.includedAt(hash)?.tx;
      } else if (status.status === "accepted") {
        raw = chain.mempool.get(hash);
      }
      return raw === undefined ? null : describeTx(raw, status);
    },

    getTransactionStatus: statusOf,

    async estimateFee(tx: Uint8Array | null): Promise<RpcFeeEstimate> {
      let type: (typeof TX_TYPES)[number] = "transfer";
      let bytes = TYPICAL_TRANSFER_BYTES;
      if (tx !== null) {
        try {
          type = decodeTransaction(tx).payload.type;
        } catch (e) {
          throw new RpcError(RpcErrorCode.invalidParams, `tx does not decode: ${(e as Error).message}`);
        }
        bytes = tx.length;
      }
      const minimum = requiredFeeForSize(type, bytes, m.params);
      // Priority is the tip per byte: when more is waiting than a block carries, offering twice
      // the minimum puts a transaction ahead of everything paying only the minimum.
      const busy = chain.mempool.size >= chain.opts.maxBlockTxs;
      const perType: Record<string, bigint> = {};
      for (const t of TX_TYPES) perType[t] = m.params.fees.perType[t];
      return { perByte: m.params.fees.perByte, perType, minimum, suggested: busy ? minimum * 2n : minimum, bytes };
    },

    async getProof(address: Uint8Array): Promise<RpcProof> {
      const key = accountKey(address);
      // Through the executor's queue: no commit runs while the proof is read, so the proof,
      // the value and the tip belong to the same block.
      const read = await chain.executor.readAfter(chain.executor.tip.hash, async (state) => {
        const tip = chain.executor.tip;
        const value = (await state.get(key)) ?? null;
        const proof = await m.state.prove(key, tip.stateRoot);
        return { tip, value, proof };
      });
      const stored = await m.store.blockAt(read.tip.height);
      if (stored === undefined) {
        throw new RpcError(RpcErrorCode.unavailable, "no committed block yet: nothing certifies the genesis state");
      }
      const a = read.value === null ? emptyAccount() : decodeAccount(read.value);
      return {
        address,
        account: { ...a, height: read.tip.height },
        key,
        value: read.value,
        proof: encode(stateProofCodec, read.proof),
        stateRoot: read.tip.stateRoot,
        height: read.tip.height,
        blockHash: stored.hash,
        block: stored.block,
        certificate: stored.certificate,
      };
    },

    syncing,

    shardLayout: () => ({
      shards: 1,
      addressRule: "one shard: every address is on shard 0",
      chains: [
        {
          shard: 0,
          name: chain.opts.name,
          epoch: chain.opts.validators.epoch,
          committee: chain.opts.validators.validators.map((v) => v.publicKey),
          following: true,
          height: chain.executor.tip.height,
        },
      ],
    }),

    peers: () => m.network.peerAddresses(),

    nodeInfo: () => ({
      id: m.network.peerId,
      listenAddresses: m.network.listenAddresses(),
      chainId: chain.opts.chainId,
      genesisHash: m.genesisHash,
      version: NODE_VERSION,
      validator: chain.selfId !== null,
    }),

    status(): RpcStatus {
      const tip = chain.executor.tip;
      return {
        chainId: chain.opts.chainId,
        nodeId: m.network.peerId,
        validator: chain.selfId !== null,
        // One chain's view; on a sharded node the router (node/shards/rpc-router.ts) names the shard.
        shard: 0,
        height: tip.height,
        blockHash: tip.hash,
        stateRoot: tip.stateRoot,
        syncing: chain.mode === "syncing",
        peers: m.network.peers().length,
        mempoolSize: chain.mempool.size,
        round: chain.engine?.status().round ?? 0n,
        leader: leaderOfRound(chain.engine),
        version: NODE_VERSION,
      };
    },

    health(): RpcHealth {
      const tip = chain.executor.tip;
      return {
        ok: !m.stopping(),
        detail: { height: tip.height, mode: chain.mode, peers: m.network.peers().length },
      };
    },

    subscribe: (listener: (event: RpcNodeEvent) => void) => feed.subscribe(listener),
  };

  return api;
}

/** A transaction decoded for RPC, with where it stands. */
function describeTx(raw: Uint8Array, status: RpcTxStatus): RpcTransaction {
  const tx = decodeTransaction(raw);
  const { type, ...fields } = tx.payload as unknown as { type: string } & Record<string, unknown>;
  return {
    hash: status.hash,
    raw,
    sender: addressBytesOf(tx.sender),
    nonce: tx.nonce,
    fee: tx.fee,
    sponsor: tx.sponsor === null ? null : addressBytesOf(tx.sponsor),
    type,
    payload: payloadForJson(fields),
    status,
  };
}

/** Payload fields for JSON: 20-byte fields are addresses (bech32m); other bytes and numbers are encoded later. */
function payloadForJson(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    out[k] = v instanceof Uint8Array && v.length === 20 ? formatAddress(v) : v;
  }
  return out;
}

/** The larger of two bigints (Math.max takes numbers only). */
function higher(a: bigint, b: bigint): bigint {
  if (a > b) return a;
  return b;
}

/** The current round's expected proposer, as the node's engine sees it. */
function leaderOfRound(engine: JolteonEngine | null): Uint8Array | null {
  return engine === null ? null : fromHex(engine.roundLeaders().proposer, 32);
}
