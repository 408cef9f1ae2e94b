// Shard blocks built by one node and re-executed by another: real VM, real sparse Merkle states
// on two shards, a cross-shard transfer carried from shard 0's outbox into shard 1 by proof.
import { describe, expect, it } from "vitest";
import { equalBytes, sha256, toHex, utf8 } from "../../crypto/index.ts";
import { buildShardBlock, type ShardBlockContext, validateShardBlock } from "../../shard/block-exec.ts";
import { bodyHash, EMPTY_BODY, type ShardBlockPayload } from "../../shard/body.ts";
import { ShardErrorCode } from "../../shard/errors.ts";
import { genesisShardHeader, headerHash, type ShardHeader } from "../../shard/header.ts";
import { bundleFor } from "../../shard/outbox.ts";
import { shardOfAddress } from "../../vm/cross-shard/shard-of.ts";
import {
  accountKey,
  emptyAccount,
  encodeAccount,
  encodeTotals,
  encodeTransaction,
  MemoryKv,
  SparseMerkleState,
  TOTALS_KEY,
  type VmParams,
} from "../../vm/index.ts";
import { account, addr, params, signed } from "../vm/helpers.ts";

const SHARDS = 2;
const chainParams = (id: number): VmParams => ({ ...params, chain: { id, shardCount: SHARDS } });
const onShard = (shard: number) => {
  for (let n = 0; ; n++) if (shardOfAddress(addr(n), SHARDS) === shard) return n;
};
const alice = onShard(0);
const bob = onShard(1);
const BEACON = { height: 3n, hash: sha256(utf8("beacon 3")) };

async function genesisKv(shard: number, keys: number[]): Promise<{ kv: MemoryKv; header: ShardHeader }> {
  const kv = new MemoryKv();
  const state = await SparseMerkleState.open(kv);
  for (const k of keys) state.set(accountKey(addr(k)), encodeAccount({ ...emptyAccount(), balance: 1_000_000n }));
  state.set(TOTALS_KEY, encodeTotals({ genesisSupply: BigInt(keys.length) * 1_000_000n, minted: 0n, burned: 0n }));
  const root = await state.commit();
  return { kv, header: genesisShardHeader(shard, root, bodyHash(EMPTY_BODY)) };
}

function context(shard: number, parent: ShardHeader, crosslinked: Set<string> = new Set()): ShardBlockContext {
  return {
    params: chainParams(shard),
    parent,
    proposer: null,
    beaconCommitted: (h, hash) => h === BEACON.height && equalBytes(hash, BEACON.hash),
    isCrosslinked: (_source, hash, at) => at >= BEACON.height && crosslinked.has(toHex(hash)),
  };
}

const code = (c: string) => expect.objectContaining({ code: c });

async function shard0Block() {
  const g = await genesisKv(0, [alice]);
  const parent = g.header;
  const builder = await SparseMerkleState.open(g.kv.clone());
  const txs = [
    encodeTransaction(signed(alice, 0n, { type: "transfer", to: addr(bob), amount: 700n })),
    encodeTransaction(signed(alice, 0n, { type: "transfer", to: addr(bob), amount: 1n })), // nonce reused
  ];
  const built = await buildShardBlock(builder, context(0, parent), { beacon: BEACON, timeMs: 5n, txs, inbound: [] });
  return { g, parent, built };
}

describe("shard blocks: build, then validate elsewhere", () => {
  it("a built block re-executes to the same roots; the bad transaction is dropped", async () => {
    const { g, parent, built } = await shard0Block();
    expect(built.dropped).toHaveLength(1);
    expect(built.payload.header.outboxCount).toBe(1);
    const validator = await SparseMerkleState.open(g.kv.clone());
    const result = await validateShardBlock(validator, context(0, parent), built.payload);
    expect(toHex(result.stateRoot)).toBe(toHex(built.payload.header.stateRoot));
    expect(result.outbox[0]).toMatchObject({ source: 0, destination: 1, seq: 0n, amount: 700n });
  });

  it("refuses lying headers, other bodies, unknown beacon blocks and broken parents, changing nothing", async () => {
    const { g, parent, built } = await shard0Block();
    const p = built.payload;
    const state = await SparseMerkleState.open(g.kv.clone());
    const before = toHex(await state.pendingRoot());
    const cases: [ShardBlockPayload, string][] = [
      [{ ...p, header: { ...p.header, stateRoot: sha256(utf8("x")) } }, ShardErrorCode.rootMismatch],
      [{ ...p, header: { ...p.header, outboxCount: 0 } }, ShardErrorCode.rootMismatch],
      [{ ...p, body: { ...p.body, txs: [] } }, ShardErrorCode.bodyMismatch],
      [{ ...p, header: { ...p.header, beaconHeight: 4n } }, ShardErrorCode.unknownBeacon],
      [{ ...p, header: { ...p.header, height: 2n } }, ShardErrorCode.brokenHeaderChain],
      [{ ...p, header: { ...p.header, shard: 1 } }, ShardErrorCode.wrongShard],
    ];
    for (const [payload, expected] of cases) {
      await expect(validateShardBlock(state, context(0, parent), payload)).rejects.toThrow(code(expected));
      expect(toHex(await state.pendingRoot())).toBe(before);
    }
  });

  it("the destination credits a crosslinked receipt once; a replay, a forgery or an uncrosslinked source is refused", async () => {
    const { built } = await shard0Block();
    const source = built.payload.header;
    const g1 = await genesisKv(1, [bob]);
    const parent1 = g1.header;
    const crosslinked = new Set([toHex(headerHash(source))]);
    const bundle = bundleFor(source, built.result.outbox, 1, 0n, 64);

    const notYet = await SparseMerkleState.open(g1.kv.clone());
    await expect(
      buildShardBlock(notYet, context(1, parent1), { beacon: BEACON, timeMs: 6n, txs: [], inbound: [bundle] }),
    ).rejects.toThrow(code(ShardErrorCode.notCrosslinked));

    const builder = await SparseMerkleState.open(g1.kv.clone());
    const b1 = await buildShardBlock(builder, context(1, parent1, crosslinked), {
      beacon: BEACON,
      timeMs: 6n,
      txs: [],
      inbound: [bundle],
    });
    const v = await SparseMerkleState.open(g1.kv.clone());
    await validateShardBlock(v, context(1, parent1, crosslinked), b1.payload);
    await v.commit();
    expect((await account(v, addr(bob))).balance).toBe(1_000_700n);

    // The same bundle again in the next block: replayed.
    const replay = buildShardBlock(v, context(1, b1.payload.header, crosslinked), {
      beacon: BEACON,
      timeMs: 7n,
      txs: [],
      inbound: [bundle],
    });
    await expect(replay).rejects.toThrow(code(ShardErrorCode.replayed));

    // A forged amount under the same proof, in a block whose header claims what it would produce.
    const r = bundle.receipts[0] as (typeof bundle.receipts)[number];
    const forged = { ...bundle, receipts: [{ ...r, receipt: { ...r.receipt, amount: 7_000n } }] };
    const fresh = await SparseMerkleState.open(g1.kv.clone());
    const lie = { ...b1.payload, body: { ...b1.payload.body, inbound: [forged] } };
    const payload = { ...lie, header: { ...lie.header, bodyHash: bodyHash(lie.body) } };
    await expect(validateShardBlock(fresh, context(1, parent1, crosslinked), payload)).rejects.toThrow(
      code(ShardErrorCode.forgedProof),
    );
  });

  it("a transaction of an account on another shard never makes it into a block", async () => {
    const g = await genesisKv(0, [alice]);
    const state = await SparseMerkleState.open(g.kv.clone());
    const txs = [encodeTransaction(signed(bob, 0n, { type: "transfer", to: addr(alice), amount: 1n }))];
    const built = await buildShardBlock(state, context(0, g.header), {
      beacon: BEACON,
      timeMs: 1n,
      txs,
      inbound: [],
    });
    expect(built.dropped).toHaveLength(1);
    expect(built.payload.body.txs).toHaveLength(0);
  });
});
