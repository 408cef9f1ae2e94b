// The OpenRPC document against the official meta-schema, the method table, the error codes of
// rpc/errors.ts and its own examples. The live counterpart (every method called on a running
// devnet, answers checked against this document) is e2e/openrpc-coverage.test.ts.
import { parseOpenRPCDocument, validateOpenRPCDocument } from "@open-rpc/schema-utils-js";
import { describe, expect, it } from "vitest";
import type { RpcNodeApi } from "../../rpc/api.ts";
import { RpcErrorCode } from "../../rpc/errors.ts";
import { createMethodTable } from "../../rpc/methods.ts";
import { EXAMPLE_NOTIFICATIONS } from "../../rpc/openrpc/node-methods.ts";
import { openRpcDocument } from "../../rpc/openrpc.ts";
import { schemaChecker } from "./e2e/openrpc-check.ts";

const doc = openRpcDocument();
const checker = schemaChecker(doc);
// The table calls the node only when a method is called; building it needs no node.
const table = createMethodTable({} as RpcNodeApi, { admin: true });

/** The schema-utils functions take their own document type; ours is the same JSON. */
const asTooling = (d: unknown): any => structuredClone(d);

/** The paths of the $ref members left in a JSON value. */
function refsIn(value: unknown, path = ""): string[] {
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([k, v]) => (k === "$ref" ? [path] : refsIn(v, `${path}/${k}`)));
}

describe("OpenRPC document", () => {
  it("is a valid OpenRPC 1.2.6 document (official meta-schema)", () => {
    expect(doc.openrpc).toBe("1.2.6");
    const verdict = validateOpenRPCDocument(asTooling(doc));
    expect(verdict === true ? true : String((verdict as { message: string }).message)).toBe(true);
  });

  it("the validator is not vacuous: a broken document is refused", () => {
    const broken = asTooling(doc);
    broken.methods[0].paramStructure = "by-guess";
    delete broken.methods[1].params;
    expect(validateOpenRPCDocument(broken)).not.toBe(true);
  });

  it("dereferences: every $ref resolves", async () => {
    // x-notifications is our extension; the dereferencer leaves extensions alone.
    const input = asTooling(doc);
    for (const m of input.methods) delete m["x-notifications"];
    expect(refsIn(await parseOpenRPCDocument(input, { dereference: true }))).toEqual([]);
    for (const m of doc.methods) checker.errorCodes(m); // throws on an unresolved error $ref
  });

  it("is built once, and frozen", () => {
    expect(openRpcDocument()).toBe(doc);
    expect(Object.isFrozen(doc.methods[0]?.params)).toBe(true);
  });

  it("documents every method of the table, and only those", () => {
    const documented = doc.methods.map((m) => m.name).sort();
    const served = [...table.keys()].sort();
    expect(new Set(documented).size).toBe(documented.length);
    expect(documented.filter((n) => !served.includes(n))).toEqual([]);
    expect(served.filter((n) => !documented.includes(n))).toEqual([]);
  });

  it("names the params as the table does, in the same order, optional ones marked '?' there", () => {
    for (const [name, m] of table) {
      const documented = doc.methods
        .find((d) => d.name === name)
        ?.params.map((p) => (p.required === true ? p.name : `${p.name}?`));
      expect({ name, params: documented }).toEqual({ name, params: [...m.params] });
    }
  });

  it("rpc.discover answers this document", async () => {
    expect(await table.get("rpc.discover")?.call([])).toBe(doc);
  });

  it("is positional, with optional params only at the end", () => {
    for (const m of doc.methods) {
      expect(m.paramStructure).toBe("by-position");
      const required = m.params.map((p) => p.required === true);
      expect({ name: m.name, required }).toEqual({ name: m.name, required: [...required].sort().reverse() });
    }
  });

  it("documents only error codes of rpc/errors.ts, each once", () => {
    const known = new Set<number>(Object.values(RpcErrorCode));
    const codes = Object.values(doc.components.errors).map((e) => e.code);
    expect(codes.filter((c) => !known.has(c))).toEqual([]);
    expect(new Set(codes).size).toBe(codes.length);
    for (const m of doc.methods) expect(checker.errorCodes(m).every((c) => known.has(c))).toBe(true);
  });

  it("lists the application errors where they belong", () => {
    const codesOf = (name: string) => checker.errorCodes(checker.method(name));
    expect(codesOf("ubn_sendRawTransaction")).toEqual(
      expect.arrayContaining([-32010, -32011, -32012, -32013, -32014, -32015, -32016, -32017, -32018, -32022]),
    );
    expect(codesOf("ubn_blockNumber")).toContain(RpcErrorCode.unknownShard);
    expect(codesOf("admin_peers")).toContain(RpcErrorCode.forbidden);
    expect(codesOf("admin_nodeInfo")).toContain(RpcErrorCode.forbidden);
    expect(codesOf("ubn_subscribe")).toEqual(expect.arrayContaining([-32031, -32032]));
    expect(codesOf("ubn_unsubscribe")).toContain(RpcErrorCode.subscriptionsNeedWebSocket);
    expect(codesOf("ubn_chainId")).not.toContain(RpcErrorCode.invalidParams);
  });

  describe("examples fit the schemas", () => {
    for (const m of doc.methods) {
      it(m.name, () => {
        expect(m.examples.length).toBeGreaterThan(0);
        for (const ex of m.examples) {
          const where = `${m.name} example "${ex.name}"`;
          expect(ex.params.length, where).toBeLessThanOrEqual(m.params.length);
          m.params.forEach((p, i) => {
            const given = ex.params[i];
            if (given === undefined) {
              expect(p.required, `${where} omits required param ${p.name}`).not.toBe(true);
              return;
            }
            expect(given.name, where).toBe(p.name);
            expect(checker.check(p.schema, given.value), `${where}, param ${p.name}`).toBeNull();
          });
          expect(checker.check(m.result.schema, ex.result.value), `${where}, result`).toBeNull();
        }
      });
    }

    it("subscription notifications", () => {
      const notifications = checker.method("ubn_subscribe")["x-notifications"] ?? {};
      const schema = doc.components.schemas.SubscriptionNotification ?? {};
      const [head, account, status] = EXAMPLE_NOTIFICATIONS;
      for (const n of EXAMPLE_NOTIFICATIONS) expect(checker.check(schema, n)).toBeNull();
      expect(checker.check(notifications.newHeads ?? {}, head?.result)).toBeNull();
      expect(checker.check(notifications.accountChanges ?? {}, account?.result)).toBeNull();
      expect(checker.check(notifications.transactionStatus ?? {}, status?.result)).toBeNull();
    });
  });

  it("the schemas refuse what the encoding forbids", () => {
    const schema = (name: string) => doc.components.schemas[name] ?? {};
    expect(checker.check(schema("Quantity"), "0x01")).not.toBeNull();
    expect(checker.check(schema("Quantity"), "0x")).not.toBeNull();
    expect(checker.check(schema("Quantity"), "0xA")).not.toBeNull();
    expect(checker.check(schema("Data"), "0x123")).not.toBeNull();
    expect(checker.check(schema("Hash"), `0x${"ab".repeat(31)}`)).not.toBeNull();
    expect(checker.check(schema("Address"), "isc1bad")).not.toBeNull();
    expect(checker.check(schema("BlockRef"), "pending")).not.toBeNull();
    expect(checker.check(schema("SyncingResult"), true)).not.toBeNull();
    const block = checker.method("ubn_getBlockByNumber").examples[0]?.result.value as Record<string, unknown>;
    expect(checker.check(schema("Block"), { ...block, extra: 1 })).not.toBeNull();
  });
});
