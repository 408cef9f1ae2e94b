import { describe, expect, it } from "vitest";
import { encodeBech32m } from "../../crypto/bech32m.ts";
import { formatAddress } from "../../crypto/index.ts";
import { RpcError, RpcErrorCode } from "../../rpc/index.ts";
import { ADDRESS, call, errorOf, filled, hexOf, rpc, TX_HASH, useRpcServer } from "./fake-node.ts";

useRpcServer();

describe("methods", () => {
  it("ubn_blockNumber: the last height as a quantity; params may be omitted", async () => {
    rpc.node.height = 0n;
    expect((await call("ubn_blockNumber", [])).body.result).toBe("0x0");
    rpc.node.height = 26n;
    expect((await call("ubn_blockNumber")).body.result).toBe("0x1a");
  });

  it("ubn_getBlockByNumber: header fields as data and quantities; null above the tip; bad heights refused", async () => {
    const { body } = await call("ubn_getBlockByNumber", ["0x1a"]);
    expect(body.result).toMatchObject({
      height: "0x1a",
      round: "0x1b",
      stateRoot: hexOf(filled(32, 2)),
      transactions: [hexOf(TX_HASH)],
    });
    expect((await call("ubn_getBlockByNumber", ["0x1b"])).body.result).toBeNull();
    expect((await call("ubn_getBlockByNumber", ["26"])).body.error.code).toBe(-32602);
    expect((await call("ubn_getBlockByNumber", [])).body.error.code).toBe(-32602);
  });

  it("ubn_chainId", async () => {
    expect((await call("ubn_chainId", [])).body.result).toBe("ubn-test");
  });

  it("ubn_getAccount: reads by bech32m address, answers exact quantities beyond 2^53", async () => {
    const { status, headers, body } = await call("ubn_getAccount", [formatAddress(ADDRESS)], "a");
    expect(status).toBe(200);
    expect(headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(body).toEqual({
      jsonrpc: "2.0",
      id: "a",
      result: { balance: "0x10000000000000001", nonce: "0x5", staked: "0x0", unbonding: "0xff", height: "0x1a" },
    });
    expect(rpc.node.accountsAsked.at(-1)).toEqual(ADDRESS);
  });

  it("ubn_getAccount: refuses bad addresses with -32602 and the reason", async () => {
    const good = formatAddress(ADDRESS);
    const typo = `${good.slice(0, -1)}${good.endsWith("q") ? "p" : "q"}`;
    const cases: [unknown, RegExp][] = [
      [typo, /checksum/],
      [encodeBech32m("btc", ADDRESS), /prefix is "btc"/],
      [encodeBech32m("isc", filled(32, 7)), /holds 32 bytes/],
      [hexOf(ADDRESS), /invalid address/],
      [42, /must be an "isc1\.\.\." address, got a number/],
      [null, /got null/],
    ];
    for (const [param, reason] of cases) {
      const error = await errorOf("ubn_getAccount", [param]);
      expect(error.code).toBe(-32602);
      expect(error.message).toMatch(reason);
    }
  });

  it("ubn_sendRawTransaction: passes the bytes, answers the hash as lower-case data", async () => {
    const { body } = await call("ubn_sendRawTransaction", ["0x01ABff"]);
    expect(body.result).toBe(hexOf(TX_HASH));
    expect(rpc.node.sent.at(-1)).toEqual(Uint8Array.of(0x01, 0xab, 0xff));
  });

  it("ubn_sendRawTransaction: refuses what is not hex data with -32602", async () => {
    for (const param of ["01ab", "0x1ab", "0xzz", "0x", 7, { tx: "0x01" }]) {
      const error = await errorOf("ubn_sendRawTransaction", [param]);
      expect(error.code).toBe(-32602);
      expect(error.message).toMatch(/^tx /);
    }
  });

  it("ubn_sendRawTransaction: a refusal by the node keeps its code, message and data", async () => {
    rpc.node.refuseWith = new RpcError(
      RpcErrorCode.nonceTooLow,
      "nonce too low: the account is at 5, the transaction has 3",
      {
        expected: "0x5",
      },
    );
    const error = await errorOf("ubn_sendRawTransaction", ["0x01"]);
    expect(error).toEqual({
      code: -32011,
      message: "nonce too low: the account is at 5, the transaction has 3",
      data: { expected: "0x5" },
    });
  });

  it("ubn_getTransactionReceipt: the receipt encoded, or null", async () => {
    rpc.node.receipts.set(hexOf(TX_HASH), {
      txHash: TX_HASH,
      height: 300n,
      blockHash: filled(32, 0xcd),
      index: 12,
      status: "failed",
      failure: { code: "TX_INSUFFICIENT_BALANCE", message: "balance 1 is below 9" },
      feePaid: 10n ** 18n,
      gasless: true,
      events: [{ kind: "transfer", fields: [ADDRESS, 0n, 4096n] }],
      shard: 1,
      credit: { shard: 0, height: 7n },
    });
    expect((await call("ubn_getTransactionReceipt", [hexOf(TX_HASH)])).body.result).toEqual({
      txHash: hexOf(TX_HASH),
      height: "0x12c",
      blockHash: hexOf(filled(32, 0xcd)),
      index: "0xc",
      status: "failed",
      failure: { code: "TX_INSUFFICIENT_BALANCE", message: "balance 1 is below 9" },
      feePaid: "0xde0b6b3a7640000",
      gasless: true,
      events: [{ kind: "transfer", fields: [hexOf(ADDRESS), "0x0", "0x1000"] }],
      shard: "0x1",
      credit: { shard: "0x0", height: "0x7" },
    });
    const { body } = await call("ubn_getTransactionReceipt", [hexOf(filled(32, 0))]);
    expect(body).toEqual({ jsonrpc: "2.0", id: 1, result: null });
  });

  it("ubn_getTransactionReceipt: a hash must be 32 bytes", async () => {
    const error = await errorOf("ubn_getTransactionReceipt", [hexOf(filled(31, 1))]);
    expect(error).toEqual({ code: -32602, message: "hash must be 32 bytes, got 31" });
  });

  it("ubn_status: every field, integers as quantities, hashes as data", async () => {
    expect((await call("ubn_status", [])).body.result).toEqual({
      chainId: "ubn-test",
      nodeId: "12D3KooWtest",
      validator: true,
      shard: "0x0",
      height: "0x1a",
      blockHash: hexOf(filled(32, 1)),
      stateRoot: hexOf(filled(32, 2)),
      syncing: false,
      peers: "0x3",
      mempoolSize: "0x11",
      round: "0x28",
      leader: hexOf(filled(32, 3)),
      version: "0.1.0",
    });
  });
});
