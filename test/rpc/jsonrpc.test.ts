import { describe, expect, it } from "vitest";
import { RpcError, RpcErrorCode } from "../../rpc/index.ts";
import { errorResponse, readRequest, resultResponse, serializeReply } from "../../rpc/jsonrpc.ts";

describe("the envelope", () => {
  it("reads params as [] when absent and keeps an absent id as a notification", () => {
    expect(readRequest({ jsonrpc: "2.0", method: "m" })).toEqual({
      request: { method: "m", params: [], id: undefined },
    });
    expect(readRequest({ jsonrpc: "2.0", method: "m", id: null, params: [1] })).toEqual({
      request: { method: "m", params: [1], id: null },
    });
  });

  it("turns a result that cannot be serialized into -32603 for that id only", () => {
    const errors: unknown[] = [];
    const text = serializeReply([resultResponse(1, "ok"), resultResponse(2, 5n)], (e) => errors.push(e));
    expect(JSON.parse(text)).toEqual([
      { jsonrpc: "2.0", id: 1, result: "ok" },
      { jsonrpc: "2.0", id: 2, error: { code: -32603, message: "internal error" } },
    ]);
    expect(errors).toHaveLength(1);
  });

  it("omits error.data when there is none", () => {
    expect(errorResponse(3, new RpcError(RpcErrorCode.mempoolFull, "full"))).toEqual({
      jsonrpc: "2.0",
      id: 3,
      error: { code: -32016, message: "full" },
    });
  });
});
