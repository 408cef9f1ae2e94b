// Every method of the OpenRPC document, called on a live one-validator devnet after a real
// transfer, driven by @open-rpc/test-coverage with a rule of ours (live-examples-rule.ts): the
// document's examples, their placeholders replaced by live values (addresses, the transfer's
// raw bytes and hash, its block), plus probes that must fail with a documented error. Each result
// is checked against the method's result schema, each error against its documented errors,
// and the subscriptions' notifications against x-notifications. The test fails if a method of
// the method table is not exercised.
import coverageModule from "@open-rpc/test-coverage";
import type { Call } from "@open-rpc/test-coverage/build/coverage.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addressBytesOf, formatAddress, generateKeyPair, toHex } from "../../../crypto/index.ts";
import { signedTransfer } from "../../../node/devnet/transfer.ts";
import type { RpcNodeApi } from "../../../rpc/api.ts";
import { createMethodTable } from "../../../rpc/methods.ts";
import { EXAMPLE } from "../../../rpc/openrpc/examples.ts";
import { openRpcDocument } from "../../../rpc/openrpc.ts";
import { transactionHash } from "../../../vm/tx/transaction.ts";
import { TestDevnet, waitFor } from "../../node/e2e/devnet-harness.ts";
import { LiveExamplesRule, type LiveValues, type Probe } from "./live-examples-rule.ts";
import { schemaChecker } from "./openrpc-check.ts";
import { httpJsonRpc, type JsonRpcAnswer, WsJsonRpc } from "./ws-json-rpc.ts";

// The package is CommonJS with `exports.default`. Node's ESM import hands over module.exports
// (the function is its .default); vitest's interop hands over the function itself.
type RunCoverage = typeof coverageModule.default;
const runCoverage: RunCoverage =
  (coverageModule as unknown as { default?: RunCoverage }).default ?? (coverageModule as unknown as RunCoverage);

const WS_METHODS = ["ubn_subscribe", "ubn_unsubscribe"];
const hex = (bytes: Uint8Array) => `0x${toHex(bytes)}`;

const doc = openRpcDocument();
const checker = schemaChecker(doc);

/** Calls that must fail, each with a code the method documents. */
const RESEND = "a committed transaction again";
const PROBES: Probe[] = [
  { method: "ubn_blockNumber", name: "a shard that does not exist", params: ["0x7"], codes: [-32020] },
  // Its nonce is used (nonceTooLow), and it is a duplicate (alreadyKnown): either is right.
  { method: "ubn_sendRawTransaction", name: RESEND, params: [EXAMPLE.rawTx], codes: [-32011, -32015] },
  {
    method: "ubn_sendRawTransaction",
    name: "waiting longer than allowed",
    params: [EXAMPLE.rawTx, { waitUntil: "finalized", timeoutMs: "0x1" }],
    codes: [-32022],
  },
  { method: "ubn_getTransactionStatuses", name: "no hashes", params: [[]], codes: [-32602] },
  { method: "ubn_subscribe", name: "over HTTP", params: ["newHeads"], codes: [-32031], http: true },
  { method: "ubn_unsubscribe", name: "over HTTP", params: ["0x1"], codes: [-32031], http: true },
];

const silent = { onBegin() {}, onTestBegin() {}, onTestEnd() {}, onEnd() {} };

describe("OpenRPC coverage on a live devnet", () => {
  let net: TestDevnet;
  let live: LiveValues;
  let ws: WsJsonRpc | null = null;
  let wsFailure: string | null = null;

  beforeAll(async () => {
    // Empty blocks on, so heads keep coming for the subscriptions.
    net = await TestDevnet.create({ validators: 1, config: (c) => (c.chain.emptyBlocks = true) });
    const client = net.client(0);
    const recipient = addressBytesOf(generateKeyPair().publicKey);
    const raw = signedTransfer(net.layout.chainId, net.faucet, recipient, 1000n, 0n);
    const hash = await client.sendRawTransaction(raw);
    const receipt = await waitFor("the transfer to be final", 30_000, async () => {
      return (await client.getTransactionReceipt(hash)) ?? undefined;
    });
    live = {
      address: formatAddress(net.faucet.address),
      recipient: formatAddress(recipient),
      rawTx: hex(raw),
      txHash: hex(hash),
      blockHash: receipt.blockHash,
      blockHeight: `0x${receipt.height.toString(16)}`,
    };
  }, 120_000);

  afterAll(async () => {
    ws?.close();
    await net?.stop();
  });

  it("answers every method as documented", { timeout: 180_000 }, async () => {
    const http = net.client(0).url;
    const wsUrl = http.replace(/^http/, "ws");
    try {
      ws = await WsJsonRpc.open(wsUrl);
    } catch (e) {
      wsFailure = String(e);
    }

    let nonce = 1n; // the faucet's next nonce: 0 went to the transfer above
    const subscriptions = new Map<string, string>(); // kind -> id
    const sentHashes = new Map<string, string>(); // raw tx -> its hash
    const hooks = {
      prepare(method: string, params: unknown[], title: string): unknown[] {
        // Each send gets a transaction never seen, except the probe that resends the committed one.
        if (method === "ubn_sendRawTransaction" && !title.includes(RESEND)) {
          const to = addressBytesOf(generateKeyPair().publicKey);
          const raw = signedTransfer(net.layout.chainId, net.faucet, to, 1000n, nonce);
          sentHashes.set(hex(raw), hex(transactionHash(raw)));
          return [hex(raw), ...params.slice(1)];
        }
        // End the syncing subscription: the others are watched for notifications below.
        if (method === "ubn_unsubscribe" && params[0] === EXAMPLE.subscriptionId) {
          return [subscriptions.get("syncing") ?? params[0]];
        }
        return params;
      },
      answered(method: string, params: unknown[], answer: JsonRpcAnswer): void {
        const admitted = answer.error === undefined || answer.error.code === -32022;
        if (method === "ubn_sendRawTransaction" && admitted && sentHashes.has(params[0] as string)) nonce++;
        if (method === "ubn_subscribe" && typeof answer.result === "string") {
          subscriptions.set(params[0] as string, answer.result);
        }
      },
      checkResult(method: string, params: unknown[], result: unknown): string | null {
        if (method === "ubn_sendRawTransaction" && result !== sentHashes.get(params[0] as string)) {
          return `answered ${String(result)}, not the hash of the transaction sent`;
        }
        if (method === "rpc.discover" && JSON.stringify(result) !== JSON.stringify(doc)) {
          return "rpc.discover does not answer rpc/openrpc.ts's document";
        }
        if (method === "ubn_chainId" && result !== net.layout.chainId) return `chain id ${String(result)}`;
        return null;
      },
    };
    const rule = new LiveExamplesRule(doc, live, { http, ws: wsUrl, wsMethods: WS_METHODS }, PROBES, hooks);
    const transport = async (url: string, method: string, params: unknown[]): Promise<JsonRpcAnswer> => {
      if (!url.startsWith("ws")) return httpJsonRpc(url, method, params);
      if (ws === null) throw new Error(`no WebSocket (${wsFailure})`);
      return ws.call(method, params);
    };

    const calls: Call[] = await runCoverage({
      // The tooling's own document type; ours is the same JSON.
      openrpcDocument: doc as unknown as Parameters<typeof runCoverage>[0]["openrpcDocument"],
      transport,
      reporters: [silent],
      rules: [rule],
    });

    const failures = calls
      .filter((c) => c.valid !== true)
      .map((c) => `${c.title} ${JSON.stringify(c.params).slice(0, 160)}: ${c.reason ?? String(c.requestError)}`);
    const exercised = new Set(calls.map((c) => c.methodName));
    const table = [...createMethodTable({} as RpcNodeApi, { admin: true }).keys()];
    const notExercised = table.filter((name) => !exercised.has(name));

    // One more block with a faucet transfer, so every kind watched has something to say.
    if (ws !== null) {
      await httpJsonRpc(http, "ubn_sendRawTransaction", [
        hex(signedTransfer(net.layout.chainId, net.faucet, addressBytesOf(generateKeyPair().publicKey), 1n, nonce)),
        { waitUntil: "finalized" },
      ]);
    }
    const notificationProblems =
      ws === null ? [`no WebSocket: ${wsFailure}`] : await checkNotifications(ws, subscriptions);

    expect({ failures, notExercised, notificationProblems }).toEqual({
      failures: [],
      notExercised: [],
      notificationProblems: [],
    });
  });
});

/** Waits for a notification of each watched kind and checks every notification received. */
async function checkNotifications(ws: WsJsonRpc, subscriptions: Map<string, string>): Promise<string[]> {
  const schemas = checker.method("ubn_subscribe")["x-notifications"] ?? {};
  const envelope = doc.components.schemas.SubscriptionNotification ?? {};
  const watched = ["newHeads", "finalizedHeads", "transactionStatus", "accountChanges"];
  const problems: string[] = [];
  const missing = () => watched.filter((k) => !ws.notifications.some((n) => n.subscription === subscriptions.get(k)));
  try {
    await waitFor("a notification of each kind", 20_000, async () => (missing().length === 0 ? true : undefined));
  } catch {
    problems.push(
      `no notification for: ${missing().join(", ")} (subscriptions: ${JSON.stringify([...subscriptions])})`,
    );
  }
  const kindOf = new Map([...subscriptions].map(([kind, id]) => [id, kind]));
  for (const n of ws.notifications) {
    const kind = kindOf.get(n.subscription);
    const bad =
      checker.check(envelope, n) ??
      (kind === undefined ? "an unknown subscription id" : checker.check(schemas[kind] ?? {}, n.result));
    if (bad !== null) problems.push(`${kind ?? "?"} notification ${JSON.stringify(n).slice(0, 200)}: ${bad}`);
  }
  return problems;
}
