import { describe, expect, it } from "vitest";
import { formatAddress, toHex } from "../../crypto/index.ts";
import {
  addAccount,
  addValidator,
  defaultGenesisParams,
  type Genesis,
  GenesisError,
  genesisToJson,
  initGenesis,
  parseGenesis,
} from "../../genesis/index.ts";
import { addressOfSeed, publicKeyHex, publicKeyOfSeed } from "./fixture.ts";

function thrown(f: () => unknown): GenesisError {
  try {
    f();
  } catch (e) {
    if (e instanceof GenesisError) return e;
    throw e;
  }
  throw new Error("expected a GenesisError");
}

const base = (): Genesis => initGenesis({ chainId: "ubn-devnet-1", genesisTime: "2026-11-22T00:00:00Z" });

describe("initGenesis", () => {
  it("writes defaults and no validators yet", () => {
    const g = base();
    expect(g).toMatchObject({ chainId: "ubn-devnet-1", shardCount: 4, validators: [], accounts: [] });
    expect(g.genesisTimeMs).toBe(Date.UTC(2026, 10, 22));
    expect(g.params).toEqual(defaultGenesisParams);
    expect(g.params).not.toBe(defaultGenesisParams);
    expect(g.params).toMatchObject({ blockIntervalMs: 1000, maxBlockTxs: 20_000, maxBlockBytes: 1_000_000 });
    // The file it makes reads back with the lenient check, and fails the full one.
    expect(parseGenesis(genesisToJson(g), { allowNoValidators: true })).toEqual(g);
    expect(() => parseGenesis(genesisToJson(g))).toThrow(/at least one validator/);
  });

  it("defaults the time to now, rounded down to the second", () => {
    const before = Date.now();
    const g = initGenesis({ chainId: "x" });
    expect(g.genesisTimeMs % 1000).toBe(0);
    expect(g.genesisTimeMs).toBeGreaterThan(before - 1000);
    expect(g.genesisTimeMs).toBeLessThanOrEqual(Date.now());
  });

  it("refuses a bad chain id, shard count and time together", () => {
    const err = thrown(() => initGenesis({ chainId: "Bad Id", shardCount: 2000, genesisTime: "yesterday" }));
    expect(err.code).toBe("GENESIS_INVALID");
    expect(err.issues.map((i) => i.path)).toEqual(["chainId", "genesisTime", "shardCount"]);
  });
});

describe("addValidator", () => {
  it("returns a new genesis and leaves its input alone", () => {
    const g0 = base();
    const g1 = addValidator(g0, { publicKey: publicKeyHex(1), stake: 10n, name: "val-1" });
    const g2 = addValidator(g1, { publicKey: publicKeyOfSeed(2), stake: 20n });
    expect(g0.validators).toEqual([]);
    expect(g1.validators).toHaveLength(1);
    expect(g2.validators).toEqual([
      { name: "val-1", publicKey: publicKeyOfSeed(1), stake: 10n },
      { publicKey: publicKeyOfSeed(2), stake: 20n },
    ]);
    expect(parseGenesis(genesisToJson(g2))).toEqual(g2);
  });

  it("refuses a validator already present, naming the key and the entry", () => {
    const g = addValidator(base(), { publicKey: publicKeyHex(1), stake: 10n, name: "val-1" });
    const err = thrown(() => addValidator(g, { publicKey: `0x${publicKeyHex(1).toUpperCase()}`, stake: 5n }));
    expect(err.code).toBe("GENESIS_DUPLICATE");
    expect(err.message).toBe(`validator ${publicKeyHex(1)} is already in the genesis as validators[0] (val-1)`);
    expect(err.issues[0]?.path).toBe("validators[0].publicKey");
  });

  it("refuses a name already taken", () => {
    const g = addValidator(base(), { publicKey: publicKeyHex(1), stake: 10n, name: "val-1" });
    const err = thrown(() => addValidator(g, { publicKey: publicKeyHex(2), stake: 5n, name: "val-1" }));
    expect(err.code).toBe("GENESIS_DUPLICATE");
    expect(err.message).toContain('"val-1"');
  });

  it("refuses zero stake, bad keys and bad hex", () => {
    expect(thrown(() => addValidator(base(), { publicKey: publicKeyHex(1), stake: 0n })).message).toContain(
      "validators[0].stake: stake must be greater than zero",
    );
    expect(thrown(() => addValidator(base(), { publicKey: "00".repeat(32), stake: 1n })).message).toContain(
      "small-order",
    );
    const hexErr = thrown(() => addValidator(base(), { publicKey: "abc", stake: 1n }));
    expect(hexErr.code).toBe("GENESIS_INVALID");
    expect(hexErr.message).toMatch(/^invalid public key: not a hex string/);
  });
});

describe("addAccount", () => {
  it("adds accounts by address text or bytes", () => {
    const g = addAccount(addAccount(base(), { address: addressOfSeed(1), balance: 0n }), {
      address: addressOfSeed(2),
      balance: 7n,
    });
    expect(g.accounts.map((a) => [formatAddress(a.address), a.balance])).toEqual([
      [addressOfSeed(1), 0n],
      [addressOfSeed(2), 7n],
    ]);
  });

  it("refuses an account already present, naming it", () => {
    const g = addAccount(base(), { address: addressOfSeed(1), balance: 3n });
    const err = thrown(() => addAccount(g, { address: g.accounts[0]?.address as Uint8Array, balance: 1n }));
    expect(err.code).toBe("GENESIS_DUPLICATE");
    expect(err.message).toBe(`account ${addressOfSeed(1)} is already in the genesis as accounts[0] (balance 3)`);
  });

  it("refuses a bad address with the parser's reason, and a negative balance", () => {
    const err = thrown(() => addAccount(base(), { address: "isc1notanaddress", balance: 1n }));
    expect(err.message).toContain('invalid address "isc1notanaddress"');
    expect(thrown(() => addAccount(base(), { address: addressOfSeed(1), balance: -1n })).message).toContain(
      "accounts[0].balance: balance must not be negative",
    );
  });

  it("refuses a total supply beyond u128", () => {
    const half = 1n << 127n;
    const g = addAccount(base(), { address: addressOfSeed(1), balance: half });
    expect(thrown(() => addAccount(g, { address: addressOfSeed(2), balance: half })).message).toContain(
      "$: total supply",
    );
    expect(toHex(g.accounts[0]?.address as Uint8Array)).toHaveLength(40);
  });
});
