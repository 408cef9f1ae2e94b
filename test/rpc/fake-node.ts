// A scripted RpcNodeApi and a server over it for the RPC tests. Faking the node is right here:
// what is under test is the server alone, which knows the node only through this interface.
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import {
  type RpcAccount,
  type RpcBlock,
  type RpcHealth,
  type RpcNodeApi,
  type RpcReceipt,
  type RpcServer,
  type RpcStatus,
  startRpcServer,
} from "../../rpc/index.ts";
import { FakeNodeApi } from "./fake-node-api.ts";

export const filled = (length: number, byte: number) => new Uint8Array(length).fill(byte);
export const hexOf = (bytes: Uint8Array) => `0x${Buffer.from(bytes).toString("hex")}`;

export type JsonRpcFailure = { error: { code: number; message: string; data?: unknown } };

export const ADDRESS = filled(20, 7);
export const TX_HASH = filled(32, 0xab);

/**
 * A scripted node: each call is recorded, each answer can be replaced per test. The methods
 * these tests do not script come from FakeNodeApi (the transport tests' fake).
 */
export class FakeNode extends FakeNodeApi implements RpcNodeApi {
  sent: Uint8Array[] = [];
  accountsAsked: Uint8Array[] = [];
  refuseWith: Error | null = null;
  healthy: RpcHealth = { ok: true, detail: { height: 26n, peers: 3 } };
  receipts = new Map<string, RpcReceipt>();
  override height = 26n;

  override chainId() {
    return "ubn-test";
  }
  override async sendRawTransaction(tx: Uint8Array) {
    if (this.refuseWith !== null) throw this.refuseWith;
    this.sent.push(tx);
    return TX_HASH;
  }
  override async getAccount(address: Uint8Array): Promise<RpcAccount> {
    this.accountsAsked.push(address);
    return { balance: 2n ** 64n + 1n, nonce: 5n, staked: 0n, unbonding: 255n, height: this.height };
  }
  override async getTransactionReceipt(hash: Uint8Array) {
    return this.receipts.get(hexOf(hash)) ?? null;
  }
  override blockNumber() {
    return this.height;
  }
  override async getBlockByNumber(height: bigint): Promise<RpcBlock | null> {
    if (height === 0n || height > this.height) return null;
    return {
      height,
      hash: filled(32, 3),
      parentHash: filled(32, 4),
      proposer: filled(32, 5),
      round: height + 1n,
      timeMs: 1_800_000_000_000n,
      stateRoot: filled(32, 2),
      receiptsRoot: filled(32, 6),
      transactions: [TX_HASH],
    };
  }
  override status(): RpcStatus {
    return {
      chainId: "ubn-test",
      nodeId: "12D3KooWtest",
      validator: true,
      shard: 0,
      height: this.height,
      blockHash: filled(32, 1),
      stateRoot: filled(32, 2),
      syncing: false,
      peers: 3,
      mempoolSize: 17,
      round: 40n,
      leader: filled(32, 3),
      version: "0.1.0",
    };
  }
  override health() {
    return this.healthy;
  }
}

/** The server of the current test file; set by useRpcServer(). */
export const rpc = {
  node: new FakeNode(),
  url: "",
  internalErrors: [] as { error: unknown; method: string }[],
};

/**
 * Starts a server (small caps: 4096-byte bodies, batches of 5) for the file, and after every
 * test checks that it still answers, whatever the test threw at it.
 */
export function useRpcServer(): void {
  let server: RpcServer | undefined;
  beforeAll(async () => {
    rpc.node = new FakeNode();
    server = await startRpcServer(rpc.node, {
      port: 0,
      maxBodyBytes: 4096,
      maxBatch: 5,
      onInternalError: (error, method) => rpc.internalErrors.push({ error, method }),
    });
    rpc.url = server.url;
  });
  afterAll(async () => {
    await server?.close();
  });
  afterEach(async () => {
    rpc.node.refuseWith = null;
    rpc.node.healthy = { ok: true, detail: {} };
    const { body } = await call("ubn_blockNumber", []);
    expect(body).toEqual({ jsonrpc: "2.0", id: 1, result: "0x1a" });
  });
}

export async function post(body: string | Uint8Array, contentType = "application/json") {
  const res = await fetch(`${rpc.url}/`, { method: "POST", headers: { "content-type": contentType }, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: text === "" ? undefined : JSON.parse(text) };
}

export function call(method: string, params?: unknown, id: unknown = 1) {
  return post(JSON.stringify({ jsonrpc: "2.0", id, method, ...(params === undefined ? {} : { params }) }));
}

/** The error of a call that must fail (HTTP 200, no result). */
export async function errorOf(method: string, params?: unknown) {
  const { status, body } = await call(method, params);
  expect(status).toBe(200);
  expect(body.result).toBeUndefined();
  return body.error as JsonRpcFailure["error"];
}
