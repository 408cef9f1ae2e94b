import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LevelKv, StorageError, StorageErrorCode } from "../../../node/storage/level-kv.ts";
import { verifyStateProof } from "../../../vm/state/sparse-merkle-proof.ts";
import { SparseMerkleState } from "../../../vm/state/sparse-merkle-state.ts";
import { hexOf, referenceRoot } from "../../vm/state/reference-tree.ts";

const bytes = (...b: number[]) => Uint8Array.from(b);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "ubn-level-kv-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("LevelKv", () => {
  it("gets what a batch put, undefined for missing and deleted keys", async () => {
    const kv = await LevelKv.open(join(dir, "db"));
    try {
      expect(await kv.get(bytes(1))).toBeUndefined();
      await kv.write([
        { type: "put", key: bytes(1), value: bytes(10) },
        { type: "put", key: bytes(2), value: new Uint8Array(0) },
        { type: "put", key: bytes(3), value: bytes(30) },
      ]);
      await kv.write([
        { type: "del", key: bytes(3) },
        { type: "put", key: bytes(1), value: bytes(11) },
      ]);
      expect(await kv.get(bytes(1))).toEqual(Buffer.from([11]));
      expect(await kv.get(bytes(2))).toEqual(Buffer.alloc(0));
      expect(await kv.get(bytes(3))).toBeUndefined();
      await kv.write([]);
    } finally {
      await kv.close();
    }
  });

  it("keeps a state's root and values across close and reopen", async () => {
    const path = join(dir, "state");
    const model = new Map<string, Uint8Array>();
    let root: Uint8Array;
    {
      const kv = await LevelKv.open(path);
      const state = await SparseMerkleState.open(kv);
      for (let i = 0; i < 300; i++) {
        state.set(bytes(i & 0xff, i >> 8), bytes(i & 0xff, 5));
        model.set(hexOf(bytes(i & 0xff, i >> 8)), bytes(i & 0xff, 5));
      }
      await state.commit();
      for (let i = 0; i < 300; i += 4) {
        state.delete(bytes(i & 0xff, i >> 8));
        model.delete(hexOf(bytes(i & 0xff, i >> 8)));
      }
      root = await state.commit();
      state.set(bytes(9, 9, 9), bytes(1));
      state.discard();
      expect(await state.commit()).toEqual(root);
      expect(root).toEqual(referenceRoot(model));
      await kv.close();
    }
    const kv = await LevelKv.open(path);
    try {
      const state = await SparseMerkleState.open(kv);
      expect(state.root).toEqual(root);
      for (let i = 0; i < 300; i++) {
        expect(await state.get(bytes(i & 0xff, i >> 8))).toEqual(i % 4 === 0 ? undefined : bytes(i & 0xff, 5));
      }
      expect(await state.get(bytes(9, 9, 9))).toBeUndefined();
      expect(verifyStateProof(root, bytes(1, 0), bytes(1, 5), await state.prove(bytes(1, 0)))).toBe(true);
      expect(verifyStateProof(root, bytes(0, 0), undefined, await state.prove(bytes(0, 0)))).toBe(true);
      state.set(bytes(0, 0), bytes(0, 5));
      model.set(hexOf(bytes(0, 0)), bytes(0, 5));
      expect(await state.commit()).toEqual(referenceRoot(model));
    } finally {
      await kv.close();
    }
  });

  it("refuses a second open of the same path with STORAGE_LOCKED naming the path", async () => {
    const path = join(dir, "locked");
    const kv = await LevelKv.open(path);
    try {
      const err = await LevelKv.open(path).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StorageError);
      expect((err as StorageError).code).toBe(StorageErrorCode.locked);
      expect((err as StorageError).message).toContain(path);
      expect((err as StorageError).path).toBe(path);
    } finally {
      await kv.close();
    }
  });

  it("reports a corrupt database, a missing one and use after close", async () => {
    const path = join(dir, "corrupt");
    const kv = await LevelKv.open(path);
    await kv.write([{ type: "put", key: bytes(1), value: bytes(1) }]);
    await kv.close();
    await expect(kv.get(bytes(1))).rejects.toMatchObject({ code: StorageErrorCode.notOpen });
    await expect(kv.write([{ type: "del", key: bytes(1) }])).rejects.toMatchObject({ code: StorageErrorCode.notOpen });

    await writeFile(join(path, "CURRENT"), "not a manifest name");
    await expect(LevelKv.open(path)).rejects.toMatchObject({ code: StorageErrorCode.corrupt });

    const missing = await LevelKv.open(join(dir, "none"), { createIfMissing: false }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(StorageError);
    expect((missing as StorageError).code).toBe(StorageErrorCode.openFailed);
    expect((missing as StorageError).message).toContain(join(dir, "none"));
  });
});
