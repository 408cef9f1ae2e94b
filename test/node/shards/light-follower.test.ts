// A node tracks a shard it does not execute from peers that do: it takes their certified blocks
// and outboxes once fast sync's checks pass and each body and outbox is what its header commits
// to; a peer that pairs a header with another outbox is penalized and nothing of its is kept.
import { describe, expect, it } from "vitest";
import type { BeaconState } from "../../../consensus/beacon/beacon-state.ts";
import { blockCodec, quorumCertCodec } from "../../../consensus/index.ts";
import { decode, encode, sha256, verifyNative } from "../../../crypto/index.ts";
import type { TipProof } from "../../../node/chain/block-store.ts";
import {
  checkLightBlock,
  decodeLightResponse,
  type LightBlock,
  lightRequestCodec,
  lightResponseCodec,
} from "../../../node/shards/light-blocks.ts";
import { type LightBlockCommitted, LightFollower } from "../../../node/shards/light-follower.ts";
import { seatedFrom } from "../../../node/shards/shard-following.ts";
import { SyncError } from "../../../node/sync/errors.ts";
import { bodyHash, encodeShardBlockPayload, type ShardBody } from "../../../shard/body.ts";
import { genesisShardHeader } from "../../../shard/header.ts";
import { outboxRoot } from "../../../shard/outbox.ts";
import type { CrossReceipt } from "../../../vm/cross-shard/receipt.ts";
import { type Built, CHAIN, fixture, GENESIS, genesis, makeBlock, qcFor } from "../../consensus/engine/helpers.ts";

const fx = fixture(4);
const SHARD = 1;

function receipt(seq: bigint): CrossReceipt {
  return {
    source: SHARD,
    destination: 0,
    seq,
    kind: 0,
    origin: new Uint8Array(32).fill(Number(seq) + 1),
    from: new Uint8Array(20),
    to: new Uint8Array(20),
    amount: 5n,
    validator: new Uint8Array(0),
  };
}

/** Shard blocks 1..n in consecutive rounds; block h emits one receipt (seq h - 1). */
function shardChain(n: number): { built: Built; light: LightBlock }[] {
  const out: { built: Built; light: LightBlock }[] = [];
  let parent: Built | null = null;
  for (let h = 1; h <= n; h++) {
    const body: ShardBody = { txs: [new Uint8Array([h])], inbound: [] };
    const outbox = [receipt(BigInt(h - 1))];
    const header = {
      ...genesisShardHeader(SHARD, new Uint8Array(32), bodyHash(body)),
      height: BigInt(h),
      outboxRoot: outboxRoot(outbox),
      outboxCount: outbox.length,
    };
    const payload = encodeShardBlockPayload({ header, body });
    const built = makeBlock(fx, {
      round: BigInt(h),
      parent,
      qc: parent === null ? genesis(fx) : qcFor(fx, parent),
      payload,
    });
    const stored = {
      hash: built.hash,
      block: encode(blockCodec, built.block),
      certificate: encode(quorumCertCodec, qcFor(fx, built)),
    };
    out.push({ built, light: { stored, outbox } });
    parent = built;
  }
  return out;
}

function follower(
  serve: (from: bigint) => LightBlock[],
  opts: {
    beaconHas?: (h: bigint) => boolean;
    tipProof?: TipProof;
  } = {},
) {
  const committed: LightBlockCommitted[] = [];
  const penalized: string[] = [];
  const log = { info() {}, warn() {}, debug() {} };
  const f = new LightFollower(
    {
      shard: SHARD,
      peers: () => ["peer-a"],
      async request(_peer, bytes) {
        const from = readFrom(bytes);
        const blocks = serve(from);
        const atTip = opts.tipProof !== undefined && from + BigInt(blocks.length) - 1n === opts.tipProof.height;
        return encode(lightResponseCodec, {
          tipHeight: opts.tipProof?.height ?? 99n,
          blocks,
          tipProof: atTip ? (opts.tipProof ?? null) : null,
        });
      },
      penalize: (peer, reason) => penalized.push(`${peer}: ${reason}`),
      range: {
        chainId: CHAIN,
        payloadDigest: sha256,
        genesisHash: GENESIS,
        validators: fx.set,
        verify: async (items) => items.map((it) => verifyNative(it.publicKey, it.message, it.signature)),
      },
      beaconHas: opts.beaconHas ?? (() => true),
      committed: async (b) => {
        committed.push(b);
      },
      log,
    },
    { height: 0n, hash: GENESIS },
  );
  return { f, committed, penalized };
}

function readFrom(bytes: Uint8Array): bigint {
  return decode(lightRequestCodec, bytes).fromHeight;
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
}

describe("LightFollower", () => {
  it("takes the blocks a 2-chain proves final, with their outboxes, without executing them", async () => {
    const chain = shardChain(5);
    const { f, committed, penalized } = follower((from) => chain.slice(Number(from) - 1).map((c) => c.light));
    f.start({ height: 0n, hash: GENESIS });
    await until(() => committed.length >= 4);
    await f.stop();
    // Block 5 has no certified child in the answer: 1..4 only.
    expect(committed.map((c) => c.height)).toEqual([1n, 2n, 3n, 4n]);
    expect(committed.map((c) => c.outbox[0]?.seq)).toEqual([0n, 1n, 2n, 3n]);
    expect(committed[3]?.hash).toEqual(chain[3]?.built.hash);
    expect(f.height).toBe(4n);
    expect(penalized).toEqual([]);
  });

  it("takes the peer's tip as well when the peer sends the tip's commit proof", async () => {
    const chain = shardChain(6);
    // The peer committed 1..5; block 6 (round 6, certified) is its proof for 5, not a block it serves.
    const child = chain[5] as { built: Built };
    const tipProof = {
      height: 5n,
      child: encode(blockCodec, child.built.block),
      above: [],
      certificate: encode(quorumCertCodec, qcFor(fx, child.built)),
    };
    const { f, committed, penalized } = follower((from) => chain.slice(Number(from) - 1, 5).map((c) => c.light), {
      tipProof,
    });
    f.start({ height: 0n, hash: GENESIS });
    await until(() => committed.length >= 5);
    await f.stop();
    expect(committed.map((c) => c.height)).toEqual([1n, 2n, 3n, 4n, 5n]);
    expect(penalized).toEqual([]);
  });

  it("penalizes a peer whose outbox is not the one the header commits to, and keeps nothing past it", async () => {
    const chain = shardChain(5);
    const forged = chain.map((c, i) =>
      i === 1 ? { ...c.light, outbox: [{ ...receipt(1n), amount: 500n }] } : c.light,
    );
    const { f, committed, penalized } = follower((from) => forged.slice(Number(from) - 1));
    f.start({ height: 0n, hash: GENESIS });
    await until(() => penalized.length > 0);
    await f.stop();
    expect(committed.map((c) => c.height)).toEqual([1n]);
    expect(penalized[0]).toMatch(/SYNC_MALFORMED/);
  });

  it("waits for the beacon block a header names", async () => {
    const chain = shardChain(3);
    let beacon = false;
    const { f, committed } = follower((from) => chain.slice(Number(from) - 1).map((c) => c.light), {
      beaconHas: () => beacon,
    });
    f.start({ height: 0n, hash: GENESIS });
    await new Promise((r) => setTimeout(r, 300));
    expect(committed).toEqual([]);
    beacon = true;
    await until(() => committed.length >= 2);
    await f.stop();
    expect(committed.map((c) => c.height)).toEqual([1n, 2n]);
  });
});

describe("checkLightBlock", () => {
  const [first] = shardChain(1);
  const payload = (first as { built: Built }).built.block.payload;
  const outbox = (first as { light: LightBlock }).light.outbox;

  it("passes a block whose body and outbox match its header", () => {
    expect(checkLightBlock(SHARD, 1n, payload, outbox).header.height).toBe(1n);
  });

  it("refuses another shard's header, another height, or a shorter outbox", () => {
    expect(() => checkLightBlock(0, 1n, payload, outbox)).toThrow(SyncError);
    expect(() => checkLightBlock(SHARD, 2n, payload, outbox)).toThrow(SyncError);
    expect(() => checkLightBlock(SHARD, 1n, payload, [])).toThrow(/outbox/);
    expect(() => checkLightBlock(SHARD, 1n, new Uint8Array([1, 2, 3]), outbox)).toThrow(/does not decode/);
  });

  it("decodes what serveLightBlocks would send", () => {
    const bytes = encode(lightResponseCodec, {
      tipHeight: 1n,
      blocks: [(first as { light: LightBlock }).light],
      tipProof: null,
    });
    expect(decodeLightResponse(bytes).blocks[0]?.outbox).toEqual(outbox);
  });
});

describe("seatedFrom", () => {
  const state = {
    committees: [
      {
        epoch: 3n,
        members: [
          ["a", "b"],
          ["c", "d"],
        ],
        registry: [],
      },
      {
        epoch: 4n,
        members: [
          ["c", "a"],
          ["b", "d"],
        ],
        registry: [],
      },
      {
        epoch: 5n,
        members: [
          ["e", "f"],
          ["a", "e"],
        ],
        registry: [],
      },
    ],
  } as unknown as BeaconState;

  it("is true while a committee of the shard's epoch or the next names the validator", () => {
    expect(seatedFrom(state, 0, "a", 3n)).toBe(true);
    expect(seatedFrom(state, 1, "b", 3n)).toBe(true); // seated next epoch: follow now, to catch up
    expect(seatedFrom(state, 0, "b", 4n)).toBe(false); // its seat was in epoch 3, now past
    // Seated in epoch 5 only, two ahead of a shard in epoch 3 (an idle shard lags the beacon).
    expect(seatedFrom(state, 1, "a", 3n)).toBe(false);
    expect(seatedFrom(state, 1, "a", 4n)).toBe(true);
  });
});
