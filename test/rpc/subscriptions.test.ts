// ubn_subscribe kinds over a WebSocket, driven by events the fake node emits: what each kind
// notifies, in which order, and when it ends.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { formatAddress } from "../../crypto/index.ts";
import type { RpcServer } from "../../rpc/index.ts";
import { startRpcServer } from "../../rpc/index.ts";
import { FakeNodeApi, fakeBlock, filled, hexOf } from "./fake-node-api.ts";
import { type Json, TestWs } from "./ws-test-client.ts";

let api: FakeNodeApi;
let server: RpcServer;
let ws: TestWs;

beforeAll(async () => {
  api = new FakeNodeApi();
  server = await startRpcServer(api, { port: 0, rateLimit: null });
});
afterAll(() => server.close());
beforeAll(async () => {
  ws = await TestWs.open(server.url);
});
afterAll(() => ws.close());
afterEach(async () => {
  api.statuses.clear();
  expect(await ws.result("ubn_blockNumber")).toBe("0x1a");
});

const TX = filled(32, 0xab);
const OTHER = filled(32, 0xcd);
const ADDRESS = filled(20, 7);

describe("newHeads and finalizedHeads", () => {
  it("notify each block of their kind, encoded like ubn_getBlockByNumber, until unsubscribed", async () => {
    const heads = await ws.result("ubn_subscribe", ["newHeads"]);
    const finals = await ws.result("ubn_subscribe", ["finalizedHeads"]);
    api.emit({ kind: "newHead", block: fakeBlock(27n, [TX]) });
    api.emit({ kind: "finalizedHead", block: fakeBlock(26n), changed: [] });
    api.emit({ kind: "txAccepted", hashes: [TX] });
    const head = await ws.notification(heads);
    expect(head).toMatchObject({ height: "0x1b", transactions: [hexOf(TX)] });
    expect(head.hash).toBe(hexOf(fakeBlock(27n).hash));
    expect((await ws.notification(finals)).height).toBe("0x1a");

    expect(await ws.result("ubn_unsubscribe", [heads])).toBe(true);
    expect(await ws.result("ubn_unsubscribe", [finals])).toBe(true);
    api.emit({ kind: "newHead", block: fakeBlock(28n) });
    expect(await ws.result("ubn_chainId")).toBe("ubn-test"); // anything sent before this answer is in
    expect(ws.notificationsOf(heads)).toHaveLength(1);
    expect(api.listenerCount).toBe(0);
  });

  it("refuses unknown kinds and params where none are taken (-32602)", async () => {
    expect((await ws.call("ubn_subscribe", ["logs"])).error.code).toBe(-32602);
    expect((await ws.call("ubn_subscribe", ["newHeads", { x: 1 }])).error.code).toBe(-32602);
    expect((await ws.call("ubn_subscribe", ["transactionStatus", "0x12"])).error.code).toBe(-32602);
    expect((await ws.call("ubn_subscribe", ["accountChanges"])).error.code).toBe(-32602);
    expect((await ws.call("ubn_unsubscribe", [1])).error.code).toBe(-32602);
    expect(api.listenerCount).toBe(0);
  });
});

describe("transactionStatus", () => {
  it("goes accepted -> included -> finalized from events, then ends itself", async () => {
    const sub = await ws.result("ubn_subscribe", ["transactionStatus", hexOf(TX)]);
    api.emit({ kind: "txAccepted", hashes: [OTHER, TX] });
    api.emit({ kind: "newHead", block: fakeBlock(27n, [OTHER, TX]) });
    api.emit({ kind: "txAccepted", hashes: [TX] }); // late gossip: never a step back
    api.emit({ kind: "finalizedHead", block: fakeBlock(27n, [OTHER, TX]), changed: [] });
    const block = fakeBlock(27n);
    expect(await ws.notification(sub)).toEqual({
      hash: hexOf(TX),
      status: "accepted",
      height: null,
      blockHash: null,
      index: null,
    });
    expect(await ws.notification(sub)).toEqual({
      hash: hexOf(TX),
      status: "included",
      height: "0x1b",
      blockHash: hexOf(block.hash),
      index: "0x1",
    });
    expect(await ws.notification(sub)).toMatchObject({ status: "finalized", height: "0x1b", index: "0x1" });
    expect(await ws.result("ubn_unsubscribe", [sub])).toBe(false); // it ended after finalized
    expect(ws.notificationsOf(sub)).toHaveLength(3);
    expect(api.listenerCount).toBe(0);
  });

  it("sends the current status at once, after the reply that carries the id", async () => {
    api.statuses.set(hexOf(TX), { hash: TX, status: "included", height: 27n, blockHash: filled(32, 27), index: 0 });
    const before = ws.received.length;
    const sub = await ws.result("ubn_subscribe", ["transactionStatus", hexOf(TX)]);
    expect(await ws.notification(sub)).toMatchObject({ status: "included", height: "0x1b", index: "0x0" });
    const order = ws.received
      .slice(before)
      .map((m: Json) => (m.method === "ubn_subscription" ? "notification" : "reply"));
    expect(order).toEqual(["reply", "notification"]);
    await ws.result("ubn_unsubscribe", [sub]);
  });

  it("an unknown transaction sends nothing until it is seen", async () => {
    const sub = await ws.result("ubn_subscribe", ["transactionStatus", hexOf(TX)]);
    api.emit({ kind: "newHead", block: fakeBlock(27n, [OTHER]) });
    api.emit({ kind: "txAccepted", hashes: [TX] });
    expect((await ws.notification(sub)).status).toBe("accepted");
    expect(ws.notificationsOf(sub)).toHaveLength(1);
    await ws.result("ubn_unsubscribe", [sub]);
  });

  it("already finalized: one notification, and the subscription is over", async () => {
    api.statuses.set(hexOf(TX), { hash: TX, status: "finalized", height: 20n, blockHash: filled(32, 20), index: 3 });
    const sub = await ws.result("ubn_subscribe", ["transactionStatus", hexOf(TX)]);
    expect((await ws.notification(sub)).status).toBe("finalized");
    expect(await ws.result("ubn_unsubscribe", [sub])).toBe(false);
    expect(api.listenerCount).toBe(0);
  });
});

describe("accountChanges", () => {
  it("notifies the account after each committed block that changed it, and only those", async () => {
    const sub = await ws.result("ubn_subscribe", ["accountChanges", formatAddress(ADDRESS)]);
    const account = (balance: bigint, height: bigint) => ({ balance, nonce: 1n, staked: 0n, unbonding: 0n, height });

    api.accounts.set(hexOf(ADDRESS), account(500n, 27n));
    api.emit({ kind: "finalizedHead", block: fakeBlock(27n), changed: [filled(20, 1), ADDRESS] });
    expect(await ws.notification(sub)).toEqual({
      balance: "0x1f4",
      nonce: "0x1",
      staked: "0x0",
      unbonding: "0x0",
      height: "0x1b",
    });

    api.emit({ kind: "finalizedHead", block: fakeBlock(28n), changed: [filled(20, 1)] }); // not ours
    api.accounts.set(hexOf(ADDRESS), account(400n, 29n));
    api.emit({ kind: "finalizedHead", block: fakeBlock(29n), changed: [ADDRESS] });
    expect(await ws.notification(sub)).toMatchObject({ balance: "0x190", height: "0x1d" });
    expect(ws.notificationsOf(sub)).toHaveLength(2);
    await ws.result("ubn_unsubscribe", [sub]);
  });
});

describe("syncing", () => {
  it("notifies each change of the sync state, false once caught up", async () => {
    const sub = await ws.result("ubn_subscribe", ["syncing"]);
    const syncing = { syncing: true, startingBlock: 1n, currentBlock: 5n, highestBlock: 90n };
    api.emit({ kind: "syncing", syncing });
    api.emit({ kind: "syncing", syncing }); // not a change
    api.emit({ kind: "syncing", syncing: { ...syncing, syncing: false, currentBlock: 90n } });
    expect(await ws.notification(sub)).toEqual({ startingBlock: "0x1", currentBlock: "0x5", highestBlock: "0x5a" });
    expect(await ws.notification(sub)).toBe(false);
    expect(ws.notificationsOf(sub)).toHaveLength(2);
    await ws.result("ubn_unsubscribe", [sub]);
  });
});

describe("subscribing in a batch", () => {
  it("the ids arrive in the batch reply before any of their notifications", async () => {
    api.statuses.set(hexOf(TX), { hash: TX, status: "accepted", height: null, blockHash: null, index: null });
    const before = ws.received.length;
    ws.send([
      { jsonrpc: "2.0", id: "a", method: "ubn_subscribe", params: ["transactionStatus", hexOf(TX)] },
      { jsonrpc: "2.0", id: "b", method: "ubn_subscribe", params: ["newHeads"] },
    ]);
    const reply = await ws.next(Array.isArray);
    const [txSub, headSub] = reply.map((r: Json) => r.result);
    expect((await ws.notification(txSub)).status).toBe("accepted");
    expect(ws.received.indexOf(reply)).toBe(before);
    api.emit({ kind: "newHead", block: fakeBlock(27n) });
    expect((await ws.notification(headSub)).height).toBe("0x1b");
    for (const id of [txSub, headSub]) await ws.result("ubn_unsubscribe", [id]);
  });
});
