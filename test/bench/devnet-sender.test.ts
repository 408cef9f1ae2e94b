// The load client's refusals, against the real RPC server on 127.0.0.1: a call over the client's
// rate is counted as RATE_LIMITED and sent again like a full pool's refusal, not dropped as
// refused for good; a refusal with another reason is dropped.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { FIRST_RETRY_MS } from "../../bench/devnet-retry.ts";
import { LoadSender, refusalReason, refusedForNow } from "../../bench/devnet-sender.ts";
import { RpcError, RpcErrorCode, type RpcServer, startRpcServer } from "../../rpc/index.ts";
import { FakeNode } from "../rpc/fake-node.ts";

const servers: RpcServer[] = [];
const raw: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  for (const s of raw.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

const call = (id: number) =>
  JSON.stringify({ jsonrpc: "2.0", id, method: "ubn_sendRawTransaction", params: [`0x0${id}`] });

describe("load sender refusals", () => {
  it("name a refusal by the node's reason, or by its code when it has none", () => {
    expect(refusalReason({ code: -32016, data: { reason: "MEMPOOL_FULL" } })).toBe("MEMPOOL_FULL");
    expect(refusalReason({ code: -32033, data: {} })).toBe("RATE_LIMITED");
    expect(refusalReason({ code: -32603 })).toBe("code -32603");
    expect(refusedForNow("MEMPOOL_FULL")).toBe(true);
    expect(refusedForNow("RATE_LIMITED")).toBe(true);
    expect(refusedForNow("MEMPOOL_NONCE_TOO_LOW")).toBe(false);
  });

  it("send again the calls a rate-limited node refused, and drop those refused for good", async () => {
    const node = new FakeNode();
    const server = await startRpcServer(node, { port: 0, rateLimit: { perSecond: 5, burst: 3 } });
    servers.push(server);
    const dropped: number[] = [];
    const sender = new LoadSender([server.url], [0, 1, 2, 3, 4].map(call), (i) => dropped.push(i));

    sender.send([0, 1]); // within the burst of 3
    await sender.settle();
    sender.send([2, 3, 4]); // one token left: the whole batch is refused
    await sender.settle();
    expect(node.sent).toHaveLength(2);
    expect(sender.rejectedBy).toEqual({ RATE_LIMITED: 3 });
    expect(dropped).toEqual([]);

    // Due again after FIRST_RETRY_MS; the bucket refills to 3 in 400 ms.
    await new Promise((r) => setTimeout(r, FIRST_RETRY_MS + 300));
    sender.resendDue();
    await sender.settle();
    expect(sender.resent).toBe(3);
    expect(node.sent).toHaveLength(5);

    node.refuseWith = new RpcError(RpcErrorCode.nonceTooLow, "nonce already used", { reason: "MEMPOOL_NONCE_TOO_LOW" });
    await new Promise((r) => setTimeout(r, 300));
    sender.send([4]);
    await sender.settle();
    expect(dropped).toEqual([4]);
    expect(sender.rejectedBy).toEqual({ RATE_LIMITED: 3, MEMPOOL_NONCE_TOO_LOW: 1 });
  });

  it("send again a batch whose connection was reset, and take a duplicate then as accepted", async () => {
    // The first request's connection is cut before any answer; after that every call is
    // answered, transaction 1 as one the node already holds.
    const bodies: number[][] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const calls = JSON.parse(Buffer.concat(chunks).toString()) as { id: number }[];
        bodies.push(calls.map((c) => c.id));
        if (bodies.length === 1) {
          req.socket.destroy();
          return;
        }
        const answers = calls.map((c) =>
          c.id === 1
            ? {
                jsonrpc: "2.0",
                id: c.id,
                error: { code: -32010, message: "dup", data: { reason: "MEMPOOL_DUPLICATE" } },
              }
            : { jsonrpc: "2.0", id: c.id, result: "0x00" },
        );
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answers));
      });
    });
    raw.push(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const dropped: number[] = [];
    const sender = new LoadSender([url], [0, 1, 2].map(call), (i) => dropped.push(i));

    sender.send([0, 1, 2]);
    await sender.settle();
    expect(sender.rejectedBy).toEqual({ NOT_ANSWERED: 3 });
    expect(sender.unsettled).toBe(3);
    await new Promise((r) => setTimeout(r, FIRST_RETRY_MS + 50));
    sender.resendDue();
    await sender.settle();
    expect(bodies).toEqual([
      [0, 1, 2],
      [0, 1, 2],
    ]);
    expect(sender.resent).toBe(3);
    expect(sender.rejectedBy).toEqual({ NOT_ANSWERED: 3 });
    expect(dropped).toEqual([]);
    expect(sender.unsettled).toBe(0);
    sender.close();
  });
});
