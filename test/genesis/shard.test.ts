import { describe, expect, it } from "vitest";
import { parseAddress } from "../../crypto/index.ts";
import { parseGenesis, shardOfAddress, summarizeGenesis } from "../../genesis/index.ts";
import { addressOfSeed, text, validJson } from "./fixture.ts";

describe("shardOfAddress", () => {
  it("is the big-endian u32 of the first four bytes modulo the shard count", () => {
    const address = new Uint8Array(20);
    address.set([0x01, 0x02, 0x03, 0x04]);
    expect(shardOfAddress(address, 1)).toBe(0);
    expect(shardOfAddress(address, 1024)).toBe(0x01020304 % 1024);
    expect(shardOfAddress(address, 7)).toBe(0x01020304 % 7);
    address.set([0xff, 0xff, 0xff, 0xff]);
    expect(shardOfAddress(address, 1000)).toBe(0xffffffff % 1000);
  });

  it("spreads addresses over the shards", () => {
    const counts = [0, 0, 0, 0];
    for (let i = 1; i <= 200; i++) {
      const shard = shardOfAddress(parseAddress(addressOfSeed(i)), 4);
      counts[shard] = (counts[shard] as number) + 1;
    }
    for (const c of counts) expect(c).toBeGreaterThan(20);
  });

  it("refuses a bad shard count", () => {
    expect(() => shardOfAddress(new Uint8Array(20), 0)).toThrow(RangeError);
  });
});

describe("summarizeGenesis", () => {
  it("adds up stake and supply and counts accounts per shard", () => {
    const s = summarizeGenesis(parseGenesis(text(validJson())));
    expect(s.totalStake).toBe(3000n * 10n ** 18n);
    expect(s.totalSupply).toBe(3005n * 10n ** 18n);
    expect(s.accountsPerShard.reduce((a, b) => a + b, 0)).toBe(2);
    expect(s.hash).toMatch(/^[0-9a-f]{64}$/);
  });
});
