// The typed client against the real server (HTTP and WebSocket) over an in-memory node: what a
// wallet author gets back (bigint quantities, 0x data, isc1 addresses), how errors arrive
// (RpcError with code and data; RpcClientError for transport trouble), batches, and the
// subscriptions that drive waitForTransaction.
import { createServer } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { formatAddress } from "../../crypto/index.ts";
import type { RpcAccount, RpcReceipt, RpcStateTag, RpcTransaction } from "../../rpc/api.ts";
import { RpcClient, RpcClientError, RpcError, RpcErrorCode, RpcSocket, ubn, wsUrlOf } from "../../rpc/client.ts";
import { closeServer, listen } from "../../rpc/http-listen.ts";
import { type RpcServer, startRpcServer } from "../../rpc/server.ts";
import { FakeNodeApi, fakeBlock, filled, hexOf } from "./fake-node-api.ts";

const ADDRESS = filled(20, 7);
const ADDRESS_TEXT = formatAddress(ADDRESS);
const BIG = 2n ** 64n + 1n;

/** The shared fake plus what the client tests need: refusals, receipts, transactions, tags seen. */
class ClientFakeNode extends FakeNodeApi {
  refuseWith: Error | null = null;
  tags: (RpcStateTag | undefined)[] = [];
  receipts = new Map<string, RpcReceipt>();
  transactions = new Map<string, RpcTransaction>();

  override async sendRawTransaction(tx: Uint8Array) {
    if (this.refuseWith !== null) throw this.refuseWith;
    return super.sendRawTransaction(tx);
  }
  override async getAccount(address: Uint8Array, tag?: RpcStateTag): Promise<RpcAccount> {
    this.tags.push(tag);
    return super.getAccount(address);
  }
  override async getTransactionReceipt(hash: Uint8Array) {
    return this.receipts.get(hexOf(hash)) ?? null;
  }
  override async getTransactionByHash(hash: Uint8Array) {
    return this.transactions.get(hexOf(hash)) ?? null;
  }
}

let node: ClientFakeNode;
let server: RpcServer;
let client: RpcClient;

beforeAll(async () => {
  node = new ClientFakeNode();
  server = await startRpcServer(node, { port: 0 });
  client = new RpcClient(server.url);
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  node.refuseWith = null;
  node.tags = [];
  node.statuses.clear();
  node.accounts.set(hexOf(ADDRESS), { balance: BIG, nonce: 5n, staked: 3n, unbonding: 0n, height: 26n });
});

describe("RpcClient: values", () => {
  it("decodes quantities to bigint past 2^53 and passes state tags", async () => {
    expect(await client.getAccount(ADDRESS_TEXT)).toEqual({
      balance: BIG,
      nonce: 5n,
      staked: 3n,
      unbonding: 0n,
      height: 26n,
    });
    expect(await client.getBalance(ADDRESS)).toBe(BIG); // address bytes are accepted too
    expect(await client.getTransactionCount(ADDRESS_TEXT, "pending")).toBe(5n);
    expect(node.tags).toEqual(["latest", "latest", "pending"]); // an omitted tag reads as latest
    expect(await client.blockNumber()).toBe(26n);
    expect(await client.blockNumber(0)).toBe(26n);
  });

  it("reads blocks by height and tag as 0x data with bigint fields; null above the tip", async () => {
    const block = await client.getBlockByNumber(3n);
    expect(block?.height).toBe(3n);
    expect(block?.hash).toBe(hexOf(filled(32, 3)));
    expect(block?.timeMs).toBe(1_800_000_000_003n);
    expect((await client.getBlockByNumber("latest"))?.height).toBe(26n);
    expect((await client.getBlockByNumber("earliest"))?.height).toBe(1n);
    expect(await client.getBlockByNumber(27n)).toBeNull();
  });

  it("decodes status, fee estimates, syncing, layout, version", async () => {
    const s = await client.getStatus();
    expect(s).toMatchObject({ chainId: "ubn-test", height: 26n, peers: 1n, round: 40n, syncing: false });
    expect((await client.status()).peers).toBe("0x1"); // the deprecated raw form is unchanged
    expect(await client.estimateFee()).toEqual({
      perByte: 1n,
      perType: { transfer: 10n },
      minimum: 110n,
      suggested: 120n,
      bytes: 100n,
    });
    expect(await client.syncing()).toBe(false);
    expect((await client.getShardLayout()).shards).toBe(1n);
    expect(await client.chainId()).toBe("ubn-test");
    expect(await client.clientVersion()).toMatch(/0\.1\.0\/node-v24/);
    expect(await client.peerCount()).toBe(1n);
  });

  it("reads a transaction, its receipt and statuses", async () => {
    const hash = filled(32, 0xab);
    node.statuses.set(hexOf(hash), { hash, status: "finalized", height: 9n, blockHash: filled(32, 9), index: 2 });
    node.receipts.set(hexOf(hash), {
      txHash: hash,
      height: 9n,
      blockHash: filled(32, 9),
      index: 2,
      status: "success",
      failure: null,
      feePaid: 120n,
      gasless: false,
      events: [{ kind: "transfer", fields: [ADDRESS, 7n] }],
      shard: 1,
      credit: { shard: 0, height: null },
    });
    node.transactions.set(hexOf(hash), {
      hash,
      raw: filled(10, 1),
      sender: ADDRESS,
      nonce: 4n,
      fee: 120n,
      sponsor: null,
      type: "transfer",
      payload: { to: ADDRESS, amount: BIG },
      status: { hash, status: "finalized", height: 9n, blockHash: filled(32, 9), index: 2 },
    });
    const receipt = await client.getTransactionReceipt(hash);
    expect(receipt).toMatchObject({
      height: 9n,
      index: 2n,
      feePaid: 120n,
      status: "success",
      shard: 1n,
      credit: { shard: 0n, height: null },
    });
    expect(receipt?.events[0]).toEqual({ kind: "transfer", fields: [hexOf(ADDRESS), "0x7"] });
    const t = await client.getTransactionByHash(hexOf(hash) as `0x${string}`);
    expect(t).toMatchObject({ sender: ADDRESS_TEXT, nonce: 4n, fee: 120n, type: "transfer", sponsor: null });
    expect(t?.payload).toEqual({ to: hexOf(ADDRESS), amount: `0x${BIG.toString(16)}` });
    const [s, unknown] = await client.getTransactionStatuses([hash, filled(32, 1)]);
    expect(s).toEqual({
      hash: hexOf(hash),
      status: "finalized",
      height: 9n,
      blockHash: hexOf(filled(32, 9)),
      index: 2n,
    });
    expect(unknown?.status).toBe("unknown");
    expect(await client.getTransactionReceipt(filled(32, 1))).toBeNull();
  });
});

describe("RpcClient: sending", () => {
  it("returns the hash as 0x data (and as bytes from the deprecated method)", async () => {
    expect(await client.sendTransaction(new Uint8Array([0x11, 2, 3]))).toBe(hexOf(filled(32, 0x11)));
    expect(await client.sendRawTransaction(new Uint8Array([0x12]))).toEqual(filled(32, 0x12));
  });

  it("throws a refusal as RpcError with the node's code and data", async () => {
    node.refuseWith = new RpcError(RpcErrorCode.insufficientFunds, "cannot pay the fee", { reason: "funds" });
    const e = await client.sendTransaction(new Uint8Array([1])).catch((x) => x);
    expect(e).toBeInstanceOf(RpcError);
    expect(e).toMatchObject({ code: -32013, message: "cannot pay the fee", data: { reason: "funds" } });
  });

  it("waits until finalized, or fails with -32022 and the status reached", async () => {
    const tx = new Uint8Array([0x21]);
    const hash = filled(32, 0x21);
    node.statuses.set(hexOf(hash), { hash, status: "finalized", height: 4n, blockHash: filled(32, 4), index: 0 });
    expect(await client.sendTransaction(tx, { waitUntil: "finalized" })).toBe(hexOf(hash));

    node.statuses.set(hexOf(hash), { hash, status: "accepted", height: null, blockHash: null, index: null });
    const e = await client.sendTransaction(tx, { waitUntil: "included", timeoutMs: 150 }).catch((x) => x);
    expect(e).toBeInstanceOf(RpcError);
    expect(e.code).toBe(RpcErrorCode.waitTimeout);
    expect(e.data).toEqual({ hash: hexOf(hash), status: "accepted" });
  });

  it("polls a transaction to a status over HTTP", async () => {
    const hash = filled(32, 0x31);
    node.statuses.set(hexOf(hash), { hash, status: "accepted", height: null, blockHash: null, index: null });
    setTimeout(
      () =>
        node.statuses.set(hexOf(hash), { hash, status: "included", height: 5n, blockHash: filled(32, 5), index: 1 }),
      100,
    );
    const s = await client.waitForTransaction(hash, "included", { intervalMs: 20, timeoutMs: 5000 });
    expect(s).toMatchObject({ status: "included", height: 5n, index: 1n });
    await expect(
      client.waitForTransaction(filled(32, 0x32), "finalized", { intervalMs: 20, timeoutMs: 60 }),
    ).rejects.toMatchObject({ code: RpcErrorCode.waitTimeout, data: { status: "unknown" } });
  }, 10_000);
});

describe("RpcClient: batches", () => {
  it("sends several calls in one request with each result typed", async () => {
    const [height, balance, chain] = await client.batch(ubn.blockNumber(), ubn.getBalance(ADDRESS_TEXT), ubn.chainId());
    expect(height).toBe(26n);
    expect(balance).toBe(BIG);
    expect(chain).toBe("ubn-test");
  });

  it("throws the first failure from batch(), keeps each outcome in batchSettled()", async () => {
    const bad = { method: "ubn_noSuchMethod", params: [], decode: (r: unknown) => r };
    await expect(client.batch(ubn.blockNumber(), bad)).rejects.toMatchObject({ code: RpcErrorCode.methodNotFound });
    const [ok, failed] = await client.batchSettled(ubn.blockNumber(), bad);
    expect(ok).toEqual({ ok: true, value: 26n });
    expect(failed.ok).toBe(false);
    if (!failed.ok) expect(failed.error).toBeInstanceOf(RpcError);
  });
});

describe("RpcClient: transport failures", () => {
  it("says when nothing answers at the URL", async () => {
    const e = await new RpcClient("http://127.0.0.1:1").blockNumber().catch((x) => x);
    expect(e).toBeInstanceOf(RpcClientError);
    expect(e.code).toBe("RPC_UNREACHABLE");
    expect(e.message).toContain("127.0.0.1:1");
  });

  it("refuses an answer that does not have the documented shape", async () => {
    const liar = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ jsonrpc: "2.0", id: 1, result: { balance: 12, nonce: "0x1" } }));
    });
    const url = await listen(liar, "127.0.0.1", 0);
    try {
      const e = await new RpcClient(url).getAccount(ADDRESS_TEXT).catch((x) => x);
      expect(e).toBeInstanceOf(RpcClientError);
      expect(e.code).toBe("RPC_BAD_RESPONSE");
      expect(e.message).toContain("account.balance");
    } finally {
      await closeServer(liar);
    }
  });

  it("reports an HTTP error without a JSON-RPC body with its status", async () => {
    const proxy = createServer((_req, res) => {
      res.writeHead(502, { "content-type": "text/plain" });
      res.end("bad gateway");
    });
    const url = await listen(proxy, "127.0.0.1", 0);
    try {
      const e = await new RpcClient(url).chainId().catch((x) => x);
      expect(e).toMatchObject({ code: "RPC_HTTP" });
      expect(e.message).toContain("502");
    } finally {
      await closeServer(proxy);
    }
  });
});

describe("RpcSocket", () => {
  let socket: RpcSocket;
  beforeAll(async () => {
    socket = await RpcSocket.connect(wsUrlOf(server.url));
  });
  afterAll(async () => {
    await socket.close();
  });

  it("answers the same typed methods and batches", async () => {
    expect(await socket.getBalance(ADDRESS_TEXT)).toBe(BIG);
    const [h, c] = await socket.batch(ubn.blockNumber(), ubn.chainId());
    expect([h, c]).toEqual([26n, "ubn-test"]);
    await expect(socket.call("ubn_noSuchMethod")).rejects.toMatchObject({ code: RpcErrorCode.methodNotFound });
  });

  it("delivers new heads until unsubscribed", async () => {
    const heights: bigint[] = [];
    const stop = await socket.subscribe("newHeads", undefined, (b) => heights.push(b.height));
    node.emit({ kind: "newHead", block: fakeBlock(27n) });
    node.emit({ kind: "newHead", block: fakeBlock(28n) });
    await until(() => heights.length === 2);
    await stop();
    node.emit({ kind: "newHead", block: fakeBlock(29n) });
    // A call after the event makes sure any notification sent before it has arrived.
    await socket.blockNumber();
    expect(heights).toEqual([27n, 28n]);
  });

  it("notifies an account's changes after the blocks that wrote it", async () => {
    const seen: bigint[] = [];
    const stop = await socket.subscribe("accountChanges", ADDRESS_TEXT, (a) => seen.push(a.balance));
    node.accounts.set(hexOf(ADDRESS), { balance: 77n, nonce: 6n, staked: 0n, unbonding: 0n, height: 27n });
    node.emit({ kind: "finalizedHead", block: fakeBlock(27n), changed: [ADDRESS] });
    await until(() => seen.length === 1);
    expect(seen).toEqual([77n]);
    await stop();
  });

  it("waits for a transaction through its status notifications", async () => {
    const hash = filled(32, 0x41);
    const waiting = socket.waitForTransaction(hash, "finalized", { timeoutMs: 5000 });
    await until(() => node.listenerCount > 0);
    await new Promise((r) => setTimeout(r, 50));
    node.emit({ kind: "txAccepted", hashes: [hash] });
    node.emit({ kind: "newHead", block: fakeBlock(30n, [hash]) });
    node.emit({ kind: "finalizedHead", block: fakeBlock(30n, [hash]), changed: [] });
    expect(await waiting).toMatchObject({ status: "finalized", height: 30n, index: 0n });
  });

  it("resolves at once for a transaction already final, and times out with -32022 otherwise", async () => {
    const done = filled(32, 0x42);
    node.statuses.set(hexOf(done), { hash: done, status: "finalized", height: 8n, blockHash: filled(32, 8), index: 0 });
    expect((await socket.waitForTransaction(done, "included")).status).toBe("finalized");
    const e = await socket.waitForTransaction(filled(32, 0x43), "included", { timeoutMs: 100 }).catch((x) => x);
    expect(e).toBeInstanceOf(RpcError);
    expect(e).toMatchObject({ code: RpcErrorCode.waitTimeout, data: { status: "unknown" } });
  });

  it("fails pending calls with RPC_CLOSED when the socket closes, and cannot connect to nothing", async () => {
    const other = await RpcSocket.connect(wsUrlOf(server.url));
    const ended: Error[] = [];
    await other.subscribe(
      "finalizedHeads",
      undefined,
      () => {},
      (e) => ended.push(e),
    );
    await other.close();
    expect(ended[0]).toBeInstanceOf(RpcClientError);
    await expect(other.blockNumber()).rejects.toMatchObject({ code: "RPC_CLOSED" });
    await expect(RpcSocket.connect("ws://127.0.0.1:1")).rejects.toMatchObject({ code: "RPC_UNREACHABLE" });
  });
});

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}
