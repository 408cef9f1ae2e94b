// Every decoder of untrusted bytes, with valid samples to mutate. A new protocol structure
// (transaction, block, vote) adds its decoder here and is fuzzed from then on.

import { decodeMessage, encodeMessage } from "../../consensus/index.ts";
import {
  bytes,
  decode,
  decodeCanonical,
  encode,
  encodeCanonical,
  fixedBytes,
  list,
  optional,
  struct,
  text,
  u8,
  u32,
  u64,
  u128,
} from "../../crypto/encoding/index.ts";
import { encodeGenesis, genesisCodec, parseGenesis } from "../../genesis/index.ts";
import { decodeTxBatch, encodeTxBatch } from "../../node/chain/tx-gossip.ts";
import {
  blocksRequestCodec,
  blocksResponseCodec,
  decodeBlocksResponse,
  encodeBlocksRequest,
} from "../../node/sync/protocol.ts";
import { decodeShardBlockPayload, encodeShardBlockPayload } from "../../shard/body.ts";
import { genesisShardHeader } from "../../shard/header.ts";
import { bundleFor } from "../../shard/outbox.ts";
import {
  decodeTransaction,
  encodeTransaction,
  signTransaction,
  sponsorTransaction,
  stateProofCodec,
} from "../../vm/index.ts";
import { text as genesisText, validJson } from "../genesis/fixture.ts";
import { receipt as crossReceipt } from "../shard/fixtures.ts";
import { addr, key, tx } from "../vm/helpers.ts";

export interface FuzzTarget {
  name: string;
  decode(bytes: Uint8Array): unknown;
  samples: Uint8Array[];
}

const Sample = struct("Sample", {
  chainId: text(64),
  nonce: u64,
  amount: u128,
  to: fixedBytes(20),
  memo: optional(bytes(64)),
  shard: u32,
  items: list(struct("Item", { kind: u8, data: bytes(16) }), 8),
});

const sampleValues = [
  { chainId: "ubn-1", nonce: 0n, amount: 0n, to: new Uint8Array(20), memo: null, shard: 0, items: [] },
  {
    chainId: "ubn-devnet-42",
    nonce: (1n << 64n) - 1n,
    amount: 10n ** 30n,
    to: new Uint8Array(20).fill(0xab),
    memo: new Uint8Array([1, 2, 3]),
    shard: 4_000_000_000,
    items: [
      { kind: 1, data: new Uint8Array(16).fill(7) },
      { kind: 255, data: new Uint8Array(0) },
    ],
  },
];

const sampleTx = () =>
  encodeTransaction(signTransaction(tx(0, 0n, { type: "transfer", to: addr(1), amount: 5n }), key(0).secretKey));

export const fuzzTargets: FuzzTarget[] = [
  {
    name: "decodeCanonical",
    decode: (b) => decodeCanonical(b),
    samples: [
      encodeCanonical(null),
      encodeCanonical([1, -1, 300, -300, 70000, 2 ** 32 - 1, -(2 ** 31)]),
      encodeCanonical([0n, -1n, 1n << 63n, 1n << 64n, -(1n << 100n), 10n ** 27n]),
      encodeCanonical(["", "é", "x".repeat(40), "y".repeat(300), new Uint8Array(300)]),
      encodeCanonical([[[[true, false, null]]], new Uint8Array(3), []]),
      encodeCanonical(Array.from({ length: 20 }, (_, i) => i)),
    ],
  },
  {
    name: "decode(Sample struct)",
    decode: (b) => decode(Sample, b),
    samples: sampleValues.map((v) => encode(Sample, v)),
  },
  {
    name: "decode(genesis)",
    decode: (b) => decode(genesisCodec, b),
    samples: [encodeGenesis(parseGenesis(genesisText(validJson())))],
  },
  {
    name: "decodeTransaction",
    decode: decodeTransaction,
    samples: [
      encodeTransaction(signTransaction(tx(0, 0n, { type: "transfer", to: addr(1), amount: 5n }), key(0).secretKey)),
      encodeTransaction(
        sponsorTransaction(
          signTransaction(
            tx(2, 7n, { type: "stake", amount: 1n << 70n }, { sponsor: key(3).publicKey }),
            key(2).secretKey,
          ),
          key(3).secretKey,
        ),
      ),
      encodeTransaction(
        signTransaction(tx(4, 1n, { type: "register_validator", consensusKey: key(9).publicKey }), key(4).secretKey),
      ),
    ],
  },
  {
    name: "decode(StateProof)",
    decode: (b) => decode(stateProofCodec, b),
    samples: [
      { depth: 0, emptySiblings: new Uint8Array(0), siblings: [], leaf: null },
      {
        depth: 3,
        emptySiblings: Uint8Array.of(0b0100_0000),
        siblings: [new Uint8Array(32).fill(1), new Uint8Array(32).fill(2)],
        leaf: { keyHash: new Uint8Array(32).fill(3), valueHash: new Uint8Array(32).fill(4) },
      },
      {
        depth: 12,
        emptySiblings: Uint8Array.of(0x81, 0x10),
        siblings: Array.from({ length: 9 }, (_, i) => new Uint8Array(32).fill(i + 1)),
        leaf: null,
      },
    ].map((proof) => encode(stateProofCodec, proof)),
  },
  {
    name: "decodeShardBlockPayload (shard block: header and body)",
    decode: decodeShardBlockPayload,
    samples: [
      encodeShardBlockPayload({
        header: genesisShardHeader(0, new Uint8Array(32), new Uint8Array(32)),
        body: { txs: [], inbound: [] },
      }),
      encodeShardBlockPayload({
        header: { ...genesisShardHeader(1, new Uint8Array(32).fill(1), new Uint8Array(32).fill(2)), height: 9n },
        body: {
          txs: [sampleTx(), sampleTx()],
          inbound: [
            bundleFor(
              genesisShardHeader(0, new Uint8Array(32), new Uint8Array(32)),
              [crossReceipt(0, 1, 0n)],
              1,
              0n,
              8,
            ),
          ],
        },
      }),
    ],
  },
  {
    name: "decodeTxBatch (transaction gossip)",
    decode: decodeTxBatch,
    samples: [encodeTxBatch([]), encodeTxBatch([sampleTx(), sampleTx()])],
  },
  {
    name: "decodeMessage (consensus)",
    decode: decodeMessage,
    samples: [
      encodeMessage({
        kind: "vote",
        epoch: 0n,
        round: 7n,
        height: 5n,
        blockHash: new Uint8Array(32).fill(4),
        voter: key(1).publicKey,
        signature: new Uint8Array(64).fill(6),
      }),
      encodeMessage({ kind: "sync-request", blockHash: new Uint8Array(32).fill(8), maxBlocks: 32 }),
    ],
  },
  {
    name: "decode(BlocksRequest) and decodeBlocksResponse (fast sync)",
    decode: (b) => (b.length < 16 ? decode(blocksRequestCodec, b) : decodeBlocksResponse(b)),
    samples: [
      encodeBlocksRequest({ fromHeight: 12n, maxBlocks: 128 }),
      encode(blocksResponseCodec, {
        tipHeight: 40n,
        blocks: [
          { hash: new Uint8Array(32).fill(1), block: new Uint8Array(10).fill(2), certificate: new Uint8Array(5) },
        ],
        tipProof: {
          height: 40n,
          child: new Uint8Array(12).fill(3),
          above: [new Uint8Array(8).fill(5)],
          certificate: new Uint8Array(6).fill(4),
        },
      }),
    ],
  },
];
