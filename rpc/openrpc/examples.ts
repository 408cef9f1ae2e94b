// The values the document's examples are written with. They are real encodings (the transaction
// is a devnet transfer signed by a fixed test key, and its hash is that transaction's hash), so
// each example validates against its schema. The end-to-end coverage test swaps these exact
// strings for live values of a running network before calling a method, so an example that
// names a transaction or block means "some transaction or block that exists".
export const EXAMPLE = {
  chainId: "ubn-devnet",
  /** The sender of `rawTx`. */
  address: "isc1z728z05405x94afy0resfncmjzg4c4hf7j7ftp",
  /** The recipient of `rawTx`. */
  recipient: "isc1q2agwpg2kqll9x83caw33h2anxu56qsgeff4hq",
  /** A transfer of 1000 base units, nonce 0, fee 0.002 ISC, on chain "ubn-devnet". */
  rawTx:
    "0x98aa75626e2d6465766e6574c420ea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22cd30000000000000000d300071afd498d0000c0920192c41402ba87050ab03ff298f1c75d18dd5d99b94d0208d300000000000003e8c4401828ef70cefcd559ec4a905be5f858469796d5baaa1f2b579178117b921a4617da948815e93c72bb09365e1a7c5184dc7513d87e907e4af8ef2837d97fc84504c0",
  txHash: "0xecf90550599cf4d4ecc4018698113056d55d00bf3019ad99469e73573363862b",
  /** The block that included `rawTx`, its height and the proposer's public key. */
  blockHash: "0x5b1f0c3e8a9d4e2b7c6a1f0e9d8c7b6a5f4e3d2c1b0a99887766554433221100",
  blockHeight: "0x1b4",
  parentHash: "0x3c2e9a7d1b4f6e8a0c2d4f6a8b0c1d3e5f7a9b1c3d5e7f9a0b2c4d6e8fa0b1c2",
  stateRoot: "0x9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0",
  receiptsRoot: "0x0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9",
  proposer: "0xea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22c",
  genesisHash: "0x1111111111111111111111111111111111111111111111111111111111111111",
  nodeId: "12D3KooWRBhwfeP2Y4TCx1SM6s9rUoHhR5STiGwxBhgFRcw3UERE",
  /** A subscription id as ubn_subscribe returns it on a connection. */
  subscriptionId: "0x1",
} as const;

/** The placeholders a live test substitutes in example params (names of EXAMPLE's fields). */
export const LIVE_PLACEHOLDERS = ["address", "recipient", "rawTx", "txHash", "blockHash", "blockHeight"] as const;
export type LivePlaceholder = (typeof LIVE_PLACEHOLDERS)[number];

const E = EXAMPLE;

export const EXAMPLE_TX_STATUS = {
  hash: E.txHash,
  status: "finalized",
  height: E.blockHeight,
  blockHash: E.blockHash,
  index: "0x0",
};

export const EXAMPLE_TRANSACTION = {
  hash: E.txHash,
  raw: E.rawTx,
  sender: E.address,
  nonce: "0x0",
  fee: "0x71afd498d0000",
  sponsor: null,
  type: "transfer",
  payload: { to: E.recipient, amount: "0x3e8" },
  status: EXAMPLE_TX_STATUS,
};

export const EXAMPLE_RECEIPT = {
  txHash: E.txHash,
  height: E.blockHeight,
  blockHash: E.blockHash,
  index: "0x0",
  status: "success",
  failure: null,
  feePaid: "0x71afd498d0000",
  gasless: false,
  events: [{ kind: "transfer", fields: ["0x2f28f13ea7d0cc5af5247e0f24cf1b909158ae5e", "0x3e8"] }],
  shard: "0x0",
  credit: null,
};

export const EXAMPLE_BLOCK = {
  height: E.blockHeight,
  hash: E.blockHash,
  parentHash: E.parentHash,
  proposer: E.proposer,
  round: "0x1b6",
  timeMs: "0x19a3c5e2a40",
  stateRoot: E.stateRoot,
  receiptsRoot: E.receiptsRoot,
  transactions: [E.txHash],
};

export const EXAMPLE_ACCOUNT = {
  balance: "0xde0b6b3a7640000",
  nonce: "0x1",
  staked: "0x0",
  unbonding: "0x0",
  height: E.blockHeight,
};

export const EXAMPLE_STATUS = {
  chainId: E.chainId,
  nodeId: E.nodeId,
  validator: true,
  shard: "0x0",
  height: E.blockHeight,
  blockHash: E.blockHash,
  stateRoot: E.stateRoot,
  syncing: false,
  peers: "0x3",
  mempoolSize: "0x0",
  round: "0x1b6",
  leader: "0x5e1f8c2a0f7d43b1a9c6e2d4b8f0a3c5e7d9b1f3a5c7e9d1b3f5a7c9e1d3b5f7",
  version: "ubn/0.1.0/node-v24.21.0/linux-x64",
};
