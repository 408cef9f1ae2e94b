// The VM on the node's real storage: blocks executed against the sparse Merkle state on a
// level database in a temporary directory, the database closed and reopened.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { toHex } from "../../../crypto/index.ts";
import { LevelKv } from "../../../node/storage/level-kv.ts";
import {
  accountKey,
  BlockError,
  emptyAccount,
  encodeAccount,
  encodeTotals,
  encodeTransaction,
  executeBlock,
  SparseMerkleState,
  TOTALS_KEY,
  verifyStateProof,
} from "../../../vm/index.ts";
import { account, addr, CHAIN, params, signed, supplyHolds } from "../../vm/helpers.ts";

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe("executeBlock on a level database", () => {
  it("persists blocks, survives a reopen, and leaves the disk untouched by an invalid block", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ubn-vm-level-"));
    dirs.push(dir);
    let kv = await LevelKv.open(join(dir, "db"));
    let state = await SparseMerkleState.open(kv);
    for (let i = 0; i < 4; i++)
      state.set(accountKey(addr(i)), encodeAccount({ ...emptyAccount(), balance: 1_000_000n }));
    state.set(TOTALS_KEY, encodeTotals({ genesisSupply: 4_000_000n, minted: 0n, burned: 0n }));
    await state.commit();

    const blocks = [
      [signed(0, 0n, { type: "transfer", to: addr(1), amount: 1_000n }), signed(1, 0n, { type: "stake", amount: 5n })],
      [signed(0, 1n, { type: "transfer", to: addr(5), amount: 77n }), signed(2, 0n, { type: "unstake", amount: 1n })],
    ];
    for (const [h, txs] of blocks.entries()) {
      const result = await executeBlock(
        state,
        { chainId: CHAIN, height: BigInt(h + 1), proposer: addr(3), txs: txs.map(encodeTransaction) },
        { params },
      );
      expect(toHex(await state.commit())).toBe(toHex(result.stateRoot));
    }
    const root = toHex(state.root);
    const expected = await account(state, addr(0));

    // An invalid block (replayed nonce) changes nothing, on disk either.
    const replay = [encodeTransaction(blocks[0]?.[0] as never)];
    const err = await executeBlock(
      state,
      { chainId: CHAIN, height: 3n, proposer: null, txs: replay },
      { params },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BlockError);
    await state.commit(); // nothing pending: the root must not move
    expect(toHex(state.root)).toBe(root);

    await kv.close();
    kv = await LevelKv.open(join(dir, "db"));
    state = await SparseMerkleState.open(kv);
    expect(toHex(state.root)).toBe(root);
    expect(await account(state, addr(0))).toEqual(expected);
    expect(expected).toMatchObject({ nonce: 2n, balance: 1_000_000n - 1_077n - 20_000n });
    expect(await supplyHolds(state, [0, 1, 2, 3, 5].map(addr))).toBe(true);
    // A proof read from disk verifies against the root, and fails for another value.
    const key = accountKey(addr(0));
    const value = (await state.get(key)) as Uint8Array;
    const proof = await state.prove(key);
    expect(verifyStateProof(state.root, key, value, proof)).toBe(true);
    expect(verifyStateProof(state.root, key, encodeAccount({ ...expected, balance: 1n }), proof)).toBe(false);
    await kv.close();
  });
});
