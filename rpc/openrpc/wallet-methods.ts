// The wallet methods: chain, accounts, transactions, blocks, fees and proofs.

import { example, method, optionalParam, param, result } from "./describe.ts";
import { ADMISSION_ERRORS, error } from "./errors.ts";
import {
  EXAMPLE as E,
  EXAMPLE_ACCOUNT,
  EXAMPLE_BLOCK,
  EXAMPLE_RECEIPT,
  EXAMPLE_TRANSACTION,
  EXAMPLE_TX_STATUS,
} from "./examples.ts";
import { nullable, ref as r } from "./schemas.ts";
import type { MethodObject } from "./types.ts";

const FEE_ESTIMATE = {
  perByte: "0x3b9aca00",
  perType: {
    transfer: "0x38d7ea4c68000",
    stake: "0x38d7ea4c68000",
    unstake: "0x38d7ea4c68000",
    register_validator: "0x2386f26fc10000",
  },
  minimum: "0x38d7eed9d2400",
  suggested: "0x38d7eed9d2400",
  bytes: "0xa6",
};

const stateTag = optionalParam("tag", r("StateTag"), 'Which state to read; default "latest".');
const fullTransactions = optionalParam(
  "fullTransactions",
  { type: "boolean", default: false },
  "Transaction objects instead of hashes; default false.",
);

export const walletMethods: MethodObject[] = [
  method("ubn_chainId", {
    summary: "The chain id transactions must carry.",
    tag: "wallet",
    result: result("chainId", { type: "string" }),
    examples: [example("devnet", [], E.chainId)],
  }),
  method("ubn_blockNumber", {
    summary: "The last committed height of a shard.",
    description: "A shard the chain does not have answers unknownShard (ubn_getShardLayout lists them).",
    tag: "wallet",
    params: [optionalParam("shard", r("Quantity"), "The shard; default 0.")],
    result: result("height", r("Quantity")),
    errors: [error("unknownShard"), error("shardNotFollowed")],
    examples: [example("shard 0 by default", [], E.blockHeight), example("shard 0", ["0x0"], E.blockHeight)],
  }),
  method("ubn_getShardLayout", {
    summary: "The shards of the chain, how addresses map to them, each shard's committee and the beacon registry.",
    tag: "wallet",
    result: result("layout", r("ShardLayout")),
    examples: [
      example("one shard", [], {
        shards: "0x1",
        addressRule: "every address is in shard 0",
        chains: [
          { shard: "0x0", name: E.chainId, epoch: "0x0", committee: [E.proposer], following: true, height: "0x1a" },
        ],
        beacon: null,
      }),
    ],
  }),
  method("ubn_getAccount", {
    summary: "An account's balance, nonce, stake and unbonding amount.",
    description: "An address that never received anything reads as all zeros.",
    tag: "wallet",
    params: [param("address", r("Address"), "The account."), stateTag],
    result: result("account", r("Account")),
    examples: [
      example("latest", [E.address], EXAMPLE_ACCOUNT),
      example("pending", [E.address, "pending"], { ...EXAMPLE_ACCOUNT, nonce: "0x2" }),
    ],
  }),
  method("ubn_getBalance", {
    summary: "An account's spendable balance, base units.",
    tag: "wallet",
    params: [param("address", r("Address"), "The account."), stateTag],
    result: result("balance", r("Quantity")),
    examples: [example("latest", [E.address], EXAMPLE_ACCOUNT.balance)],
  }),
  method("ubn_getTransactionCount", {
    summary: "The nonce the account's next transaction must use.",
    description: "With \"pending\", the nonce after the sender's transactions in this node's mempool.",
    tag: "wallet",
    params: [param("address", r("Address"), "The account."), stateTag],
    result: result("nonce", r("Quantity")),
    examples: [example("latest", [E.address], "0x1"), example("pending", [E.address, "pending"], "0x1")],
  }),
  method("ubn_sendRawTransaction", {
    summary: "Submits a signed transaction; answers its hash.",
    description:
      'Without options (or waitUntil "accepted") it answers once the mempool admitted the transaction. With "included" or "finalized" it answers once that status is reached, or with waitTimeout (data: {hash, status}) when timeoutMs passes first.',
    tag: "wallet",
    params: [
      param("tx", r("Data"), "The signed transaction, encoded."),
      optionalParam("options", r("SendOptions"), "When to answer."),
    ],
    result: result("hash", r("Hash")),
    errors: [...ADMISSION_ERRORS, error("waitTimeout")],
    examples: [
      example("admitted", [E.rawTx], E.txHash),
      example("finalized", [E.rawTx, { waitUntil: "finalized", timeoutMs: "0x7530" }], E.txHash),
    ],
  }),
  method("ubn_getTransactionByHash", {
    summary: "A transaction this node knows (pooled or in a block), decoded; null if unknown.",
    tag: "wallet",
    params: [param("hash", r("Hash"), "The transaction hash.")],
    result: result("transaction", nullable(r("Transaction"))),
    examples: [example("finalized transfer", [E.txHash], EXAMPLE_TRANSACTION)],
  }),
  method("ubn_getTransactionReceipt", {
    summary: "The receipt of a finalized transaction; null if there is none (yet).",
    tag: "wallet",
    params: [param("hash", r("Hash"), "The transaction hash.")],
    result: result("receipt", nullable(r("Receipt"))),
    examples: [example("finalized transfer", [E.txHash], EXAMPLE_RECEIPT)],
  }),
  method("ubn_getTransactionStatuses", {
    summary: "Where each of 1 to 100 transactions stands, in the order asked.",
    tag: "wallet",
    params: [param("hashes", { type: "array", items: r("Hash"), minItems: 1, maxItems: 100 }, "Transaction hashes.")],
    result: result("statuses", { type: "array", items: r("TxStatus") }),
    examples: [example("one finalized", [[E.txHash]], [EXAMPLE_TX_STATUS])],
  }),
  method("ubn_getBlockByNumber", {
    summary: "A committed block by height or tag; null above the committed tip.",
    tag: "wallet",
    params: [
      param("height", r("BlockRef"), "A height, or latest / finalized / earliest."),
      fullTransactions,
      optionalParam("shard", r("Quantity"), "The shard whose block; default 0."),
    ],
    errors: [error("unknownShard"), error("shardNotFollowed")],
    result: result("block", nullable(r("Block"))),
    examples: [
      example("by height", [E.blockHeight], EXAMPLE_BLOCK),
      example("full transactions", [E.blockHeight, true], { ...EXAMPLE_BLOCK, transactions: [EXAMPLE_TRANSACTION] }),
      example("latest", ["latest"], EXAMPLE_BLOCK),
      example("earliest", ["earliest", false], { ...EXAMPLE_BLOCK, height: "0x1", transactions: [] }),
    ],
  }),
  method("ubn_getBlockByHash", {
    summary: "A committed block by hash; null if unknown.",
    tag: "wallet",
    params: [param("hash", r("Hash"), "The block hash."), fullTransactions],
    result: result("block", nullable(r("Block"))),
    examples: [
      example("hashes", [E.blockHash], EXAMPLE_BLOCK),
      example("full transactions", [E.blockHash, true], { ...EXAMPLE_BLOCK, transactions: [EXAMPLE_TRANSACTION] }),
    ],
  }),
  method("ubn_estimateFee", {
    summary: "Fee figures for a transaction (signed or not), or for a typical transfer.",
    tag: "wallet",
    params: [optionalParam("tx", r("Data"), "An encoded transaction; only its size and type matter.")],
    result: result("estimate", r("FeeEstimate")),
    errors: [error("invalidTransaction")],
    examples: [example("typical transfer", [], FEE_ESTIMATE), example("this transaction", [E.rawTx], FEE_ESTIMATE)],
  }),
  method("ubn_getProof", {
    summary: "An account with a Merkle proof against the state root of a certified block.",
    description:
      "A light client checks the certificate against the committee, the block's state root, then the proof of the account's entry.",
    tag: "wallet",
    params: [param("address", r("Address"), "The account.")],
    result: result("proof", r("Proof")),
    examples: [
      example("an account", [E.address], {
        address: E.address,
        account: EXAMPLE_ACCOUNT,
        key: "0x2f28f13ea7d0cc5af5247e0f24cf1b909158ae5e",
        value: "0x95cf0de0b6b3a76400000100",
        proof: "0x9100",
        stateRoot: E.stateRoot,
        height: E.blockHeight,
        blockHash: E.blockHash,
        block: "0x95a1",
        certificate: "0x93a1",
      }),
    ],
  }),
];
