// The OpenRPC 1.2.6 document of UBN's JSON-RPC interface, served by rpc.discover: every method
// with its positional params, result, errors and examples. The parts live in rpc/openrpc/:
// schemas.ts (the JSON shapes, components/schemas), errors.ts (components/errors from
// rpc/errors.ts), wallet-methods.ts and node-methods.ts (the methods), examples.ts (the values
// examples use). test/rpc/openrpc.test.ts holds it to the method table and the meta-schema.
import { componentErrors } from "./openrpc/errors.ts";
import { nodeMethods, subscriptionMethods } from "./openrpc/node-methods.ts";
import { componentSchemas } from "./openrpc/schemas.ts";
import type { OpenRpcDocument } from "./openrpc/types.ts";
import { walletMethods } from "./openrpc/wallet-methods.ts";

export type { MethodObject, OpenRpcDocument } from "./openrpc/types.ts";

const VERSION = "0.1.0";

let cached: OpenRpcDocument | undefined;

/** The document; built once and frozen, so every caller shares it and none can change it. */
export function openRpcDocument(): OpenRpcDocument {
  cached ??= deepFreeze(buildDocument());
  return cached;
}

function buildDocument(): OpenRpcDocument {
  return {
    openrpc: "1.2.6",
    info: {
      title: "UBN JSON-RPC",
      version: VERSION,
      description: [
        "JSON-RPC 2.0 over HTTP (POST /) and WebSocket; params are positional, and trailing optional params may be omitted or null.",
        "Quantities are 0x-hex without leading zeros, byte strings 0x-hex with two digits per byte, addresses bech32m isc1... (docs/rpc.md).",
        "Besides the errors listed per method, any request can get the JSON-RPC 2.0 errors -32700, -32600, -32601 and -32603.",
      ].join(" "),
      license: { name: "Apache-2.0" },
    },
    servers: [{ name: "local node", url: "http://127.0.0.1:8545", summary: "The default RPC address of a node." }],
    methods: [...walletMethods, ...subscriptionMethods, ...nodeMethods],
    components: { schemas: componentSchemas, errors: componentErrors },
  };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
