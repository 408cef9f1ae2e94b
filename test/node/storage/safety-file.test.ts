// The safety state's two-slot file: the last completed write is what a restart reads, even if
// a later write was torn by a crash.
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SafetyFile, SafetyFileError } from "../../../node/storage/safety-file.ts";

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);

describe("SafetyFile", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "ubn-safety-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("starts empty, then returns the last state written", async () => {
    const first = await SafetyFile.open(dir, "shard-0");
    expect(first.state).toBeUndefined();
    for (let i = 1; i <= 5; i++) await first.file.write(bytes(100 + i, i));
    await first.file.close();
    const again = await SafetyFile.open(dir, "shard-0");
    expect(again.state).toEqual(bytes(105, 5));
    // Writing on continues the sequence: the newest still wins after another reopen.
    await again.file.write(bytes(7, 42));
    await again.file.close();
    expect((await SafetyFile.open(dir, "shard-0")).state).toEqual(bytes(7, 42));
  });

  it("keeps the previous state when the newest slot is torn", async () => {
    const { file } = await SafetyFile.open(dir, "c");
    await file.write(bytes(64, 1)); // slot b (sequence 1)
    await file.write(bytes(64, 2)); // slot a (sequence 2)
    await file.close();
    // A crash in the middle of writing slot a: its bytes no longer match the checksum.
    const torn = await open(join(dir, "c.a"), "r+");
    await torn.write(Buffer.from([0xff, 0xff, 0xff]), 0, 3, 60);
    await torn.close();
    expect((await SafetyFile.open(dir, "c")).state).toEqual(bytes(64, 1));
  });

  it("reads nothing from slots that are both damaged, and refuses oversized states", async () => {
    const { file } = await SafetyFile.open(dir, "d");
    await file.write(bytes(10, 1));
    await file.write(bytes(10, 2));
    await expect(file.write(new Uint8Array((1 << 20) + 1))).rejects.toBeInstanceOf(SafetyFileError);
    await file.close();
    for (const slot of ["d.a", "d.b"]) {
      const h = await open(join(dir, slot), "r+");
      await h.write(Buffer.from("XXXX"), 0, 4, 0);
      await h.close();
    }
    expect((await SafetyFile.open(dir, "d")).state).toBeUndefined();
  });

  it("writes in call order even when calls overlap", async () => {
    const { file } = await SafetyFile.open(dir, "e");
    await Promise.all([1, 2, 3, 4, 5, 6].map((i) => file.write(bytes(8, i))));
    await file.close();
    expect((await SafetyFile.open(dir, "e")).state).toEqual(bytes(8, 6));
  });
});
