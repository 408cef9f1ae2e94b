// Where the state lives in its KvStore. Keys start with a bucket byte; a bucket's byte is never
// reused for anything else, even after the bucket is retired.
//
//   meta    0x00 || 0x01       -> committed root (32 bytes); absent in a store never committed
//   meta    0x00 || 0x02       -> flushed root (32) || journal records (u32): present only
//                                 while commits since the last flush have their nodes unstored
//   node    0x01 || hash (32)  -> the node's 65 hashed bytes (content-addressed, never deleted)
//   value   0x02 || key        -> latest committed value of key; absent when the key is absent
//   journal 0x03 || i (u32)    -> the keys the (i+1)-th commit since the flush wrote
import { HASH_LENGTH, toHex } from "../../crypto/index.ts";
import type { KvStore } from "./kv.ts";
import { StateError, StateErrorCode } from "./sparse-merkle-errors.ts";
import {
  bytesToDigest,
  type Digest,
  digestToBytes,
  EMPTY_DIGEST,
  parseNode,
  type Subtree,
  type TreeNode,
  writeDigest,
} from "./sparse-merkle-node.ts";

export const StateBucket = {
  meta: 0x00,
  node: 0x01,
  value: 0x02,
  journal: 0x03,
} as const;

export const StateMetaKey = {
  root: 0x01,
  flushed: 0x02,
} as const;

export const ROOT_KEY: Uint8Array = Uint8Array.of(StateBucket.meta, StateMetaKey.root);
export const FLUSHED_KEY: Uint8Array = Uint8Array.of(StateBucket.meta, StateMetaKey.flushed);
export const NODE_KEY_BYTES = 1 + HASH_LENGTH;

/** Writes the store key of the node with `hash` into `target` at `offset` (NODE_KEY_BYTES). */
export function writeNodeKey(target: Uint8Array, offset: number, hash: Digest): void {
  target[offset] = StateBucket.node;
  writeDigest(target, offset + 1, hash);
}

export function nodeKey(hash: Digest): Uint8Array {
  const key = new Uint8Array(NODE_KEY_BYTES);
  writeNodeKey(key, 0, hash);
  return key;
}

export function valueKey(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + key.length);
  out[0] = StateBucket.value;
  out.set(key, 1);
  return out;
}

const hex = (digest: Digest) => toHex(digestToBytes(digest));

/** The node stored under `hash`; StateError when it is missing or does not hash to `hash`. */
export async function readNode(kv: KvStore, hash: Digest): Promise<TreeNode> {
  const bytes = await kv.get(nodeKey(hash));
  if (bytes === undefined) {
    throw new StateError(
      StateErrorCode.missingNode,
      `state node ${hex(hash)} is missing from the store: the database is incomplete or damaged; resync the state`,
    );
  }
  const node = parseNode(hash, bytes);
  if (node === undefined) {
    throw new StateError(
      StateErrorCode.corruptNode,
      `state node ${hex(hash)} is corrupt in the store (its bytes do not hash to its key); resync the state`,
    );
  }
  return node;
}

/** The tree under `root`, with only its top node loaded. */
export async function readRoot(kv: KvStore, root: Digest): Promise<Subtree> {
  if (root === EMPTY_DIGEST) return null;
  try {
    return await readNode(kv, root);
  } catch (e) {
    if (e instanceof StateError && e.code === StateErrorCode.missingNode) {
      throw new StateError(
        StateErrorCode.unknownRoot,
        `no state with root ${hex(root)} was ever committed to this store`,
      );
    }
    throw e;
  }
}

/** The committed root recorded in the store (the empty root for a store never committed). */
export async function readCommittedRoot(kv: KvStore): Promise<Digest> {
  const root = await kv.get(ROOT_KEY);
  if (root === undefined) return EMPTY_DIGEST;
  if (root.length !== HASH_LENGTH) {
    throw new StateError(
      StateErrorCode.corruptRoot,
      `the committed state root in the store is ${root.length} bytes, not ${HASH_LENGTH}: the database is damaged or not a UBN state`,
    );
  }
  return bytesToDigest(root);
}

/**
 * Where the tree's nodes stand in the store: `root`, whose nodes are all stored, and the number
 * of commits since, whose written keys are in the journal. Absent from the store (undefined
 * here) when every committed node is stored.
 */
export interface FlushedTree {
  root: Digest;
  journalLength: number;
}

export function encodeFlushedTree(f: FlushedTree): Uint8Array {
  const out = new Uint8Array(HASH_LENGTH + 4);
  writeDigest(out, 0, f.root);
  new DataView(out.buffer).setUint32(HASH_LENGTH, f.journalLength);
  return out;
}

export async function readFlushedTree(kv: KvStore): Promise<FlushedTree | undefined> {
  const bytes = await kv.get(FLUSHED_KEY);
  if (bytes === undefined) return undefined;
  if (bytes.length !== HASH_LENGTH + 4) {
    throw new StateError(
      StateErrorCode.corruptJournal,
      `the state's flushed-tree record is ${bytes.length} bytes, not ${HASH_LENGTH + 4}: the database is damaged; resync the state`,
    );
  }
  const journalLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(HASH_LENGTH);
  return { root: bytesToDigest(bytes.subarray(0, HASH_LENGTH)), journalLength };
}

export function journalKey(index: number): Uint8Array {
  const key = new Uint8Array(5);
  key[0] = StateBucket.journal;
  new DataView(key.buffer).setUint32(1, index);
  return key;
}

/** A journal record: each key as its length (u32) and its bytes. */
export function encodeJournalRecord(keys: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const k of keys) size += 4 + k.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const k of keys) {
    view.setUint32(at, k.length);
    out.set(k, at + 4);
    at += 4 + k.length;
  }
  return out;
}

/** The keys of journal record `index`; StateError when it is missing or malformed. */
export async function readJournalRecord(kv: KvStore, index: number): Promise<Uint8Array[]> {
  const bytes = await kv.get(journalKey(index));
  const damaged = (why: string) =>
    new StateError(
      StateErrorCode.corruptJournal,
      `state journal record ${index} ${why}: the database is damaged; resync the state`,
    );
  if (bytes === undefined) throw damaged("is missing");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const keys: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; ) {
    if (at + 4 > bytes.length) throw damaged("ends inside a key's length");
    const n = view.getUint32(at);
    if (at + 4 + n > bytes.length) throw damaged("ends inside a key");
    keys.push(bytes.slice(at + 4, at + 4 + n));
    at += 4 + n;
  }
  return keys;
}
