// The executor's recording of a block's writes, and their replay onto another state.
import { describe, expect, it } from "vitest";
import { RecordingState, replayWrites } from "../../../node/chain/recording-state.ts";
import { MemoryKv, SparseMerkleState } from "../../../vm/index.ts";

const bytes = (...b: number[]) => Uint8Array.from(b);

describe("RecordingState", () => {
  it("records every write in order, copies what set() was given, and replays to the same root", async () => {
    const state = await SparseMerkleState.open(new MemoryKv());
    const recording = new RecordingState(state);
    const key = bytes(1);
    const value = bytes(10);
    recording.set(key, value);
    recording.adopt(bytes(2), bytes(20));
    recording.delete(bytes(1));
    recording.set(bytes(3), bytes(30));
    // set() took copies: changing its arguments afterwards changes neither the record nor the state.
    key[0] = 7;
    value[0] = 99;
    expect(recording.writes).toEqual([
      { key: bytes(1), value: bytes(10) },
      { key: bytes(2), value: bytes(20) },
      { key: bytes(1), value: undefined },
      { key: bytes(3), value: bytes(30) },
    ]);
    expect(await state.get(bytes(1))).toBeUndefined();
    expect(await state.get(bytes(3))).toEqual(bytes(30));
    const root = await state.pendingRoot();

    const other = await SparseMerkleState.open(new MemoryKv());
    replayWrites(other, recording.writes);
    expect(await other.pendingRoot()).toEqual(root);
    expect(await other.commit()).toEqual(await state.commit());
  });
});
