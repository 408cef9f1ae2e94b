// The consensus safety state on disk: two slot files written in turn, each with a sequence
// number and a checksum, synced with fdatasync before write() resolves.
//
// Why not LevelDB: a synced LevelDB write flushes the write-ahead log, and with it every block
// batch written since the last sync; under load that took 50 ms to a second per vote. Why
// slots of a fixed size, written full of zeros once: overwriting blocks a file already owns
// without changing its size lets fdatasync flush just those blocks, with no journal commit
// (which on ext4 also waits for every other file's dirty data). Why two slots: a crash in the middle of a write leaves that slot
// torn (its checksum fails) and the other slot whole, so the last state that was reported
// written is always found again.
import { createHash } from "node:crypto";
import { fdatasyncSync, writeSync } from "node:fs";
import { type FileHandle, mkdir, open } from "node:fs/promises";
import { join } from "node:path";
import { CodedError } from "../../crypto/index.ts";

const MAGIC = Buffer.from("UBNS");
const HEADER_BYTES = 4 + 8 + 4 + 32;
/** A safety state is a few KB (a QC and a TC of up to 1024 signers fit); more is refused. */
const MAX_STATE_BYTES = 1 << 20;
const SLOT_BYTES = HEADER_BYTES + MAX_STATE_BYTES;

export class SafetyFileError extends CodedError<"SAFETY_FILE_TOO_LARGE" | "SAFETY_FILE_CLOSED"> {
  override name = "SafetyFileError";
}

interface Slot {
  seq: bigint;
  state: Uint8Array;
}

export class SafetyFile {
  private readonly handles: [FileHandle, FileHandle];
  private seq: bigint;
  private closed = false;
  private chain: Promise<void> = Promise.resolve();

  private constructor(handles: [FileHandle, FileHandle], seq: bigint) {
    this.handles = handles;
    this.seq = seq;
  }

  /** Opens (creating if needed) the slot files `<name>.a` and `<name>.b` in `dir`. */
  static async open(dir: string, name: string): Promise<{ file: SafetyFile; state: Uint8Array | undefined }> {
    await mkdir(dir, { recursive: true });
    for (const slot of ["a", "b"]) {
      const h = await open(join(dir, `${name}.${slot}`), "a+");
      const { size } = await h.stat();
      if (size < SLOT_BYTES) {
        await h.write(Buffer.alloc(SLOT_BYTES - size));
        await h.sync();
      }
      await h.close();
    }
    // Make the two files' existence durable once, so later syncs only concern their contents.
    const d = await open(dir, "r");
    await d.sync().catch(() => {});
    await d.close();
    const handles: [FileHandle, FileHandle] = [
      await open(join(dir, `${name}.a`), "r+"),
      await open(join(dir, `${name}.b`), "r+"),
    ];
    const slots = (await Promise.all(handles.map(readSlot))).filter((s): s is Slot => s !== null);
    const best = slots.reduce<Slot | null>((m, s) => (m === null || s.seq > m.seq ? s : m), null);
    return { file: new SafetyFile(handles, best?.seq ?? 0n), state: best?.state };
  }

  /** Durable when the promise resolves. Writes happen one at a time, in call order. */
  write(state: Uint8Array): Promise<void> {
    const next = this.chain.then(() => this.writeNow(state));
    this.chain = next.catch(() => {});
    return next;
  }

  private async writeNow(state: Uint8Array): Promise<void> {
    if (this.closed) throw new SafetyFileError("SAFETY_FILE_CLOSED", "safety file is closed");
    if (state.length > MAX_STATE_BYTES) {
      throw new SafetyFileError("SAFETY_FILE_TOO_LARGE", `safety state of ${state.length} bytes`);
    }
    const seq = this.seq + 1n;
    const header = Buffer.alloc(HEADER_BYTES);
    MAGIC.copy(header, 0);
    header.writeBigUInt64BE(seq, 4);
    header.writeUInt32BE(state.length, 12);
    checksum(seq, state).copy(header, 16);
    const handle = this.handles[Number(seq % 2n)] as FileHandle;
    // Synchronous on purpose: through the libuv pool the sync queued behind hundreds of
    // LevelDB reads under load (seconds), while the write itself takes about a millisecond;
    // the caller waits for it before sending its vote either way.
    writeSync(handle.fd, Buffer.concat([header, state]), 0, HEADER_BYTES + state.length, 0);
    fdatasyncSync(handle.fd);
    this.seq = seq;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.chain;
    await Promise.all(this.handles.map((h) => h.close()));
  }
}

function checksum(seq: bigint, state: Uint8Array): Buffer {
  const s = Buffer.alloc(8);
  s.writeBigUInt64BE(seq);
  return createHash("sha256").update(s).update(state).digest();
}

async function readSlot(handle: FileHandle): Promise<Slot | null> {
  const { size } = await handle.stat();
  if (size < HEADER_BYTES) return null;
  const header = Buffer.alloc(HEADER_BYTES);
  await handle.read(header, 0, HEADER_BYTES, 0);
  if (!header.subarray(0, 4).equals(MAGIC)) return null;
  const seq = header.readBigUInt64BE(4);
  const length = header.readUInt32BE(12);
  if (length > MAX_STATE_BYTES || HEADER_BYTES + length > size) return null;
  const state = Buffer.alloc(length);
  await handle.read(state, 0, length, HEADER_BYTES);
  if (!checksum(seq, state).equals(header.subarray(16, 48))) return null;
  return { seq, state: new Uint8Array(state) };
}

/** A chain's safety state as the consensus host reads and writes it, kept in its file. */
export interface SafetyStore {
  read(): Promise<Uint8Array | undefined>;
  write(state: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

export async function openSafetyStore(dir: string, name: string): Promise<SafetyStore> {
  const { file, state } = await SafetyFile.open(dir, name);
  let current = state;
  return {
    read: async () => current,
    write: async (next) => {
      await file.write(next);
      current = next;
    },
    close: () => file.close(),
  };
}
