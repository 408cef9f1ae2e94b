import { describe, expect, it } from "vitest";
import { decode, taggedHash, toHex } from "../../crypto/index.ts";
import {
  canonicalGenesis,
  encodeGenesis,
  GENESIS_HASH_TAG,
  genesisCodec,
  genesisHash,
  genesisToJson,
  parseGenesis,
} from "../../genesis/index.ts";
import { addressOfSeed, type Json, publicKeyHex, text, validJson } from "./fixture.ts";

const hashOf = (json: Json | string) => toHex(genesisHash(parseGenesis(typeof json === "string" ? json : text(json))));

/** Every leaf of a JSON value with its path, so a test can change each one in turn. */
function leaves(value: Json, path: (string | number)[] = []): (string | number)[][] {
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, Array.isArray(value) ? Number(k) : k]));
  }
  return [path];
}

/** A different value for the leaf that is still valid. */
function changed(path: (string | number)[], value: Json): Json {
  const field = path.at(-1);
  if (field === "publicKey") return publicKeyHex(99);
  if (field === "address") return addressOfSeed(99);
  if (field === "genesisTime") return "2026-11-22T00:00:00.001Z";
  if (typeof value === "number") return value + 1;
  if (/^[0-9]+$/.test(value)) return (BigInt(value) + 1n).toString();
  return `${value}x`;
}

describe("genesisHash", () => {
  it("is the tagged hash of the canonical encoding", () => {
    const g = parseGenesis(text(validJson()));
    expect(GENESIS_HASH_TAG).toBe("UBN/genesis/v2");
    expect(genesisHash(g)).toEqual(taggedHash("UBN/genesis/v2", encodeGenesis(g)));
  });

  it("does not depend on the order of validators and accounts, member order or whitespace", () => {
    const j = validJson();
    const reference = hashOf(j);
    const reordered = validJson();
    reordered.validators.reverse();
    reordered.accounts.reverse();
    expect(hashOf(reordered)).toBe(reference);
    expect(hashOf(JSON.stringify(j))).toBe(reference);
    expect(hashOf(JSON.stringify(j, null, "\t").replaceAll('": ', '"  :\r\n '))).toBe(reference);
    const reversedMembers = (v: Json): Json =>
      Array.isArray(v)
        ? v.map(reversedMembers)
        : v !== null && typeof v === "object"
          ? Object.fromEntries(
              Object.entries(v)
                .reverse()
                .map(([k, x]) => [k, reversedMembers(x)]),
            )
          : v;
    expect(hashOf(JSON.stringify(reversedMembers(j)))).toBe(reference);
    const upper = validJson();
    upper.validators[0].publicKey = upper.validators[0].publicKey.toUpperCase();
    expect(hashOf(upper)).toBe(reference);
  });

  it("changes when any value changes", () => {
    const reference = hashOf(validJson());
    const paths = leaves(validJson());
    expect(paths.length).toBeGreaterThan(25);
    expect(paths.map((p) => p.join("."))).toEqual(
      expect.arrayContaining(["params.blockIntervalMs", "params.maxBlockTxs", "params.maxBlockBytes"]),
    );
    for (const path of paths) {
      const j = validJson();
      let parent = j;
      for (const p of path.slice(0, -1)) parent = parent[p];
      const last = path.at(-1) as string | number;
      parent[last] = changed(path, parent[last]);
      expect(hashOf(j), path.join(".")).not.toBe(reference);
    }
    const unnamed = validJson();
    delete unnamed.validators[0].name;
    expect(hashOf(unnamed)).not.toBe(reference);
    const moreAccounts = validJson();
    moreAccounts.accounts.push({ address: addressOfSeed(50), balance: "0" });
    expect(hashOf(moreAccounts)).not.toBe(reference);
  });

  it("is pinned: the encoding is part of the protocol", () => {
    // If this changes, every existing genesis gets a new hash: bump the tag instead.
    expect(hashOf(validJson())).toBe("7d7c616c6aa587a1cc972da71c4716cff24f0fcd4d793d271a44d30704bdb99e");
  });

  it("encodes validators by public key and accounts by address, decodable with genesisCodec", () => {
    const g = parseGenesis(text(validJson()));
    const canonical = canonicalGenesis(g);
    const decoded = decode(genesisCodec, encodeGenesis(g));
    expect(decoded.validators.map((v) => toHex(v.publicKey))).toEqual(
      canonical.validators.map((v) => toHex(v.publicKey)),
    );
    expect(decoded.accounts.map((a) => toHex(a.address))).toEqual(canonical.accounts.map((a) => toHex(a.address)));
    expect(decoded.genesisTimeMs).toBe(BigInt(g.genesisTimeMs));
    expect(decoded.validators.map((v) => v.name)).toEqual(canonical.validators.map((v) => v.name ?? null));
  });

  it("appends the block size limits after rewards, leaving the earlier params where they were", () => {
    const j = validJson();
    j.params.maxBlockTxs = 1234;
    j.params.maxBlockBytes = 56_789;
    const decoded = decode(genesisCodec, encodeGenesis(parseGenesis(text(j))));
    expect(Object.keys(decoded.params)).toEqual([
      "tokenDecimals",
      "blockIntervalMs",
      "proposeTimeoutMs",
      "voteTimeoutMs",
      "timeoutIncreaseMs",
      "committeeSize",
      "epochLength",
      "unbondingPeriodBlocks",
      "fees",
      "rewards",
      "maxBlockTxs",
      "maxBlockBytes",
    ]);
    expect(decoded.params.maxBlockTxs).toBe(1234);
    expect(decoded.params.maxBlockBytes).toBe(56_789);
  });
});

describe("genesisToJson", () => {
  it("round-trips and writes 2-space indented JSON with a final newline", () => {
    const g = parseGenesis(text(validJson()));
    const out = genesisToJson(g);
    expect(out.endsWith("}\n")).toBe(true);
    expect(out).toBe(`${JSON.stringify(validJson(), null, 2)}\n`);
    expect(parseGenesis(out)).toEqual(g);
  });

  it("round-trips the block size limits and a short block interval", () => {
    const j = validJson();
    Object.assign(j.params, { blockIntervalMs: 10, proposeTimeoutMs: 100, maxBlockTxs: 1, maxBlockBytes: 1024 });
    const g = parseGenesis(text(j));
    expect(g.params).toMatchObject({ blockIntervalMs: 10, maxBlockTxs: 1, maxBlockBytes: 1024 });
    const out = genesisToJson(g);
    expect(out).toBe(`${JSON.stringify(j, null, 2)}\n`);
    expect(parseGenesis(out)).toEqual(g);
  });
});
