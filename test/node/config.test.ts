// config.json's verifier section: the thread count a node checks signatures with.
import { describe, expect, it } from "vitest";
import { ConfigError, defaultNodeConfig, parseNodeConfig } from "../../node/config.ts";

describe("config verifier.workers", () => {
  it("defaults to null: one thread per core", () => {
    expect(defaultNodeConfig.verifier).toEqual({ workers: null });
    expect(parseNodeConfig({}).verifier).toEqual({ workers: null });
    expect(parseNodeConfig({ verifier: {} }).verifier).toEqual({ workers: null });
  });

  it("takes a thread count from 1 to 256, or null", () => {
    expect(parseNodeConfig({ verifier: { workers: 1 } }).verifier.workers).toBe(1);
    expect(parseNodeConfig({ verifier: { workers: 256 } }).verifier.workers).toBe(256);
    expect(parseNodeConfig({ verifier: { workers: null } }).verifier.workers).toBeNull();
  });

  it("refuses other values and unknown keys, naming the key", () => {
    for (const workers of [0, 257, 1.5, "2", true]) {
      expect(() => parseNodeConfig({ verifier: { workers } }), String(workers)).toThrow(
        /verifier\.workers: expected an integer from 1 to 256/,
      );
    }
    expect(() => parseNodeConfig({ verifier: { threads: 2 } })).toThrow(/verifier\.threads: unknown key/);
    expect(() => parseNodeConfig({ verifier: 2 })).toThrow(ConfigError);
  });
});
