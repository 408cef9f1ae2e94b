// The typed UBN client, for our CLI, tests and benchmarks and for wallet authors: every method
// of docs/rpc.md over HTTP (RpcClient) or WebSocket (RpcSocket, with subscriptions). The rules
// for values are in client/types.ts: quantities bigint, data 0x strings, addresses "isc1...".
// Imports only crypto/ and the rpc/ wire definitions, so it can be lifted into a wallet.
export { addressOf as addressText, type CallResult, hexOf, type RpcCall, ubn } from "./client/calls.ts";
export { RpcClientError, RpcClientErrorCode } from "./client/errors.ts";
export { RpcClient, type RpcClientOptions, type WaitOptions } from "./client/http-client.ts";
export { type BatchResults, RpcMethods, type Settled, type SettledResults } from "./client/methods.ts";
export {
  RpcSocket,
  type RpcSocketOptions,
  type SubscriptionKind,
  type SubscriptionKinds,
  type Unsubscribe,
  wsUrlOf,
} from "./client/socket.ts";
export type * from "./client/types.ts";
export { isRpcError, RpcError, RpcErrorCode } from "./errors.ts";
