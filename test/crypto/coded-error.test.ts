// Typed errors (crypto/coded-error.ts): faults keep their stack; verdicts and answers (a
// refused transaction, a JSON-RPC error reply) are built without one, and leave the process's
// stack trace limit as they found it.
import { describe, expect, it } from "vitest";
import { CodedError, StacklessError } from "../../crypto/index.ts";
import { MempoolError, MempoolErrorCode } from "../../node/mempool/errors.ts";
import { RpcError, RpcErrorCode } from "../../rpc/errors.ts";

const frames = (e: Error) => (e.stack ?? "").split("\n").filter((l) => l.trimStart().startsWith("at ")).length;

describe("coded errors", () => {
  it("a fault keeps its stack; a stackless one has none, with its code, message and cause", () => {
    const fault = new CodedError("SOME_FAULT", "went wrong");
    expect(frames(fault)).toBeGreaterThan(0);
    const cause = new Error("inner");
    const verdict = new CodedError("SOME_VERDICT", "refused", { stackless: true, cause });
    expect(frames(verdict)).toBe(0);
    expect(verdict).toMatchObject({ code: "SOME_VERDICT", message: "refused", cause });
    expect(frames(new StacklessError("answer"))).toBe(0);
  });

  it("mempool refusals and RPC error replies carry no stack, and are still what they say", () => {
    const refusal = new MempoolError(MempoolErrorCode.full, "the mempool is full");
    expect(frames(refusal)).toBe(0);
    expect(refusal).toBeInstanceOf(MempoolError);
    expect(refusal).toBeInstanceOf(Error);
    expect(refusal).toMatchObject({ name: "MempoolError", code: "MEMPOOL_FULL" });
    const reply = new RpcError(RpcErrorCode.invalidParams, "bad", { reason: "x" });
    expect(frames(reply)).toBe(0);
    expect(reply).toMatchObject({ name: "RpcError", code: RpcErrorCode.invalidParams, data: { reason: "x" } });
    expect(String(reply)).toBe("RpcError: bad");
  });

  it("leaves Error.stackTraceLimit as it was, also when the constructor throws", () => {
    const before = Error.stackTraceLimit;
    new MempoolError(MempoolErrorCode.duplicate, "seen");
    new RpcError(RpcErrorCode.internalError, "x");
    expect(Error.stackTraceLimit).toBe(before);
    class Failing extends StacklessError {
      constructor() {
        super("never", {
          get cause(): unknown {
            throw new Error("options that throw");
          },
        });
      }
    }
    expect(() => new Failing()).toThrow("options that throw");
    expect(Error.stackTraceLimit).toBe(before);
    // And an error made afterwards has its stack again.
    expect(frames(new Error("after"))).toBeGreaterThan(0);
  });
});
