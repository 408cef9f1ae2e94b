// Writes docs/vectors.json: the test vectors of docs/protocol.md, made with our own code from
// fixed inputs. Not run by the tests; test/docs/vectors.test.ts recomputes every value in the
// file and fails if any differs, so run this again only when the protocol changes on purpose:
//
//   node test/docs/make-vectors.ts
import { writeFileSync } from "node:fs";
import {
  addressBytesOf,
  addressOf,
  type CanonicalValue,
  encodeCanonical,
  fromHex,
  keyPairFromSeed,
  taggedHash,
  toHex,
} from "../../crypto/index.ts";
import { defaultGenesisParams } from "../../genesis/params.ts";
import { shardOfAddress } from "../../genesis/shard.ts";
import {
  encodeTransaction,
  encodeUnsigned,
  type Payload,
  requiredFee,
  type SignedTx,
  senderSigningBytes,
  signedTxCodec,
  signTransaction,
  sponsorSigningBytes,
  sponsorTransaction,
  transactionHash,
  type UnsignedTx,
  type VmParams,
} from "../../vm/index.ts";

const ISC = 10n ** 18n;

// RFC 8032 section 7.1 TEST 1, 2 and 3 secret keys: a wallet author can check their Ed25519
// library against the RFC first, then against the UBN values below.
const KEYS = {
  alice: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
  bob: "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
  sponsor: "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
} as const;
type KeyName = keyof typeof KEYS;

const CHAIN_ID = "ubn-devnet";
const SHARD_COUNTS = [1, 2, 4, 16, 1024];

const params: VmParams = {
  chainId: CHAIN_ID,
  fees: { perByte: defaultGenesisParams.fees.perByte, perType: { ...defaultGenesisParams.fees.perType } },
  unbondingPeriodBlocks: BigInt(defaultGenesisParams.unbondingPeriodBlocks),
  blockReward: defaultGenesisParams.rewards.blockReward,
  maxBlockTxs: defaultGenesisParams.maxBlockTxs,
};

const pair = (name: KeyName) => keyPairFromSeed(fromHex(KEYS[name]));

interface TxInput {
  name: string;
  description: string;
  signer: KeyName;
  sponsor: KeyName | null;
  nonce: bigint;
  /** null: offer exactly the required fee. */
  fee: bigint | null;
  payload: Payload;
}

const bob = pair("bob");
const TXS: TxInput[] = [
  {
    name: "transfer",
    description: "alice sends 1 ISC to bob, nonce 0, offering exactly the required fee (the worked example)",
    signer: "alice",
    sponsor: null,
    nonce: 0n,
    fee: null,
    payload: { type: "transfer", to: addressBytesOf(bob.publicKey), amount: ISC },
  },
  {
    name: "transfer-sponsored",
    description:
      "alice sends 100,000 ISC (above 2^64 base units: a big-integer extension) to bob, nonce 7; the sponsor pays a fee of 0.002 ISC and co-signs",
    signer: "alice",
    sponsor: "sponsor",
    nonce: 7n,
    fee: 2n * 10n ** 15n,
    payload: { type: "transfer", to: addressBytesOf(bob.publicKey), amount: 100_000n * ISC },
  },
  {
    name: "stake",
    description: "alice stakes 1,000 ISC, nonce 1",
    signer: "alice",
    sponsor: null,
    nonce: 1n,
    fee: null,
    payload: { type: "stake", amount: 1000n * ISC },
  },
  {
    name: "unstake",
    description: "alice unstakes 0.5 ISC, nonce 2",
    signer: "alice",
    sponsor: null,
    nonce: 2n,
    fee: null,
    payload: { type: "unstake", amount: ISC / 2n },
  },
  {
    name: "register_validator",
    description: "alice registers bob's public key as her validator's consensus key, nonce 3",
    signer: "alice",
    sponsor: null,
    nonce: 3n,
    fee: null,
    payload: { type: "register_validator", consensusKey: bob.publicKey },
  },
];

function payloadFields(p: Payload): Record<string, string> {
  switch (p.type) {
    case "transfer":
      return { type: p.type, to: toHex(p.to), amount: p.amount.toString() };
    case "stake":
    case "unstake":
      return { type: p.type, amount: p.amount.toString() };
    case "register_validator":
      return { type: p.type, consensusKey: toHex(p.consensusKey) };
  }
}

/** The signed encoding cut into its fields, each with its offset and meaning. */
function layout(tx: SignedTx): { offset: number; hex: string; field: string; note: string }[] {
  const value = signedTxCodec.toValue(tx) as CanonicalValue[];
  const names = ["chainId", "sender", "nonce", "fee", "sponsor", "payload", "signature", "sponsorSignature"];
  const out: { offset: number; hex: string; field: string; note: string }[] = [];
  let offset = 0;
  const push = (bytes: Uint8Array, field: string, note: string) => {
    out.push({ offset, hex: toHex(bytes), field, note });
    offset += bytes.length;
  };
  push(Uint8Array.of(0x90 | value.length), "(header)", `fixarray of ${value.length} fields`);
  value.forEach((v, i) => {
    const name = names[i] as string;
    if (name === "payload") {
      const [tag, body] = v as [number, CanonicalValue[]];
      push(Uint8Array.of(0x92), "payload", "fixarray of 2: [tag, body]");
      push(encodeCanonical(tag), "payload.tag", `${tx.payload.type} = ${tag}`);
      push(
        Uint8Array.of(0x90 | body.length),
        "payload.body",
        `fixarray of ${body.length} field${body.length === 1 ? "" : "s"}`,
      );
      const bodyNames = Object.keys(payloadFields(tx.payload)).filter((k) => k !== "type");
      body.forEach((b, j) => {
        push(encodeCanonical(b), `payload.body.${bodyNames[j]}`, describe(b));
      });
    } else {
      push(encodeCanonical(v), name, describe(v));
    }
  });
  return out;
}

function describe(v: CanonicalValue): string {
  const enc = encodeCanonical(v);
  const head = enc[0] as number;
  if (v === null) return "nil";
  if (typeof v === "string") return `str, ${enc.length - (head < 0xc0 ? 1 : 2)} bytes of UTF-8: "${v}"`;
  if (v instanceof Uint8Array) return `bin8, ${v.length} bytes`;
  if (typeof v === "number") return `positive fixint ${v}`;
  if (typeof v === "bigint") {
    if (head === 0xd3) return `int64, big-endian: ${v}`;
    if (head === 0xcf) return `uint64, big-endian: ${v}`;
    return `extension 0x42 (big integer), ${enc.length - (head === 0xd8 ? 2 : 3)} bytes big-endian: ${v}`;
  }
  return "";
}

const keys = Object.fromEntries(
  (Object.keys(KEYS) as KeyName[]).map((name) => {
    const { publicKey } = pair(name);
    const addressBytes = addressBytesOf(publicKey);
    const address = addressOf(publicKey);
    return [
      name,
      {
        seed: KEYS[name],
        publicKey: toHex(publicKey),
        addressHash: toHex(taggedHash("UBN/address/v1", publicKey)),
        addressBytes: toHex(addressBytes),
        address,
        shards: Object.fromEntries(SHARD_COUNTS.map((n) => [String(n), shardOfAddress(addressBytes, n)])),
      },
    ];
  }),
);

const transactions = TXS.map((input) => {
  const signer = pair(input.signer);
  const sponsor = input.sponsor === null ? null : pair(input.sponsor);
  const base: UnsignedTx = {
    chainId: CHAIN_ID,
    sender: signer.publicKey,
    nonce: input.nonce,
    fee: 0n,
    sponsor: sponsor?.publicKey ?? null,
    payload: input.payload,
  };
  const required = requiredFee(base, params);
  const unsigned: UnsignedTx = { ...base, fee: input.fee ?? required };
  const unsignedBytes = encodeUnsigned(unsigned);
  let signed = signTransaction(unsigned, signer.secretKey);
  if (sponsor !== null) signed = sponsorTransaction(signed, sponsor.secretKey);
  const signedBytes = encodeTransaction(signed);
  return {
    name: input.name,
    description: input.description,
    signer: input.signer,
    sponsorKey: input.sponsor,
    fields: {
      chainId: unsigned.chainId,
      sender: toHex(unsigned.sender),
      nonce: unsigned.nonce.toString(),
      fee: unsigned.fee.toString(),
      sponsor: unsigned.sponsor === null ? null : toHex(unsigned.sponsor),
      payload: payloadFields(unsigned.payload),
    },
    size: signedBytes.length,
    requiredFee: required.toString(),
    unsignedBytes: toHex(unsignedBytes),
    senderSigningBytes: toHex(senderSigningBytes(unsignedBytes)),
    signature: toHex(signed.signature),
    sponsorSigningBytes: sponsor === null ? null : toHex(sponsorSigningBytes(unsignedBytes)),
    sponsorSignature: signed.sponsorSignature === null ? null : toHex(signed.sponsorSignature),
    signedBytes: toHex(signedBytes),
    hash: toHex(transactionHash(signedBytes)),
    layout: layout(signed),
  };
});

const INTEGERS: { kind: "number" | "bigint"; value: bigint }[] = [
  { kind: "number", value: 0n },
  { kind: "number", value: 1n },
  { kind: "number", value: 127n },
  { kind: "number", value: 128n },
  { kind: "number", value: 255n },
  { kind: "number", value: 256n },
  { kind: "number", value: 65_535n },
  { kind: "number", value: 65_536n },
  { kind: "number", value: 4_294_967_295n },
  { kind: "bigint", value: 0n },
  { kind: "bigint", value: 1n },
  { kind: "bigint", value: ISC },
  { kind: "bigint", value: (1n << 63n) - 1n },
  { kind: "bigint", value: 1n << 63n },
  { kind: "bigint", value: (1n << 64n) - 1n },
  { kind: "bigint", value: 1n << 64n },
  { kind: "bigint", value: 100_000n * ISC },
  { kind: "bigint", value: (1n << 127n) - 1n },
  { kind: "bigint", value: 1n << 127n },
  { kind: "bigint", value: (1n << 128n) - 1n },
  { kind: "bigint", value: (1n << 191n) - 1n },
  { kind: "bigint", value: 1n << 191n },
  { kind: "bigint", value: (1n << 255n) - 1n },
];

const vectors = {
  description:
    "UBN protocol test vectors (docs/protocol.md). Byte strings are lower-case hex without 0x; integers are decimal strings. Made by test/docs/make-vectors.ts, checked by test/docs/vectors.test.ts.",
  hashTags: {
    address: "UBN/address/v1",
    senderSignature: "UBN/tx/sender/v1",
    sponsorSignature: "UBN/tx/sponsor/v1",
    transactionId: "UBN/tx/id/v1",
  },
  addressPrefix: "isc",
  chainId: CHAIN_ID,
  fees: {
    perByte: params.fees.perByte.toString(),
    perType: Object.fromEntries(Object.entries(params.fees.perType).map(([k, v]) => [k, v.toString()])),
  },
  keys,
  integers: INTEGERS.map(({ kind, value }) => ({
    kind,
    value: value.toString(),
    hex: toHex(encodeCanonical(kind === "number" ? Number(value) : value)),
  })),
  transactions,
};

const path = new URL("../../docs/vectors.json", import.meta.url);
writeFileSync(path, `${JSON.stringify(vectors, null, 2)}\n`);
console.log(`wrote ${path.pathname}`);
