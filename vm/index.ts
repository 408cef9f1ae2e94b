// vm/: the deterministic state transition. Imports crypto/ only.
export * from "./account.ts";
export { BlockOutbox, type CrossSend, homeChainOf } from "./cross-shard/outbox.ts";
export {
  BEACON_CHAIN,
  type CrossReceipt,
  crossReceiptCodec,
  decodeReceipt as decodeCrossReceipt,
  encodeReceipt as encodeCrossReceipt,
  isReceiptKind,
  ReceiptKind,
} from "./cross-shard/receipt.ts";
export {
  CROSS_TOTALS_KEY,
  type CrossTotals,
  decodeCrossTotals,
  inboxNextKey,
  outboxNextKey,
} from "./cross-shard/records.ts";
export { shardOfAddress } from "./cross-shard/shard-of.ts";
export * from "./errors.ts";
export {
  type BlockResult,
  type DecodedTx,
  decodeAndCheck,
  type ExecutionEnv,
  executeBlock,
  type VmBlock,
} from "./execution/execute-block.ts";
export { type Event, encodeReceipt, type Receipt, receiptCodec, receiptsRoot } from "./execution/receipt.ts";
export * from "./params.ts";
export type { AuthenticatedState } from "./state/interface.ts";
export * from "./state/kv.ts";
export { isStateError, StateError, StateErrorCode } from "./state/sparse-merkle-errors.ts";
export type { StateLayer } from "./state/sparse-merkle-layer.ts";
export { EMPTY_ROOT } from "./state/sparse-merkle-node.ts";
export { defaultSparseMerkleStateOptions, type SparseMerkleStateOptions } from "./state/sparse-merkle-options.ts";
export { type StateProof, stateProofCodec, verifyStateProof } from "./state/sparse-merkle-proof.ts";
export { SparseMerkleState } from "./state/sparse-merkle-state.ts";
export { valueKey as committedValueKey } from "./state/sparse-merkle-storage.ts";
export type { Payload } from "./tx/registry.ts";
export { handlers, payloadCodec } from "./tx/registry.ts";
export * from "./tx/transaction.ts";
