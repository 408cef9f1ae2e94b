import { describe, expect, it } from "vitest";
import { EncodingError, encode, equalBytes, sha256, utf8 } from "../../crypto/index.ts";
import {
  bodyHash,
  checkBodyMatches,
  decodeShardBlockPayload,
  EMPTY_BODY,
  encodeShardBlockPayload,
  shardPayloadDigest,
} from "../../shard/body.ts";
import { ShardErrorCode } from "../../shard/errors.ts";
import { decodeHeader, encodeHeader, headerHash, linkHeaderChain, shardHeaderCodec } from "../../shard/header.ts";
import { genesisOf, nextHeader, receipt } from "./fixtures.ts";

const code = (c: string) => expect.objectContaining({ code: c });

describe("shard headers", () => {
  const g = genesisOf(1);
  const h1 = nextHeader(g, [receipt(1, 0, 0n)]);
  const h2 = nextHeader(h1, []);
  const h3 = nextHeader(h2, [receipt(1, 0, 1n), receipt(1, 2, 0n)]);

  it("round-trips and refuses non-canonical bytes", () => {
    expect(decodeHeader(encodeHeader(h3))).toEqual(h3);
    const bytes = encodeHeader(h3);
    expect(() => decodeHeader(bytes.subarray(0, bytes.length - 1))).toThrow(EncodingError);
    expect(() => decodeHeader(new Uint8Array(600))).toThrow(EncodingError);
    expect(encodeHeader(h3).length).toBeLessThan(300);
  });

  it("links a chain of headers and returns their hashes", () => {
    const hashes = linkHeaderChain({ hash: headerHash(g), height: 0n }, 1, [h1, h2, h3]);
    expect(hashes.map((x) => Buffer.from(x).toString("hex"))).toEqual(
      [h1, h2, h3].map((h) => Buffer.from(headerHash(h)).toString("hex")),
    );
  });

  it("refuses a gap, a wrong parent, another shard's header and an empty chain", () => {
    const prev = { hash: headerHash(g), height: 0n };
    expect(() => linkHeaderChain(prev, 1, [h1, h3])).toThrow(code(ShardErrorCode.brokenHeaderChain));
    expect(() => linkHeaderChain(prev, 1, [{ ...h1, parent: sha256(utf8("x")) }])).toThrow(
      code(ShardErrorCode.brokenHeaderChain),
    );
    expect(() => linkHeaderChain(prev, 1, [h2])).toThrow(code(ShardErrorCode.brokenHeaderChain));
    expect(() => linkHeaderChain(prev, 0, [h1])).toThrow(code(ShardErrorCode.wrongShard));
    expect(() => linkHeaderChain(prev, 1, [])).toThrow(code(ShardErrorCode.emptyHeaderChain));
  });
});

describe("shard block payloads", () => {
  const body = { txs: [utf8("tx one"), utf8("tx two")], inbound: [] };
  const header = { ...nextHeader(genesisOf(0), []), bodyHash: bodyHash(body) };

  it("commit to the header's hash, which binds the body through bodyHash", () => {
    const bytes = encodeShardBlockPayload({ header, body });
    expect(equalBytes(shardPayloadDigest(bytes), headerHash(header))).toBe(true);
    const p = decodeShardBlockPayload(bytes);
    expect(() => checkBodyMatches(p)).not.toThrow();
    const swapped = { header, body: { ...body, txs: [utf8("tx one")] } };
    expect(() => checkBodyMatches(swapped)).toThrow(code(ShardErrorCode.bodyMismatch));
  });

  it("give undecodable bytes a digest that is no header's", () => {
    const junk = utf8("not a payload");
    const d = shardPayloadDigest(junk);
    expect(d.length).toBe(32);
    expect(equalBytes(d, shardPayloadDigest(utf8("not a payload!")))).toBe(false);
    // The header bytes alone are not a payload either.
    const h = encode(shardHeaderCodec, header);
    expect(equalBytes(shardPayloadDigest(h), headerHash(header))).toBe(false);
    expect(bodyHash(EMPTY_BODY).length).toBe(32);
  });
});
