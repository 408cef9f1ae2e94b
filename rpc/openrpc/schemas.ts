// components/schemas: the JSON shapes of rpc/encoding.ts and rpc/results.ts as JSON Schema
// (draft-07). Methods refer to them with `ref("Name")`. Result objects forbid unknown members,
// so a field added to results.ts without a line here fails the document tests.
import type { JsonSchema, Ref } from "./types.ts";

export function ref(name: string): Ref {
  return { $ref: `#/components/schemas/${name}` };
}

/** A referenced schema with a description of its own (draft-07 ignores siblings of $ref). */
export function described(schema: Ref, description: string): JsonSchema {
  return { description, allOf: [schema] };
}

/** `schema` or null. */
export function nullable(schema: JsonSchema): JsonSchema {
  return { anyOf: [schema, { type: "null" }] };
}

function object(description: string, properties: Record<string, JsonSchema>): JsonSchema {
  return { type: "object", description, required: Object.keys(properties), additionalProperties: false, properties };
}

function arrayOf(items: JsonSchema, description?: string): JsonSchema {
  return description === undefined ? { type: "array", items } : { type: "array", description, items };
}

const quantity = ref("Quantity");
const hash = ref("Hash");
const data = ref("Data");

const schemas = {
  Quantity: {
    title: "Quantity",
    type: "string",
    description:
      'A non-negative integer as 0x-prefixed lower-case hex without leading zeros: 0 is "0x0", 26 is "0x1a".',
    pattern: "^0x(0|[1-9a-f][0-9a-f]*)$",
  },
  Data: {
    title: "Data",
    type: "string",
    description: 'Bytes as 0x-prefixed lower-case hex, two digits per byte; no bytes is "0x".',
    pattern: "^0x([0-9a-f]{2})*$",
  },
  Hash: {
    title: "Hash",
    type: "string",
    description: "A 32-byte hash (transaction, block, state root) as Data.",
    pattern: "^0x[0-9a-f]{64}$",
  },
  PublicKey: {
    title: "PublicKey",
    type: "string",
    description: "An Ed25519 public key (32 bytes) as Data.",
    pattern: "^0x[0-9a-f]{64}$",
  },
  Address: {
    title: "Address",
    type: "string",
    description: 'An account address in bech32m with the prefix "isc" (the checksum travels with it).',
    pattern: "^isc1[02-9ac-hj-np-z]+$",
  },
  BlockTag: {
    title: "BlockTag",
    type: "string",
    description:
      '"latest" and "finalized": the last committed block (a committed block never reverts); "earliest": height 1, the first block after genesis.',
    enum: ["latest", "finalized", "earliest"],
  },
  BlockRef: {
    title: "BlockRef",
    description: "A block height (Quantity) or a BlockTag.",
    anyOf: [quantity, ref("BlockTag")],
  },
  StateTag: {
    title: "StateTag",
    type: "string",
    description:
      '"latest" and "finalized": the state after the last committed block; "pending": the same plus this node\'s mempool (only the nonce differs).',
    enum: ["latest", "finalized", "pending"],
  },
  TxStatusKind: {
    title: "TxStatusKind",
    type: "string",
    description:
      "unknown: neither pooled nor in a block this node executed; accepted: in this node's mempool; included: in a block executed but not final; finalized: in a committed block.",
    enum: ["unknown", "accepted", "included", "finalized"],
  },
  TxStatus: object("Where a transaction stands on this node; the block fields are set once included.", {
    hash,
    status: ref("TxStatusKind"),
    height: nullable(quantity),
    blockHash: nullable(hash),
    index: nullable(quantity),
  }),
  Transaction: object("A transaction decoded for display.", {
    hash,
    raw: described(data, "The signed transaction bytes, as sent."),
    sender: ref("Address"),
    nonce: quantity,
    fee: quantity,
    sponsor: nullable(ref("Address")),
    type: { type: "string", description: 'The payload type: "transfer", "stake", "unstake", "register_validator".' },
    payload: { type: "object", description: "The payload's fields (quantities, data, addresses)." },
    status: ref("TxStatus"),
  }),
  Event: object("An event emitted by a transaction; field encodings per kind are in docs/vm.md.", {
    kind: { type: "string" },
    fields: arrayOf({ type: "string", pattern: "^0x[0-9a-f]*$" }, "Each field as Data or Quantity."),
  }),
  Receipt: object("The outcome of a finalized transaction.", {
    txHash: hash,
    height: quantity,
    blockHash: hash,
    index: quantity,
    status: {
      type: "string",
      enum: ["success", "failed"],
      description: "failed: included and fee paid, but the payload's effect was rolled back.",
    },
    failure: nullable(object("Why the payload failed.", { code: { type: "string" }, message: { type: "string" } })),
    feePaid: quantity,
    gasless: { type: "boolean", description: "True when a fee sponsor paid the fee." },
    events: arrayOf(ref("Event")),
    shard: described(quantity, "The shard that executed the transaction."),
    credit: nullable(
      object("A transfer to another shard: where its credit landed (height null while in flight).", {
        shard: quantity,
        height: nullable(quantity),
      }),
    ),
  }),
  Block: object("A committed block's header and its transactions.", {
    height: quantity,
    hash,
    parentHash: hash,
    proposer: ref("PublicKey"),
    round: quantity,
    timeMs: described(quantity, "The proposer's clock at building time, ms since the Unix epoch."),
    stateRoot: hash,
    receiptsRoot: hash,
    transactions: {
      description: "Transaction hashes, or Transaction objects when fullTransactions is true.",
      anyOf: [arrayOf(hash), arrayOf(ref("Transaction"))],
    },
  }),
  Account: object("An account's balances (base units) and nonce, read at `height`.", {
    balance: quantity,
    nonce: described(quantity, "The nonce the account's next transaction must carry."),
    staked: quantity,
    unbonding: quantity,
    height: quantity,
  }),
  FeeEstimate: object("Fee figures in base units.", {
    perByte: quantity,
    perType: {
      type: "object",
      description: "The base fee of each transaction type.",
      required: ["transfer", "stake", "unstake", "register_validator"],
      additionalProperties: quantity,
    },
    minimum: described(quantity, "The least fee the given transaction (or a typical transfer) needs."),
    suggested: described(quantity, "What to offer to be included soon given the pool now (>= minimum)."),
    bytes: described(quantity, "The encoded size the estimate assumed."),
  }),
  Proof: object("An account with the Merkle proof of its state entry and the certified block that commits to it.", {
    address: ref("Address"),
    account: ref("Account"),
    key: described(data, "The account's state key."),
    value: nullable(described(data, "The encoded account value; null when absent.")),
    proof: described(data, "The sparse Merkle proof (crypto/encoding of StateProof)."),
    stateRoot: hash,
    height: quantity,
    blockHash: hash,
    block: described(data, "The canonical consensus block, whose payload carries stateRoot."),
    certificate: described(data, "The quorum certificate of that block."),
  }),
  ShardLayout: object("The shards of the chain and their committees.", {
    shards: quantity,
    addressRule: { type: "string", description: "How an address maps to its shard, in words." },
    chains: arrayOf(
      object("One shard chain.", {
        shard: quantity,
        name: { type: "string" },
        epoch: quantity,
        committee: arrayOf(ref("PublicKey"), "The validators' public keys."),
        following: {
          type: "boolean",
          description:
            "Whether this node executes the shard now. A validator follows the shards whose committees seat it and refuses reads of the others (-32023).",
        },
        height: described(
          quantity,
          "The newest committed block of the shard this node holds: executed, or (not following) tracked by its header.",
        ),
      }),
    ),
    beacon: nullable(
      object("The beacon registry at its newest final block; null on a single-chain network.", {
        height: quantity,
        epoch: quantity,
        registry: arrayOf(
          object("A validator in force.", { publicKey: ref("PublicKey"), stake: quantity }),
          "Validators and their stakes, drawn into the next epoch's committees.",
        ),
        pending: arrayOf(
          object("A stake change the beacon took, applied at the end of the epoch.", {
            publicKey: ref("PublicKey"),
            delta: { type: "string", pattern: "^-?(0|[1-9][0-9]*)$", description: "Signed decimal base units." },
          }),
        ),
        minValidatorStake: described(quantity, "Stake a key needs to be dealt a committee seat."),
        consensus: object("The beacon chain's own validators, for its next block.", {
          epoch: described(quantity, "The beacon's validator-set epoch (it counts changes of the set)."),
          validators: arrayOf(
            object("A beacon validator.", {
              publicKey: ref("PublicKey"),
              stake: quantity,
              lastProposed: nullable(described(quantity, "Height of the newest final beacon block it proposed.")),
            }),
          ),
        }),
      }),
    ),
  }),
  Syncing: object("Fast-sync progress.", { startingBlock: quantity, currentBlock: quantity, highestBlock: quantity }),
  SyncingResult: {
    title: "SyncingResult",
    description: "false when the node follows consensus, else its sync progress.",
    anyOf: [{ type: "boolean", enum: [false] }, ref("Syncing")],
  },
  Status: object("A summary of the node for operators and dashboards.", {
    chainId: { type: "string" },
    nodeId: { type: "string", description: "The node's libp2p peer id." },
    validator: { type: "boolean" },
    shard: {
      ...quantity,
      description:
        "The shard that height, blockHash, stateRoot and round describe: the lowest-numbered shard this node follows.",
    },
    height: quantity,
    blockHash: hash,
    stateRoot: hash,
    syncing: { type: "boolean" },
    peers: quantity,
    mempoolSize: quantity,
    round: quantity,
    leader: nullable(
      described(ref("PublicKey"), "The validator expected to propose in that round; null without a consensus engine."),
    ),
    version: { type: "string" },
  }),
  Peer: object("A connected peer.", { id: { type: "string" }, addresses: arrayOf({ type: "string" }) }),
  NodeInfo: object("This node's identity and addresses.", {
    id: { type: "string", description: "The libp2p peer id." },
    listenAddresses: arrayOf({ type: "string" }, "Multiaddrs."),
    chainId: { type: "string" },
    genesisHash: hash,
    version: { type: "string" },
    validator: { type: "boolean" },
  }),
  SendOptions: {
    title: "SendOptions",
    type: "object",
    description: "Wait for the transaction to reach a status before answering.",
    additionalProperties: false,
    properties: {
      waitUntil: { type: "string", enum: ["accepted", "included", "finalized"], default: "accepted" },
      timeoutMs: described(quantity, "How long to wait, ms (default 30000, at most 120000)."),
    },
  },
  SubscriptionKind: {
    title: "SubscriptionKind",
    type: "string",
    enum: ["newHeads", "finalizedHeads", "transactionStatus", "accountChanges", "syncing"],
  },
  SubscriptionId: described(quantity, "A subscription's id, unique per connection."),
  SubscriptionNotification: {
    title: "SubscriptionNotification",
    type: "object",
    description: 'The `params` of a "ubn_subscription" notification.',
    required: ["subscription", "result"],
    additionalProperties: false,
    properties: { subscription: ref("SubscriptionId"), result: {} },
  },
  OpenrpcDocument: {
    title: "OpenrpcDocument",
    type: "object",
    description: "An OpenRPC 1.2.6 document (https://spec.open-rpc.org).",
    required: ["openrpc", "info", "methods"],
    properties: {
      openrpc: { type: "string", enum: ["1.2.6"] },
      info: { type: "object", required: ["title", "version"] },
      methods: { type: "array", items: { type: "object", required: ["name", "params"] } },
      components: { type: "object" },
    },
  },
} satisfies Record<string, JsonSchema>;

export type SchemaName = keyof typeof schemas;

/** Titles for the object schemas, from their names. */
export const componentSchemas: Record<string, JsonSchema> = Object.fromEntries(
  Object.entries(schemas).map(([name, schema]) => [name, { title: name, ...schema }]),
);
