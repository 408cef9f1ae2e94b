// rpc/: the JSON-RPC server over a node interface. Imports crypto/ and types of vm/ and shard/.
export type {
  RpcAccount,
  RpcBlock,
  RpcFeeEstimate,
  RpcHealth,
  RpcNodeApi,
  RpcNodeEvent,
  RpcNodeInfo,
  RpcPeer,
  RpcProof,
  RpcReceipt,
  RpcShardLayout,
  RpcStateTag,
  RpcStatus,
  RpcSyncing,
  RpcTransaction,
  RpcTxStatus,
  RpcTxStatusKind,
} from "./api.ts";
export * from "./client.ts";
export { type DispatchOptions, dispatchMessage, dispatchText } from "./dispatch.ts";
export { isData, isQuantity, toAddress, toData, toJsonValue, toQuantity } from "./encoding.ts";
export { INTERNAL_ERROR_MESSAGE, invalidParams, isRpcError, RpcError, RpcErrorCode } from "./errors.ts";
export { closeServer, listen } from "./http-listen.ts";
export type { JsonRpcErrorObject, JsonRpcId, JsonRpcReply, JsonRpcRequest, JsonRpcResponse } from "./jsonrpc.ts";
export { clientVersion, createMethodTable, type MethodAccess, type RpcMethod, type RpcMethodTable } from "./methods.ts";
export { defaultRpcServerOptions, type RpcServerOptions } from "./options.ts";
export { addressParam, type DataParamOptions, dataParam, hashParam, quantityParam } from "./params.ts";
export * from "./results.ts";
export { type RpcServer, startRpcServer } from "./server.ts";
