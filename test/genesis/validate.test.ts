// One test per rule of docs/genesis.md: each breaks the rule in an otherwise valid file and
// checks the issue's path and that its message names the offending value.
import { ed25519 } from "@noble/curves/ed25519.js";
import { describe, expect, it } from "vitest";
import { MAX_PAYLOAD_BYTES } from "../../consensus/messages.ts";
import { toHex } from "../../crypto/index.ts";
import { genesisIssues, integerParamLimits, parseGenesis, U128_MAX, validateGenesis } from "../../genesis/index.ts";
import { addressOfSeed, expectIssue, parseError, publicKeyHex, publicKeyOfSeed, text, validJson } from "./fixture.ts";

describe("a valid genesis", () => {
  it("parses into typed values", () => {
    const g = parseGenesis(text(validJson()));
    expect(g.chainId).toBe("ubn-test-1");
    expect(g.genesisTimeMs).toBe(Date.UTC(2026, 10, 22));
    expect(g.validators[0]?.publicKey).toEqual(publicKeyOfSeed(1));
    expect(g.validators[1]?.stake).toBe(2000n * 10n ** 18n);
    expect(g.accounts[1]?.balance).toBe(0n);
    expect(g.params.fees.perType.register_validator).toBe(10n ** 18n);
    expect(() => validateGenesis(g)).not.toThrow();
  });

  it("allows a validator without a name", () => {
    const j = validJson();
    delete j.validators[0].name;
    expect(parseGenesis(text(j)).validators[0]).not.toHaveProperty("name");
  });
});

describe("validators", () => {
  it("refuses a duplicate public key, naming the key and the earlier entry", () => {
    const j = validJson();
    j.validators[1].publicKey = publicKeyHex(1);
    expectIssue(parseError(j), "validators[1].publicKey", "duplicate of validators[0]", "val-1", publicKeyHex(1));
  });

  it("refuses a duplicate public key written in upper case", () => {
    const j = validJson();
    j.validators[1].publicKey = publicKeyHex(1).toUpperCase();
    expectIssue(parseError(j), "validators[1].publicKey", "duplicate of validators[0]");
  });

  it("refuses zero and negative stake", () => {
    const j = validJson();
    j.validators[0].stake = "0";
    j.validators[1].stake = "-5";
    const err = parseError(j);
    expectIssue(err, "validators[0].stake", "greater than zero", "0");
    expectIssue(err, "validators[1].stake", "negative", "-5");
  });

  it("refuses a public key that is not 32 bytes of hex", () => {
    const j = validJson();
    j.validators[0].publicKey = "xyz";
    j.validators[1].publicKey = publicKeyHex(2).slice(2);
    const err = parseError(j);
    expectIssue(err, "validators[0].publicKey", '"xyz" is not hex');
    expectIssue(err, "validators[1].publicKey", "must be 32 bytes, got 31");
  });

  it("refuses small-order, non-canonical and mixed-order keys", () => {
    const identity = `01${"00".repeat(31)}`;
    const order2 = `ec${"ff".repeat(30)}7f`;
    const nonCanonical = `ed${"ff".repeat(30)}7f`; // y = p, not reduced
    const torsion8 = "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05";
    const mixed = toHex(ed25519.Point.fromBytes(publicKeyOfSeed(5)).add(ed25519.Point.fromHex(torsion8)).toBytes());
    const j = validJson();
    j.validators = [identity, order2, nonCanonical, torsion8, mixed].map((publicKey) => ({ publicKey, stake: "1" }));
    const err = parseError(j);
    expectIssue(err, "validators[0].publicKey", identity, "small-order");
    expectIssue(err, "validators[1].publicKey", order2, "small-order");
    expectIssue(err, "validators[2].publicKey", nonCanonical, "not a canonical encoding");
    expectIssue(err, "validators[3].publicKey", torsion8, "small-order");
    expectIssue(err, "validators[4].publicKey", mixed, "prime-order subgroup");
  });

  it("requires at least one validator unless asked not to", () => {
    const j = validJson();
    j.validators = [];
    expectIssue(parseError(j), "validators", "at least one validator");
    expect(parseGenesis(text(j), { allowNoValidators: true }).validators).toEqual([]);
  });

  it("refuses duplicate and malformed names", () => {
    const j = validJson();
    j.validators[1].name = "val-1";
    j.validators.push({ name: "bad\nname", publicKey: publicKeyHex(3), stake: "1" });
    j.validators.push({ name: " padded", publicKey: publicKeyHex(4), stake: "1" });
    j.validators.push({ name: "", publicKey: publicKeyHex(5), stake: "1" });
    const err = parseError(j);
    expectIssue(err, "validators[1].name", '"val-1" is already the name of validators[0]');
    expectIssue(err, "validators[2].name", "control characters");
    expectIssue(err, "validators[3].name", '" padded"', "whitespace");
    expectIssue(err, "validators[4].name", "1-64 characters");
  });
});

describe("accounts", () => {
  it("refuses a duplicate address, naming it and the earlier entry", () => {
    const j = validJson();
    j.accounts[1].address = addressOfSeed(1);
    expectIssue(parseError(j), "accounts[1].address", "duplicate of accounts[0]", addressOfSeed(1));
  });

  it("refuses a negative balance", () => {
    const j = validJson();
    j.accounts[0].balance = "-1";
    expectIssue(parseError(j), "accounts[0].balance", '"-1" is negative');
  });

  it("refuses a bad address with the parser's reason", () => {
    const good = addressOfSeed(1);
    const last = good.at(-1) === "q" ? "p" : "q";
    const j = validJson();
    j.accounts[0].address = `${good.slice(0, -1)}${last}`;
    j.accounts[1].address = good.replace(/^isc1/, "btc1");
    j.accounts.push({ address: 12, balance: "1" });
    const err = parseError(j);
    expectIssue(err, "accounts[0].address", "checksum", good.slice(0, 20));
    expectIssue(err, "accounts[1].address", "btc1");
    expectIssue(err, "accounts[2].address", "must be an", "number 12");
  });
});

describe("amounts", () => {
  it("refuses every malformed decimal string, naming it", () => {
    const malformed = ["1e18", "1.5", "-0", "+1", "01", "", " 1", "0x10"];
    const j = validJson();
    j.accounts = malformed.map((balance, i) => ({ address: addressOfSeed(10 + i), balance }));
    const err = parseError(j);
    malformed.forEach((bad, i) => {
      expectIssue(err, `accounts[${i}].balance`, ...(bad === "" ? ["empty"] : [`"${bad}"`]));
    });
  });

  it("refuses amounts written as JSON numbers, which lose precision", () => {
    const j = validJson();
    j.validators[0].stake = 1e21;
    j.params.fees.perByte = 5;
    const err = parseError(j);
    expectIssue(err, "validators[0].stake", "in quotes", "JSON number 1e+21");
    expectIssue(err, "params.fees.perByte", "in quotes");
  });

  it("refuses an amount above u128 and a total supply above u128", () => {
    const half = 1n << 127n;
    const j = validJson();
    j.accounts[0].balance = (U128_MAX + 1n).toString();
    j.accounts[1].balance = half.toString();
    j.validators[0].stake = half.toString();
    const err = parseError(j);
    expectIssue(err, "accounts[0].balance", "exceeds the u128 maximum");
    expectIssue(err, "$", "total supply", "exceeds the u128 maximum");
  });
});

describe("chain, time and shards", () => {
  it("checks the chain id format", () => {
    for (const bad of ["UBN-1", "ubn_devnet", "-ubn", "", "a".repeat(49), "ubn devnet"]) {
      const j = validJson();
      j.chainId = bad;
      expectIssue(parseError(j), "chainId", `"${bad}" is not a chain id`);
    }
  });

  it("checks the shard count range", () => {
    for (const bad of [0, 1025, 2.5, -1]) {
      const j = validJson();
      j.shardCount = bad;
      expectIssue(parseError(j), "shardCount", "from 1 to 1024", `got ${bad}`);
    }
    const j = validJson();
    j.shardCount = "4";
    expectIssue(parseError(j), "shardCount", "must be a number", "string");
  });

  it("requires an ISO-8601 UTC genesis time", () => {
    const bad = [
      "2026-11-22",
      "2026-11-22T00:00:00+01:00",
      "2026-11-22T00:00:00.0000Z",
      "2026-02-30T00:00:00Z",
      "2026-11-22T24:00:00Z",
      "1969-12-31T23:59:59Z",
      "tomorrow",
    ];
    for (const t of bad) {
      const j = validJson();
      j.genesisTime = t;
      expectIssue(parseError(j), "genesisTime", `"${t}"`);
    }
    const j = validJson();
    j.genesisTime = 1_700_000_000_000;
    expectIssue(parseError(j), "genesisTime", "ISO-8601");
    j.genesisTime = "2026-11-22T10:20:30Z";
    expect(parseGenesis(text(j)).genesisTimeMs).toBe(Date.UTC(2026, 10, 22, 10, 20, 30));
  });
});

describe("params", () => {
  it("checks every range", () => {
    const j = validJson();
    Object.assign(j.params, {
      tokenDecimals: 25,
      blockIntervalMs: 0,
      voteTimeoutMs: -1,
      committeeSize: 3,
      epochLength: 0,
      timeoutIncreaseMs: 1.5,
    });
    j.params.rewards.auditShareBps = 10_001;
    const err = parseError(j);
    expectIssue(err, "params.tokenDecimals", "from 0 to 24", "25");
    expectIssue(err, "params.blockIntervalMs", "from 10 to 600000", "got 0");
    expectIssue(err, "params.voteTimeoutMs", "got -1");
    expectIssue(err, "params.committeeSize", "from 4 to 1024", "got 3");
    expectIssue(err, "params.epochLength", "got 0");
    expectIssue(err, "params.timeoutIncreaseMs", "got 1.5");
    expectIssue(err, "params.rewards.auditShareBps", "from 0 to 10000", "10001");
  });

  it("checks the block size limits", () => {
    const j = validJson();
    Object.assign(j.params, { maxBlockTxs: 0, maxBlockBytes: 1023 });
    let err = parseError(j);
    expectIssue(err, "params.maxBlockTxs", "from 1 to 100000", "got 0");
    expectIssue(err, "params.maxBlockBytes", "from 1024 to 1032192", "got 1023");
    Object.assign(j.params, { maxBlockTxs: 100_001, maxBlockBytes: 1_040_001 });
    err = parseError(j);
    expectIssue(err, "params.maxBlockTxs", "got 100001");
    expectIssue(err, "params.maxBlockBytes", "got 1040001");
    Object.assign(j.params, { maxBlockTxs: 2.5, maxBlockBytes: "1000000" });
    err = parseError(j);
    expectIssue(err, "params.maxBlockTxs", "got 2.5");
    expectIssue(err, "params.maxBlockBytes", "must be a number");
    for (const [maxBlockTxs, maxBlockBytes] of [
      [1, 1024],
      [100_000, 1_032_192],
    ]) {
      Object.assign(j.params, { maxBlockTxs, maxBlockBytes });
      expect(parseGenesis(text(j)).params).toMatchObject({ maxBlockTxs, maxBlockBytes });
    }
  });

  it("keeps maxBlockBytes at least 8 KiB under the 1 MiB consensus payload", () => {
    expect(integerParamLimits.maxBlockBytes.max).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES - 8 * 1024);
  });

  it("allows blocks down to 10 ms for local devnets", () => {
    const j = validJson();
    Object.assign(j.params, { blockIntervalMs: 10, proposeTimeoutMs: 100, voteTimeoutMs: 100 });
    expect(parseGenesis(text(j)).params.blockIntervalMs).toBe(10);
    j.params.blockIntervalMs = 9;
    expectIssue(parseError(j), "params.blockIntervalMs", "from 10", "got 9");
    // The propose timeout (at least 100) must still exceed the interval.
    Object.assign(j.params, { blockIntervalMs: 100, proposeTimeoutMs: 100 });
    expectIssue(parseError(j), "params.proposeTimeoutMs", "greater than blockIntervalMs (100)");
  });

  it("requires the propose timeout to exceed the block interval", () => {
    const j = validJson();
    j.params.proposeTimeoutMs = 1000;
    expectIssue(parseError(j), "params.proposeTimeoutMs", "greater than blockIntervalMs (1000)");
  });

  it("requires unbonding to last at least one epoch", () => {
    const j = validJson();
    j.params.unbondingPeriodBlocks = 31;
    expectIssue(parseError(j), "params.unbondingPeriodBlocks", "31", "epochLength 32");
  });
});

describe("shape", () => {
  it("names unknown fields at every level", () => {
    const j = validJson();
    j.extra = 1;
    j.validators[0].pubkey = "x";
    j.accounts[0].Balance = "1";
    j.params.fees.perType.bogus = "1";
    j.params.rewards.inflation = "1";
    const err = parseError(j);
    expectIssue(err, "extra", "unknown field", "chainId");
    expectIssue(err, "validators[0].pubkey", "unknown field", "allowed here: name, publicKey, stake");
    expectIssue(err, "accounts[0].Balance", 'did you mean "balance"');
    expectIssue(err, "params.fees.perType.bogus", "unknown field", "register_validator");
    expectIssue(err, "params.rewards.inflation", "unknown field");
  });

  it("names missing required fields at every level", () => {
    const j = validJson();
    delete j.chainId;
    delete j.validators[1].stake;
    delete j.accounts[0].address;
    delete j.params.rewards;
    delete j.params.fees.perType.unstake;
    delete j.params.maxBlockTxs; // a file written before the block size limits existed
    delete j.params.maxBlockBytes;
    const err = parseError(j);
    for (const path of [
      "chainId",
      "validators[1].stake",
      "accounts[0].address",
      "params.maxBlockTxs",
      "params.maxBlockBytes",
      "params.rewards",
      "params.fees.perType.unstake",
    ]) {
      expectIssue(err, path, "required field is missing");
    }
  });

  it("names fields of the wrong type", () => {
    const j = validJson();
    j.validators = {};
    j.accounts = [5];
    j.params.fees = [];
    const err = parseError(j);
    expectIssue(err, "validators", "must be an array, got an object");
    expectIssue(err, "accounts[0]", "must be an object");
    expectIssue(err, "params.fees", "must be an object, got an array");
    expect(parseError("[]").issues).toEqual([{ path: "$", message: "must be an object, got an array" }]);
  });

  it("refuses duplicate member names that JSON.parse would hide", () => {
    const doc = text(validJson())
      .replace('"shardCount": 4', '"shardCount": 4,\n  "shardCount": 8')
      .replace('"perByte": "1000000000"', '"perByte": "1000000000", "perByte": "0"');
    const err = parseError(doc);
    expectIssue(err, "shardCount", 'duplicate member "shardCount"', "line 5", "first at line 4");
    expectIssue(err, "params.fees.perByte", 'duplicate member "perByte"');
  });

  it("reports a syntax error with its position", () => {
    const err = parseError('{"chainId": "x",}');
    expectIssue(err, "$", "invalid JSON at line 1, column 17");
  });
});

describe("reporting", () => {
  it("collects every problem, in file order, into one error", () => {
    const j = validJson();
    j.params.committeeSize = 2;
    j.accounts[1].address = addressOfSeed(1);
    j.validators[1].publicKey = publicKeyHex(1);
    j.chainId = "Bad";
    j.validators[0].stake = "1.5";
    const err = parseError(j, { source: "genesis.json" });
    expect(err.issues.map((i) => i.path)).toEqual([
      "chainId",
      "validators[0].stake",
      "validators[1].publicKey",
      "accounts[1].address",
      "params.committeeSize",
    ]);
    const lines = err.message.split("\n");
    expect(lines[0]).toBe("genesis.json is invalid (5 problems):");
    expect(lines[3]).toBe(`  validators[1].publicKey: duplicate of validators[0] (val-1, ${publicKeyHex(1)})`);
  });

  it("applies the same rules to a genesis built in code", () => {
    const g = parseGenesis(text(validJson()));
    const broken = { ...g, shardCount: 0, accounts: [{ address: new Uint8Array(20), balance: -1n }] };
    const paths = genesisIssues(broken).map((i) => i.path);
    expect(paths).toEqual(["shardCount", "accounts[0].balance"]);
    expect(() => validateGenesis(broken)).toThrow(/accounts\[0\]\.balance: balance must not be negative, got -1/);
  });
});
