// docs/vectors.json holds the test vectors of docs/protocol.md for wallet authors in other
// languages. This suite recomputes every value in it from its fixed inputs (the seeds and the
// transaction fields) with our code, and verifies each signature with both verifiers, so the
// file cannot drift from what the node does. To regenerate after a deliberate protocol
// change: node test/docs/make-vectors.ts
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  addressBytesOf,
  addressOf,
  decodeCanonical,
  encodeCanonical,
  fromHex,
  keyPairFromSeed,
  nativeKeyPair,
  parseAddress,
  sign,
  taggedHash,
  toHex,
  utf8,
  verifyNative,
  verifyNoble,
} from "../../crypto/index.ts";
import { defaultGenesisParams } from "../../genesis/params.ts";
import { shardOfAddress } from "../../genesis/shard.ts";
import {
  decodeTransaction,
  encodeTransaction,
  encodeUnsigned,
  type Payload,
  requiredFee,
  type SignedTx,
  senderSigningBytes,
  signTransaction,
  sponsorSigningBytes,
  sponsorTransaction,
  TX_TYPES,
  transactionHash,
  type UnsignedTx,
  unsignedBytesOf,
  type VmParams,
} from "../../vm/index.ts";

interface KeyVector {
  seed: string;
  publicKey: string;
  addressHash: string;
  addressBytes: string;
  address: string;
  shards: Record<string, number>;
}

interface TxVector {
  name: string;
  signer: string;
  sponsorKey: string | null;
  fields: {
    chainId: string;
    sender: string;
    nonce: string;
    fee: string;
    sponsor: string | null;
    payload: Record<string, string>;
  };
  size: number;
  requiredFee: string;
  unsignedBytes: string;
  senderSigningBytes: string;
  signature: string;
  sponsorSigningBytes: string | null;
  sponsorSignature: string | null;
  signedBytes: string;
  hash: string;
  layout: { offset: number; hex: string; field: string; note: string }[];
}

interface Vectors {
  hashTags: Record<"address" | "senderSignature" | "sponsorSignature" | "transactionId", string>;
  addressPrefix: string;
  chainId: string;
  fees: { perByte: string; perType: Record<string, string> };
  keys: Record<string, KeyVector>;
  integers: { kind: "number" | "bigint"; value: string; hex: string }[];
  transactions: TxVector[];
}

const root = new URL("../../", import.meta.url);
const vectors = JSON.parse(readFileSync(new URL("docs/vectors.json", root), "utf8")) as Vectors;
const protocolDoc = readFileSync(new URL("docs/protocol.md", root), "utf8");

function keyOf(name: string): KeyVector {
  const k = vectors.keys[name];
  if (k === undefined) throw new Error(`no key ${name} in vectors.json`);
  return k;
}

function secretKeyOf(name: string): Uint8Array {
  return fromHex(keyOf(name).seed, 32);
}

function payloadOf(p: Record<string, string>): Payload {
  switch (p.type) {
    case "transfer":
      return { type: "transfer", to: fromHex(p.to as string, 20), amount: BigInt(p.amount as string) };
    case "stake":
    case "unstake":
      return { type: p.type, amount: BigInt(p.amount as string) };
    case "register_validator":
      return { type: "register_validator", consensusKey: fromHex(p.consensusKey as string, 32) };
    default:
      throw new Error(`unknown payload type ${p.type}`);
  }
}

function unsignedOf(v: TxVector): UnsignedTx {
  return {
    chainId: v.fields.chainId,
    sender: fromHex(v.fields.sender, 32),
    nonce: BigInt(v.fields.nonce),
    fee: BigInt(v.fields.fee),
    sponsor: v.fields.sponsor === null ? null : fromHex(v.fields.sponsor, 32),
    payload: payloadOf(v.fields.payload),
  };
}

const params: VmParams = {
  chainId: vectors.chainId,
  fees: {
    perByte: BigInt(vectors.fees.perByte),
    perType: Object.fromEntries(TX_TYPES.map((t) => [t, BigInt(vectors.fees.perType[t] as string)])) as Record<
      (typeof TX_TYPES)[number],
      bigint
    >,
  },
  unbondingPeriodBlocks: 1n,
  blockReward: 0n,
  maxBlockTxs: 1,
};

describe("docs/vectors.json", () => {
  it("uses the fee parameters of the default genesis", () => {
    expect(params.fees.perByte).toBe(defaultGenesisParams.fees.perByte);
    expect(params.fees.perType).toEqual(defaultGenesisParams.fees.perType);
  });

  describe.each(Object.keys(vectors.keys))("key %s", (name) => {
    const k = keyOf(name);

    it("derives the public key from the seed (noble and node:crypto)", () => {
      expect(toHex(keyPairFromSeed(fromHex(k.seed, 32)).publicKey)).toBe(k.publicKey);
      expect(toHex(nativeKeyPair(fromHex(k.seed, 32)).publicKey)).toBe(k.publicKey);
    });

    it("derives the address bytes, the bech32m address and the shard", () => {
      const publicKey = fromHex(k.publicKey, 32);
      expect(toHex(taggedHash(vectors.hashTags.address, publicKey))).toBe(k.addressHash);
      expect(k.addressHash.slice(0, 40)).toBe(k.addressBytes);
      expect(toHex(addressBytesOf(publicKey))).toBe(k.addressBytes);
      expect(addressOf(publicKey)).toBe(k.address);
      expect(k.address.startsWith(`${vectors.addressPrefix}1`)).toBe(true);
      expect(toHex(parseAddress(k.address))).toBe(k.addressBytes);
      expect(toHex(parseAddress(k.address.toUpperCase()))).toBe(k.addressBytes);
      for (const [count, shard] of Object.entries(k.shards)) {
        expect(shardOfAddress(fromHex(k.addressBytes), Number(count))).toBe(shard);
      }
    });
  });

  it("taggedHash is sha256(len(tag) || tag || data)", async () => {
    const { createHash } = await import("node:crypto");
    const k = keyOf("alice");
    const tag = utf8(vectors.hashTags.address);
    const input = Buffer.concat([Uint8Array.of(tag.length), tag, fromHex(k.publicKey)]);
    expect(createHash("sha256").update(input).digest("hex")).toBe(k.addressHash);
  });

  it.each(vectors.integers)("encodes the $kind $value as $hex", ({ kind, value, hex }) => {
    const v = kind === "number" ? Number(value) : BigInt(value);
    expect(toHex(encodeCanonical(v))).toBe(hex);
    expect(decodeCanonical(fromHex(hex))).toBe(v);
  });

  describe.each(vectors.transactions.map((t) => [t.name, t] as const))("transaction %s", (_, v) => {
    const unsigned = unsignedOf(v);
    const secretKey = secretKeyOf(v.signer);

    it("has the sender's and sponsor's public keys from vectors.keys", () => {
      expect(v.fields.sender).toBe(keyOf(v.signer).publicKey);
      expect(v.fields.sponsor).toBe(v.sponsorKey === null ? null : keyOf(v.sponsorKey).publicKey);
      expect(v.fields.chainId).toBe(vectors.chainId);
    });

    it("encodes the unsigned transaction", () => {
      expect(toHex(encodeUnsigned(unsigned))).toBe(v.unsignedBytes);
    });

    it("builds the sender's signing bytes: the tag, then the unsigned bytes", () => {
      const bytes = senderSigningBytes(fromHex(v.unsignedBytes));
      expect(toHex(bytes)).toBe(v.senderSigningBytes);
      expect(v.senderSigningBytes).toBe(toHex(utf8(vectors.hashTags.senderSignature)) + v.unsignedBytes);
    });

    it("signs as the sender (noble and node:crypto) and both verifiers accept", () => {
      const message = fromHex(v.senderSigningBytes);
      const publicKey = fromHex(v.fields.sender, 32);
      const signature = fromHex(v.signature, 64);
      expect(toHex(sign(message, secretKey))).toBe(v.signature);
      expect(toHex(nativeKeyPair(secretKey).sign(message))).toBe(v.signature);
      expect(verifyNoble(publicKey, message, signature)).toBe(true);
      expect(verifyNative(publicKey, message, signature)).toBe(true);
      // The same signature is not a sponsor's signature over the same transaction.
      expect(verifyNoble(publicKey, sponsorSigningBytes(fromHex(v.unsignedBytes)), signature)).toBe(false);
      expect(verifyNative(publicKey, sponsorSigningBytes(fromHex(v.unsignedBytes)), signature)).toBe(false);
    });

    it("signs as the sponsor, if any, and both verifiers accept", () => {
      if (v.sponsorKey === null) {
        expect(v.sponsorSigningBytes).toBeNull();
        expect(v.sponsorSignature).toBeNull();
        return;
      }
      const message = sponsorSigningBytes(fromHex(v.unsignedBytes));
      expect(toHex(message)).toBe(v.sponsorSigningBytes);
      expect(v.sponsorSigningBytes).toBe(toHex(utf8(vectors.hashTags.sponsorSignature)) + v.unsignedBytes);
      const sponsorSecret = secretKeyOf(v.sponsorKey);
      const publicKey = fromHex(v.fields.sponsor as string, 32);
      const signature = fromHex(v.sponsorSignature as string, 64);
      expect(toHex(sign(message, sponsorSecret))).toBe(v.sponsorSignature);
      expect(toHex(nativeKeyPair(sponsorSecret).sign(message))).toBe(v.sponsorSignature);
      expect(verifyNoble(publicKey, message, signature)).toBe(true);
      expect(verifyNative(publicKey, message, signature)).toBe(true);
    });

    it("encodes the signed transaction and hashes it", () => {
      let signed: SignedTx = signTransaction(unsigned, secretKey);
      if (v.sponsorKey !== null) signed = sponsorTransaction(signed, secretKeyOf(v.sponsorKey));
      expect(toHex(signed.signature)).toBe(v.signature);
      const bytes = encodeTransaction(signed);
      expect(toHex(bytes)).toBe(v.signedBytes);
      expect(bytes.length).toBe(v.size);
      expect(toHex(transactionHash(bytes))).toBe(v.hash);
      expect(toHex(taggedHash(vectors.hashTags.transactionId, bytes))).toBe(v.hash);
      // What a node does with the bytes: decode (canonical only) and cut the unsigned part out.
      const decoded = decodeTransaction(bytes);
      expect(decoded).toEqual(signed);
      expect(toHex(unsignedBytesOf(bytes, decoded))).toBe(v.unsignedBytes);
    });

    it("computes the required fee from the signed size, before signing", () => {
      const required = BigInt(v.requiredFee);
      expect(requiredFee(unsigned, params)).toBe(required);
      const type = unsigned.payload.type;
      expect(required).toBe(params.fees.perByte * BigInt(v.size) + params.fees.perType[type]);
      expect(unsigned.fee >= required).toBe(true);
    });

    it("lays the signed bytes out field by field", () => {
      let offset = 0;
      for (const part of v.layout) {
        expect(part.offset).toBe(offset);
        offset += part.hex.length / 2;
      }
      expect(v.layout.map((p) => p.hex).join("")).toBe(v.signedBytes);
    });
  });

  it("matches the worked example of docs/protocol.md", () => {
    const alice = keyOf("alice");
    const bob = keyOf("bob");
    const transfer = vectors.transactions.find((t) => t.name === "transfer") as TxVector;
    for (const value of [
      alice.seed,
      alice.publicKey,
      alice.addressHash,
      alice.address,
      bob.address,
      transfer.signature,
      transfer.hash,
      transfer.requiredFee,
    ]) {
      expect(protocolDoc).toContain(value);
    }
    for (const part of transfer.layout) expect(protocolDoc).toContain(part.hex);
  });
});
