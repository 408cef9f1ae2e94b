// The method table: each UBN method, the names of its positional parameters, and how it turns
// JSON params into a call on the node and the answer back into JSON (see encoding.ts).
// The dispatcher checks arity before calling, so a method only validates values.
// A new method is one more entry here; the transport (HTTP now, WebSocket later) is unaware.
import type { RpcNodeApi } from "./api.ts";
import { toData, toQuantity } from "./encoding.ts";
import { addressParam, dataParam, hashParam, quantityParam } from "./params.ts";
import { accountToJson, blockToJson, receiptToJson, statusToJson } from "./results.ts";

export interface RpcMethod {
  /** Names of the positional parameters, all required; used for arity checks and messages. */
  params: readonly string[];
  /** Called with exactly `params.length` values; returns a JSON-ready result. */
  call(params: readonly unknown[]): unknown;
}

/** A Map rather than an object, so "constructor" or "__proto__" can never resolve to a method. */
export type RpcMethodTable = Map<string, RpcMethod>;

export function createMethodTable(api: RpcNodeApi): RpcMethodTable {
  return new Map<string, RpcMethod>([
    ["ubn_chainId", { params: [], call: () => api.chainId() }],
    [
      "ubn_sendRawTransaction",
      {
        params: ["tx"],
        call: async ([tx]) => toData(await api.sendRawTransaction(dataParam(tx, "tx", { nonEmpty: true }))),
      },
    ],
    [
      "ubn_getAccount",
      {
        params: ["address"],
        call: async ([address]) => accountToJson(await api.getAccount(addressParam(address, "address"))),
      },
    ],
    [
      "ubn_getTransactionReceipt",
      {
        params: ["hash"],
        call: async ([hash]) => {
          const receipt = await api.getTransactionReceipt(hashParam(hash, "hash"));
          return receipt === null ? null : receiptToJson(receipt);
        },
      },
    ],
    ["ubn_blockNumber", { params: [], call: () => toQuantity(api.blockNumber()) }],
    [
      "ubn_getBlockByNumber",
      {
        params: ["height"],
        call: async ([height]) => {
          const block = await api.getBlockByNumber(quantityParam(height, "height", (1n << 64n) - 1n));
          return block === null ? null : blockToJson(block);
        },
      },
    ],
    ["ubn_status", { params: [], call: () => statusToJson(api.status()) }],
  ]);
}
