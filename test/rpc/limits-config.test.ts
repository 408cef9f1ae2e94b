// The limits as an operator sets them: the node config's `rpc` section (strict: unknown keys and
// out-of-range values are refused by name) and the server's own validation of its options.
import { describe, expect, it } from "vitest";
import { defaultNodeConfig, parseNodeConfig } from "../../node/config.ts";
import { defaultRpcServerOptions, startRpcServer } from "../../rpc/index.ts";
import { resolveRpcServerOptions } from "../../rpc/options.ts";
import { FakeNodeApi } from "./fake-node-api.ts";

describe("node config rpc section", () => {
  it("takes every limit, and the section passes straight to startRpcServer", async () => {
    const rpc = {
      host: "127.0.0.1",
      port: 0,
      maxBodyBytes: 2048,
      maxBatch: 10,
      wsMaxMessageBytes: 4096,
      wsMaxConnections: 5,
      maxSubscriptionsPerConnection: 7,
      notificationQueue: 64,
      rateLimit: { perSecond: 50, burst: 100 },
      cors: ["https://wallet.example", "*"],
      hosts: ["rpc.example"],
    };
    const config = parseNodeConfig({ rpc });
    expect(config.rpc).toEqual(rpc);
    const server = await startRpcServer(new FakeNodeApi(), config.rpc);
    await server.close();
    expect(parseNodeConfig({ rpc: { rateLimit: null } }).rpc.rateLimit).toBeNull();
  });

  it("leaves the limits out by default, so the server's defaults apply", () => {
    expect(parseNodeConfig({}).rpc).toEqual({ host: "127.0.0.1", port: 8545 });
    expect(defaultNodeConfig.rpc).toEqual({ host: "127.0.0.1", port: 8545 });
  });

  it("refuses unknown keys, out-of-range numbers and malformed origins by name", () => {
    const bad: [unknown, string][] = [
      [{ maxBatchSize: 5 }, "rpc.maxBatchSize: unknown key"],
      [{ maxBatch: 0 }, "rpc.maxBatch"],
      [{ wsMaxConnections: 1.5 }, "rpc.wsMaxConnections"],
      [{ rateLimit: { perSecond: 10 } }, "rpc.rateLimit: needs perSecond and burst"],
      [{ rateLimit: { perSecond: 10, burst: 5, window: 1 } }, "rpc.rateLimit.window"],
      [{ cors: ["https://wallet.example/"] }, "rpc.cors[0]"],
      [{ cors: "*" }, "rpc.cors"],
      [{ hosts: [""] }, "rpc.hosts[0]"],
    ];
    for (const [rpc, message] of bad) {
      expect(() => parseNodeConfig({ rpc } as never)).toThrow(message);
    }
  });
});

describe("server options", () => {
  it("defaults match the spec", () => {
    const o = resolveRpcServerOptions({ port: 0 });
    expect(o).toMatchObject({
      host: "127.0.0.1",
      maxBodyBytes: 1024 * 1024,
      maxBatch: 100,
      wsMaxMessageBytes: 1024 * 1024,
      wsMaxConnections: 200,
      maxSubscriptionsPerConnection: 100,
      notificationQueue: 1024,
      rateLimit: { perSecond: 500, burst: 1000 },
      cors: [],
      hosts: ["localhost", "127.0.0.1", "[::1]"],
    });
    expect(defaultRpcServerOptions.rateLimit).toEqual({ perSecond: 500, burst: 1000 });
  });

  it("adds the bound host to the allowed hosts unless it is a wildcard", () => {
    expect(resolveRpcServerOptions({ port: 0, host: "10.0.0.5" }).hosts).toContain("10.0.0.5");
    expect(resolveRpcServerOptions({ port: 0, host: "fd00::5" }).hosts).toContain("[fd00::5]");
    expect(resolveRpcServerOptions({ port: 0, host: "0.0.0.0" }).hosts).toEqual(["localhost", "127.0.0.1", "[::1]"]);
  });

  it("refuses nonsense limits", () => {
    expect(() => resolveRpcServerOptions({ port: 0, notificationQueue: 0 })).toThrow("notificationQueue");
    expect(() => resolveRpcServerOptions({ port: 0, rateLimit: { perSecond: 0, burst: 1 } })).toThrow("perSecond");
    expect(() => resolveRpcServerOptions({ port: 0, cors: ["wallet.example"] })).toThrow("cors");
  });
});
