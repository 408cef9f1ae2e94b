import { describe, expect, it } from "vitest";
import { dataParam, quantityParam, RpcError, toJsonValue, toQuantity } from "../../rpc/index.ts";

const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(RpcError);
    return (e as RpcError).code;
  }
  throw new Error("expected a refusal");
};

describe("quantities", () => {
  it("are minimal lower-case 0x-hex", () => {
    expect(toQuantity(0n)).toBe("0x0");
    expect(toQuantity(26)).toBe("0x1a");
    expect(toQuantity(2n ** 128n - 1n)).toBe(`0x${"f".repeat(32)}`);
    expect(() => toQuantity(-1n)).toThrow(RangeError);
  });

  it("are read strictly: no leading zeros, no empty digits, within the bound", () => {
    expect(quantityParam("0x0", "n")).toBe(0n);
    expect(quantityParam("0x1A", "n")).toBe(26n);
    for (const bad of ["0x", "0x01", "1a", "0xg", 26, "-0x1", `0x1${"0".repeat(64)}`]) {
      expect(refusal(() => quantityParam(bad, "n"))).toBe(-32602);
    }
    expect(refusal(() => quantityParam("0x100", "n", 255n))).toBe(-32602);
  });
});

describe("data", () => {
  it("checks exact and maximum lengths", () => {
    expect(dataParam("0x", "d")).toEqual(new Uint8Array(0));
    expect(dataParam("0x0aFF", "d", { length: 2 })).toEqual(Uint8Array.of(10, 255));
    expect(refusal(() => dataParam("0x0a", "d", { length: 2 }))).toBe(-32602);
    expect(refusal(() => dataParam("0x0a0b0c", "d", { maxLength: 2 }))).toBe(-32602);
  });
});

describe("free-form values", () => {
  it("encode bigint and bytes deep inside objects and arrays", () => {
    expect(toJsonValue({ a: [1n, Uint8Array.of(1)], b: { c: -2n, d: "x", e: null } })).toEqual({
      a: ["0x1", "0x01"],
      b: { c: "-0x2", d: "x", e: null },
    });
  });
});
