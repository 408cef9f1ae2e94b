// JSON-RPC on a sharded network: one API per shard (node/node-rpc.ts over that shard's chain),
// and this router in front. A transaction goes to its sender's shard and an account read to
// the address's shard (the address rule fixed at genesis); a hash lookup asks every shard;
// block reads take a shard (0 when omitted); the status and health summarize every shard.
// A validator executes only the shards whose committees seat it (shard-following.ts): a read
// of another shard's state or blocks answers shardNotFollowed, a transaction for it is checked
// without state and passed on (ChainRunner.submit), and a hash lookup that the followed shards
// do not know answers shardNotFollowed too, rather than a null that would say "unknown".
import { addressBytesOf } from "../../crypto/index.ts";
import { RpcError, RpcErrorCode, type RpcNodeApi, type RpcShardLayout } from "../../rpc/index.ts";
import { shardOfAddress } from "../../vm/cross-shard/shard-of.ts";
import { decodeTransaction } from "../../vm/index.ts";

export function routedRpcApi(
  shards: readonly RpcNodeApi[],
  layout: () => RpcShardLayout,
  /** The height of the block of `shard` that credited the receipt of transaction `origin`. */
  creditHeight: (shard: number, origin: Uint8Array) => Promise<bigint | undefined>,
  /** Whether this node follows (executes) the shard now. */
  following: (shard: number) => boolean = () => true,
): RpcNodeApi {
  const S = shards.length;
  const first = shards[0] as RpcNodeApi;
  const notFollowed = (k: number[]) =>
    new RpcError(
      RpcErrorCode.shardNotFollowed,
      `this node does not follow shard ${k.join(", ")} now; ask a node that does (ubn_getShardLayout: following)`,
      { shard: k[0], shards: k },
    );
  /** Shard `k`'s API, for a read of its state or blocks. */
  const onShard = (k: number | undefined): RpcNodeApi => {
    const shard = k ?? 0;
    const api = shards[shard];
    if (api === undefined) return first;
    if (!following(shard)) throw notFollowed([shard]);
    return api;
  };
  const byAddress = (address: Uint8Array) => onShard(shardOfAddress(address, S));
  /** The first answer that is not null (or not "unknown"), asking shard after shard. */
  async function anyShard<T>(ask: (api: RpcNodeApi) => Promise<T>, found: (t: T) => boolean): Promise<T> {
    let last: T | undefined;
    const skipped: number[] = [];
    for (const [k, api] of shards.entries()) {
      if (!following(k)) {
        skipped.push(k);
        continue;
      }
      last = await ask(api);
      if (found(last)) return last;
    }
    if (skipped.length > 0) throw notFollowed(skipped);
    return last as T;
  }
  return {
    ...first,
    async sendRawTransaction(tx) {
      let sender: Uint8Array;
      try {
        sender = addressBytesOf(decodeTransaction(tx).sender);
      } catch (e) {
        throw new RpcError(RpcErrorCode.invalidTransaction, `tx does not decode: ${(e as Error).message}`);
      }
      // Any shard's: one this node does not follow passes it on (ChainRunner.submit).
      return (shards[shardOfAddress(sender, S)] ?? first).sendRawTransaction(tx);
    },
    getAccount: (address, tag) => byAddress(address).getAccount(address, tag),
    getProof: (address) => byAddress(address).getProof(address),
    async getTransactionReceipt(hash) {
      const r = await anyShard(
        (a) => a.getTransactionReceipt(hash),
        (x) => x !== null,
      );
      if (r === null || r.credit === null) return r;
      return { ...r, credit: { shard: r.credit.shard, height: (await creditHeight(r.credit.shard, hash)) ?? null } };
    },
    getTransactionByHash: (hash) =>
      anyShard(
        (a) => a.getTransactionByHash(hash),
        (r) => r !== null,
      ),
    getTransactionStatus: (hash) =>
      anyShard(
        (a) => a.getTransactionStatus(hash),
        (r) => r.status !== "unknown",
      ),
    getBlockByHash: (hash) =>
      anyShard(
        (a) => a.getBlockByHash(hash),
        (r) => r !== null,
      ),
    blockNumber: (shard) => onShard(shard).blockNumber(),
    getBlockByNumber: (height, shard) => onShard(shard).getBlockByNumber(height),
    getBlockTransactions: (height, shard) => onShard(shard).getBlockTransactions(height),
    shardLayout: layout,
    status() {
      // Height, hash, root and round are those of the first shard this node follows (a validator
      // may follow shard 1 only: shard 0's stored tip would be stale); the rest is the node's.
      const s = shards.map((a) => a.status());
      const k = Math.max(
        0,
        s.findIndex((_, i) => following(i)),
      );
      const base = s[k] as ReturnType<RpcNodeApi["status"]>;
      return {
        ...base,
        shard: k,
        syncing: s.some((x, i) => following(i) && x.syncing),
        mempoolSize: s.reduce((n, x) => n + x.mempoolSize, 0),
      };
    },
    health() {
      const h = shards.map((a) => a.health());
      return { ok: h.every((x) => x.ok), detail: { ...(h[0] as ReturnType<RpcNodeApi["health"]>).detail } };
    },
    subscribe(listener) {
      const stops = shards.map((a) => a.subscribe(listener));
      return () => {
        for (const s of stops) s();
      };
    },
  };
}
