// Subscriptions (WebSocket only), node information, admin methods and rpc.discover.
import { example, method, optionalParam, param, result } from "./describe.ts";
import { error } from "./errors.ts";
import { EXAMPLE as E, EXAMPLE_ACCOUNT, EXAMPLE_BLOCK, EXAMPLE_STATUS, EXAMPLE_TX_STATUS } from "./examples.ts";
import { ref as r } from "./schemas.ts";
import type { MethodObject } from "./types.ts";

const wsOnly = [error("subscriptionsNeedWebSocket")];

export const subscriptionMethods: MethodObject[] = [
  method("ubn_subscribe", {
    summary: "Starts a subscription on this WebSocket connection; answers its id.",
    description: [
      'Notifications arrive as {"jsonrpc":"2.0","method":"ubn_subscription","params":{"subscription":ID,"result":...}}',
      "(x-notifications gives the schema of `result` per kind).",
      "newHeads: each block executed above the final tip (Block with hashes).",
      "finalizedHeads: each committed block (Block with hashes).",
      "transactionStatus (params: a transaction hash): the TxStatus on each change, at once if not unknown; ends after finalized.",
      "accountChanges (params: an address): the Account after each committed block that wrote it.",
      "syncing: the SyncingResult on each change.",
      "Over HTTP the method answers subscriptionsNeedWebSocket.",
    ].join(" "),
    tag: "subscription",
    params: [
      param("kind", r("SubscriptionKind"), "What to follow."),
      optionalParam(
        "params",
        { anyOf: [r("Hash"), r("Address")] },
        "transactionStatus: the transaction hash; accountChanges: the address.",
      ),
    ],
    result: result("subscription", r("SubscriptionId")),
    errors: [...wsOnly, error("tooManySubscriptions")],
    examples: [
      example("newHeads", ["newHeads"], E.subscriptionId),
      example("finalizedHeads", ["finalizedHeads"], "0x2"),
      example("transactionStatus", ["transactionStatus", E.txHash], "0x3"),
      example("accountChanges", ["accountChanges", E.address], "0x4"),
      example("syncing", ["syncing"], "0x5"),
    ],
    notifications: {
      newHeads: r("Block"),
      finalizedHeads: r("Block"),
      transactionStatus: r("TxStatus"),
      accountChanges: r("Account"),
      syncing: r("SyncingResult"),
    },
  }),
  method("ubn_unsubscribe", {
    summary: "Ends a subscription of this connection; false if it had no such subscription.",
    tag: "subscription",
    params: [param("subscription", r("SubscriptionId"), "An id ubn_subscribe answered on this connection.")],
    result: result("ended", { type: "boolean" }),
    errors: wsOnly,
    examples: [example("an active subscription", [E.subscriptionId], true)],
  }),
];

const adminErrors = [error("forbidden")];

export const nodeMethods: MethodObject[] = [
  method("net_peerCount", {
    summary: "How many peers the node is connected to.",
    tag: "node",
    result: result("peers", r("Quantity")),
    examples: [example("three peers", [], "0x3")],
  }),
  method("web3_clientVersion", {
    summary: "The node software, its version, the Node.js version and the platform.",
    tag: "node",
    result: result("version", { type: "string", pattern: "^ubn/" }),
    examples: [example("ubn 0.1.0", [], EXAMPLE_STATUS.version)],
  }),
  method("ubn_syncing", {
    summary: "false while the node follows consensus, else its fast-sync progress.",
    tag: "node",
    result: result("syncing", r("SyncingResult")),
    examples: [
      example("following consensus", [], false),
      example("syncing", [], { startingBlock: "0x0", currentBlock: "0x100", highestBlock: E.blockHeight }),
    ],
  }),
  method("ubn_status", {
    summary: "A summary of the node: chain, tip, peers, mempool, round, version.",
    tag: "node",
    result: result("status", r("Status")),
    examples: [example("a validator", [], EXAMPLE_STATUS)],
  }),
  method("admin_peers", {
    summary: "The connected peers and their addresses (loopback clients only).",
    tag: "admin",
    result: result("peers", { type: "array", items: r("Peer") }),
    errors: adminErrors,
    examples: [example("one peer", [], [{ id: E.nodeId, addresses: ["/ip4/127.0.0.1/tcp/30304"] }])],
  }),
  method("admin_nodeInfo", {
    summary: "This node's peer id, listen addresses, chain and version (loopback clients only).",
    tag: "admin",
    result: result("info", r("NodeInfo")),
    errors: adminErrors,
    examples: [
      example("a validator", [], {
        id: E.nodeId,
        listenAddresses: ["/ip4/127.0.0.1/tcp/30303"],
        chainId: E.chainId,
        genesisHash: E.genesisHash,
        version: EXAMPLE_STATUS.version,
        validator: true,
      }),
    ],
  }),
  method("rpc.discover", {
    summary: "This document: the OpenRPC 1.2.6 description of every method.",
    tag: "node",
    result: result("document", r("OpenrpcDocument")),
    examples: [
      example("shortened", [], {
        openrpc: "1.2.6",
        info: { title: "UBN JSON-RPC", version: "0.1.0" },
        methods: [{ name: "ubn_chainId", params: [] }],
      }),
    ],
  }),
];

/** Notification examples, for readers of this file: a newHeads and an accountChanges notification. */
export const EXAMPLE_NOTIFICATIONS = [
  { subscription: E.subscriptionId, result: EXAMPLE_BLOCK },
  { subscription: "0x4", result: EXAMPLE_ACCOUNT },
  { subscription: "0x3", result: EXAMPLE_TX_STATUS },
];
