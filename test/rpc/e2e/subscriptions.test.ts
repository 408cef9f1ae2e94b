// WebSocket subscriptions on a real node process: a transfer's status goes accepted ->
// included -> finalized; the heads and the recipient's account changes arrive; and waiting
// for finality inside ubn_sendRawTransaction agrees with what the subscriptions saw.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addressBytesOf, formatAddress, generateKeyPair, toHex } from "../../../crypto/index.ts";
import { signedTransfer } from "../../../node/devnet/transfer.ts";
import { transactionHash } from "../../../vm/index.ts";
import { TestDevnet, waitFor } from "../../node/e2e/devnet-harness.ts";

interface Notification {
  subscription: string;
  result: unknown;
}

/** A JSON-RPC WebSocket client that keeps every notification by subscription id. */
class WsClient {
  readonly notifications: Notification[] = [];
  private readonly socket: WebSocket;
  private readonly waiting = new Map<number, (reply: { result?: unknown; error?: unknown }) => void>();
  private nextId = 1;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.addEventListener("message", (ev) => {
      const msg = JSON.parse(String(ev.data)) as {
        id?: number;
        method?: string;
        params?: Notification;
        result?: unknown;
        error?: unknown;
      };
      if (msg.method === "ubn_subscription" && msg.params !== undefined) this.notifications.push(msg.params);
      else if (msg.id !== undefined) this.waiting.get(msg.id)?.(msg);
    });
  }

  static open(url: string): Promise<WsClient> {
    const socket = new WebSocket(url);
    return new Promise((resolve, reject) => {
      socket.addEventListener("open", () => resolve(new WsClient(socket)));
      socket.addEventListener("error", () => reject(new Error(`cannot open ${url}`)));
    });
  }

  call(method: string, params: unknown[] = []): Promise<{ result?: unknown; error?: unknown }> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.socket.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
    });
  }

  async subscribe(kind: string, params?: unknown): Promise<string> {
    const reply = await this.call("ubn_subscribe", params === undefined ? [kind] : [kind, params]);
    if (typeof reply.result !== "string") throw new Error(`subscribe ${kind}: ${JSON.stringify(reply.error)}`);
    return reply.result;
  }

  of(subscription: string): unknown[] {
    return this.notifications.filter((n) => n.subscription === subscription).map((n) => n.result);
  }

  close(): void {
    this.socket.close();
  }
}

describe("WebSocket subscriptions on a running node", () => {
  let net: TestDevnet;
  let ws: WsClient;

  beforeAll(async () => {
    net = await TestDevnet.create({ validators: 1 });
    const node = net.running[0];
    if (node === null || node === undefined) throw new Error("the validator did not start");
    ws = await WsClient.open(node.rpc.replace(/^http/, "ws"));
  });

  afterAll(async () => {
    ws?.close();
    await net?.stop();
  });

  it("reports a transfer accepted, included, then finalized, with its block and the recipient's balance", async () => {
    const to = addressBytesOf(generateKeyPair().publicKey);
    const tx = signedTransfer(net.layout.chainId, net.faucet, to, 1500n, 0n);
    const hash = `0x${toHex(transactionHash(tx))}`;

    const status = await ws.subscribe("transactionStatus", hash);
    const heads = await ws.subscribe("newHeads");
    const finalized = await ws.subscribe("finalizedHeads");
    const account = await ws.subscribe("accountChanges", formatAddress(to));

    const sent = await ws.call("ubn_sendRawTransaction", [`0x${toHex(tx)}`, { waitUntil: "finalized" }]);
    expect(sent.result).toBe(hash);

    const statuses = await waitFor("the finalized status", 20_000, async () => {
      const s = ws.of(status) as { status: string; height: string | null }[];
      return s.some((x) => x.status === "finalized") ? s : undefined;
    });
    expect(statuses.map((s) => s.status)).toEqual(["accepted", "included", "finalized"]);
    const height = statuses[2]?.height as string;

    const finalHeads = await waitFor("its finalized head", 10_000, async () => {
      const f = ws.of(finalized) as { height: string; transactions: string[] }[];
      return f.some((b) => b.height === height) ? f : undefined;
    });
    expect(finalHeads.find((b) => b.height === height)?.transactions).toContain(hash);
    expect((ws.of(heads) as { transactions: string[] }[]).some((b) => b.transactions.includes(hash))).toBe(true);

    const changes = await waitFor("the recipient's account change", 10_000, async () => {
      const c = ws.of(account) as { balance: string }[];
      return c.length > 0 ? c : undefined;
    });
    expect(BigInt(changes[0]?.balance as string)).toBe(1500n);

    // The node agrees over HTTP, and unsubscribing works once, not twice.
    const receipt = await net.client(0).getTransactionReceipt(transactionHash(tx));
    expect(receipt?.height).toBe(BigInt(height));
    expect((await ws.call("ubn_unsubscribe", [heads])).result).toBe(true);
    expect((await ws.call("ubn_unsubscribe", [heads])).result).toBe(false);
  });
});
