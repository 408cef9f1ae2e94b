// The node as the RPC server sees it (rpc/api.ts): reads from the chain's store and committed
// state, and transaction admission through the chain's mempool, with the mempool's refusals
// mapped onto the documented RPC error codes.
import { blockCodec } from "../consensus/index.ts";
import { decode, equalBytes } from "../crypto/index.ts";
import {
  type RpcAccount,
  type RpcBlock,
  RpcError,
  RpcErrorCode,
  type RpcHealth,
  type RpcNodeApi,
  type RpcReceipt,
  type RpcStatus,
} from "../rpc/index.ts";
import { decodePayload } from "../shard/payload.ts";
import { decodeTransaction, transactionHash } from "../vm/index.ts";
import type { BlockStore } from "./chain/block-store.ts";
import type { ChainRunner } from "./chain/chain-runner.ts";
import { readCommittedAccount } from "./chain/committed-reader.ts";
import { decodeBlockPayload } from "./chain/stored-payload.ts";

const VERSION = "ubn/0.1.0";

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

export interface NodeRpcModules {
  chain: ChainRunner;
  store: BlockStore;
  stateKv: { get(key: Uint8Array): Promise<Uint8Array | undefined> };
  nodeId: string;
  peers(): number;
  /** A node is healthy when it runs and is not stopping; readiness (synced, peers) is reported in detail. */
  stopping(): boolean;
}

export function nodeRpcApi(m: NodeRpcModules): RpcNodeApi {
  const chain = m.chain;
  return {
    chainId: () => chain.opts.chainId,

    async sendRawTransaction(tx: Uint8Array): Promise<Uint8Array> {
      if (m.stopping()) throw new RpcError(RpcErrorCode.unavailable, "the node is shutting down");
      const [result] = await chain.submit([tx]);
      if (result === undefined) throw new RpcError(RpcErrorCode.internalError, "no result");
      if (result.ok) return result.hash;
      const code = MEMPOOL_TO_RPC[result.error.code] ?? RpcErrorCode.invalidTransaction;
      throw new RpcError(code, result.error.message, { reason: result.error.code });
    },

    async getAccount(address: Uint8Array): Promise<RpcAccount> {
      const height = chain.executor.tip.height;
      const a = await readCommittedAccount(m.stateKv, address);
      return { balance: a.balance, nonce: a.nonce, staked: a.staked, unbonding: a.unbonding, height };
    },

    async getTransactionReceipt(hash: Uint8Array): Promise<RpcReceipt | null> {
      const at = await m.store.txLocation(hash);
      if (at === undefined) return null;
      const [receipts, block] = await Promise.all([m.store.receiptsAt(at.height), m.store.blockAt(at.height)]);
      const r = receipts[at.index];
      if (r === undefined || block === undefined || !equalBytes(r.txHash, hash)) return null;
      let gasless = false;
      try {
        const tx = decodeBlockPayload(block.block).txs[at.index];
        if (tx !== undefined) gasless = decodeTransaction(tx).sponsor !== null;
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
      };
    },

    blockNumber: () => chain.executor.tip.height,

    async getBlockByNumber(height: bigint): Promise<RpcBlock | null> {
      if (height === 0n || height > chain.executor.tip.height) return null;
      const stored = await m.store.blockAt(height);
      if (stored === undefined) return null;
      const block = decode(blockCodec, stored.block);
      const payload = decodePayload(block.payload);
      return {
        height,
        hash: stored.hash,
        parentHash: block.parent,
        proposer: block.proposer,
        round: block.round,
        timeMs: payload.timeMs,
        stateRoot: payload.stateRoot,
        receiptsRoot: payload.receiptsRoot,
        transactions: payload.txs.map(transactionHash),
      };
    },

    status(): RpcStatus {
      const tip = chain.executor.tip;
      return {
        chainId: chain.opts.chainId,
        nodeId: m.nodeId,
        validator: chain.selfId !== null,
        height: tip.height,
        blockHash: tip.hash,
        stateRoot: tip.stateRoot,
        syncing: chain.mode === "syncing",
        peers: m.peers(),
        mempoolSize: chain.mempool.size,
        round: chain.engine?.status().round ?? 0n,
        version: VERSION,
      };
    },

    health(): RpcHealth {
      const tip = chain.executor.tip;
      return {
        ok: !m.stopping(),
        detail: { height: tip.height, mode: chain.mode, peers: m.peers() },
      };
    },
  };
}
