// The RPC of a validator that follows some shards only: reads of another shard answer -32023
// instead of its stale state, a hash lookup the followed shards do not know does too, a
// transaction for any shard is handed to that shard's chain (which passes it on), and waiting
// for the status of one it cannot watch answers -32023 at once, not after the wait times out.
import { describe, expect, it } from "vitest";
import { addressBytesOf, generateKeyPair, type KeyPair } from "../../../crypto/index.ts";
import { signedTransfer, transferSigner } from "../../../node/devnet/transfer.ts";
import { routedRpcApi } from "../../../node/shards/rpc-router.ts";
import { RpcErrorCode } from "../../../rpc/errors.ts";
import { createMethodTable } from "../../../rpc/methods.ts";
import { shardOfAddress } from "../../../vm/cross-shard/shard-of.ts";
import { FakeNodeApi, hexOf } from "../../rpc/fake-node-api.ts";

const S = 2;
const keyOnShard = (shard: number): KeyPair => {
  for (;;) {
    const k = generateKeyPair();
    if (shardOfAddress(addressBytesOf(k.publicKey), S) === shard) return k;
  }
};

function router(followed: (k: number) => boolean = (k) => k === 0) {
  const shards = [new FakeNodeApi(), new FakeNodeApi()];
  (shards[1] as FakeNodeApi).height = 40n;
  const sent: number[] = [];
  shards.forEach((s, k) => {
    const send = s.sendRawTransaction.bind(s);
    s.sendRawTransaction = async (tx) => {
      sent.push(k);
      return send(tx);
    };
  });
  const api = routedRpcApi(
    shards,
    () => ({ shards: S, addressRule: "", chains: [] }),
    async () => undefined,
    followed,
  );
  return { api, sent };
}

const refused = async (call: () => unknown) =>
  Promise.resolve()
    .then(call)
    .then(
      () => null,
      (e: { code?: number }) => e.code,
    );

describe("routedRpcApi on a validator that follows shard 0 only", () => {
  it("answers reads of shard 0 and refuses reads of shard 1 with shardNotFollowed", async () => {
    const { api } = router();
    const on0 = addressBytesOf(keyOnShard(0).publicKey);
    const on1 = addressBytesOf(keyOnShard(1).publicKey);
    expect((await api.getAccount(on0, "latest")).balance).toBe(0n);
    expect(api.blockNumber(0)).toBe(26n);
    expect(await refused(() => api.getAccount(on1, "latest"))).toBe(RpcErrorCode.shardNotFollowed);
    expect(await refused(() => api.blockNumber(1))).toBe(RpcErrorCode.shardNotFollowed);
    expect(await refused(() => api.getBlockByNumber(3n, 1))).toBe(RpcErrorCode.shardNotFollowed);
    // Unknown on shard 0, and shard 1 was not asked: not "null", which would say unknown.
    expect(await refused(() => api.getTransactionReceipt(new Uint8Array(32)))).toBe(RpcErrorCode.shardNotFollowed);
  });

  it("hands a transaction to its sender's shard, followed or not", async () => {
    const { api, sent } = router();
    const from = transferSigner(keyOnShard(1).secretKey);
    await api.sendRawTransaction(signedTransfer("ubn-test", from, new Uint8Array(20), 5n, 0n));
    expect(sent).toEqual([1]);
  });

  it("answers -32023 at once when asked to wait for a transaction of a shard it cannot watch", async () => {
    const { api } = router();
    const from = transferSigner(keyOnShard(1).secretKey);
    const tx = signedTransfer("ubn-test", from, new Uint8Array(20), 5n, 0n);
    const send = createMethodTable(api).get("ubn_sendRawTransaction");
    const code = await refused(() => send?.call([hexOf(tx), { waitUntil: "finalized", timeoutMs: "0x7d0" }]));
    // Without the early answer, this would be waitTimeout (-32022) after the 2 s wait.
    expect(code).toBe(RpcErrorCode.shardNotFollowed);
  });

  it("reports in ubn_status the tip of the first shard it follows, and names that shard", () => {
    expect(router().api.status()).toMatchObject({ shard: 0, height: 26n });
    // A validator seated on shard 1 only: shard 0's stored tip is stale, shard 1's is reported.
    expect(router((k) => k === 1).api.status()).toMatchObject({ shard: 1, height: 40n });
  });
});
