// The nodes of the state tree and how each is hashed and stored. A key sits at the 256-bit path
// keyHash = taggedHash("UBN/state/key/v1", key), read most significant bit first, 0 = left.
// A subtree with no key is empty (hash: 32 zero bytes), a subtree with exactly one key is that
// key's leaf, and a subtree with two or more keys is an internal node over its two halves. So
// the shape depends only on the set of keys, and a tree of n keys is about log2(n) deep.
//
//   leaf hash     = sha256(0x00 || keyHash || valueHash)   valueHash = sha256(value)
//   internal hash = sha256(0x01 || leftHash || rightHash)
//
// The 65 bytes under sha256 are also what the store keeps for the node, keyed by its hash.
//
// Inside the tree a hash is a Digest: a 32-character string, one character per byte. node:crypto
// returns that form about 3x faster than a Buffer (no ArrayBuffer per hash, so far less garbage
// collection), and strings compare, sort and key Maps natively. Bytes appear only at the edges:
// the store, roots and proofs.
import { bytesOfBinary, HASH_LENGTH, sha256Binary, utf8 } from "../../crypto/index.ts";

/** A SHA-256 digest as 32 characters with codes 0-255, byte i being character i. */
export type Digest = string;

export const KEY_HASH_TAG = "UBN/state/key/v1";
export const LEAF_PREFIX = 0x00;
export const INTERNAL_PREFIX = 0x01;
/** Bytes of a stored node: prefix byte and two 32-byte hashes. */
export const NODE_BYTES = 1 + 2 * HASH_LENGTH;
/** Root of the state with no keys, and the hash of every empty subtree. */
export const EMPTY_ROOT: Uint8Array = new Uint8Array(HASH_LENGTH);
export const EMPTY_DIGEST: Digest = "\0".repeat(HASH_LENGTH);

export interface LeafNode {
  readonly leaf: true;
  readonly hash: Digest;
  readonly keyHash: Digest;
  readonly valueHash: Digest;
  /** In the store: read from it, or written by a flush. See `InternalNode.stored`. */
  stored: boolean;
}

/**
 * An internal node. Children are loaded from the store on demand: `left`/`right` is the child
 * once loaded, null for an empty subtree, undefined while not loaded (only its hash known).
 */
export interface InternalNode {
  readonly leaf: false;
  readonly hash: Digest;
  readonly leftHash: Digest;
  readonly rightHash: Digest;
  left: TreeNode | null | undefined;
  right: TreeNode | null | undefined;
  /**
   * In the store: read from it, or written by a flush. A stored node's children are stored
   * too, so a stored child can be unlinked and read back; one made since the last flush cannot.
   */
  stored: boolean;
}

export type TreeNode = LeafNode | InternalNode;
/** A subtree: a node, or null when empty. */
export type Subtree = TreeNode | null;

export function digestToBytes(digest: Digest): Uint8Array {
  return bytesOfBinary(digest);
}

/** The digest of 32 bytes (anything else is refused by the callers before). */
export function bytesToDigest(bytes: Uint8Array): Digest {
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}

export function writeDigest(target: Uint8Array, offset: number, digest: Digest): void {
  for (let i = 0; i < HASH_LENGTH; i++) target[offset + i] = digest.charCodeAt(i);
}

// Hash inputs are built in these buffers and hashed at once, before anything else can run.
const nodeInput = new Uint8Array(NODE_BYTES);
const keyInput = new Uint8Array(256);
const keyHashPrefix = (() => {
  const tag = utf8(KEY_HASH_TAG);
  return Uint8Array.of(tag.length, ...tag);
})();

/** taggedHash(KEY_HASH_TAG, key) as a digest. */
export function stateKeyHash(key: Uint8Array): Digest {
  const n = keyHashPrefix.length + key.length;
  const input = n <= keyInput.length ? keyInput.subarray(0, n) : new Uint8Array(n);
  input.set(keyHashPrefix, 0);
  input.set(key, keyHashPrefix.length);
  return sha256Binary(input);
}

export function stateValueHash(value: Uint8Array): Digest {
  return sha256Binary(value);
}

/** Bit `depth` of a path, most significant bit of byte 0 first. */
export function pathBit(path: Digest, depth: number): number {
  return (path.charCodeAt(depth >> 3) >> (7 - (depth & 7))) & 1;
}

export function subtreeHash(node: Subtree): Digest {
  return node === null ? EMPTY_DIGEST : node.hash;
}

/** Writes the 65 stored (and hashed) bytes of a node into `target` at `offset`. */
export function writeNodeBytes(target: Uint8Array, offset: number, node: TreeNode): void {
  target[offset] = node.leaf ? LEAF_PREFIX : INTERNAL_PREFIX;
  writeDigest(target, offset + 1, node.leaf ? node.keyHash : node.leftHash);
  writeDigest(target, offset + 1 + HASH_LENGTH, node.leaf ? node.valueHash : node.rightHash);
}

function hashNode(prefix: number, a: Digest, b: Digest): Digest {
  nodeInput[0] = prefix;
  writeDigest(nodeInput, 1, a);
  writeDigest(nodeInput, 1 + HASH_LENGTH, b);
  return sha256Binary(nodeInput);
}

export function leafNodeHash(keyHash: Digest, valueHash: Digest): Digest {
  return hashNode(LEAF_PREFIX, keyHash, valueHash);
}

export function internalNodeHash(leftHash: Digest, rightHash: Digest): Digest {
  return hashNode(INTERNAL_PREFIX, leftHash, rightHash);
}

export function makeLeaf(keyHash: Digest, valueHash: Digest): LeafNode {
  return { leaf: true, hash: leafNodeHash(keyHash, valueHash), keyHash, valueHash, stored: false };
}

/** An internal node; a child may be left unloaded (undefined) when its hash is given. */
export function makeInternal(
  left: Subtree | undefined,
  leftHash: Digest,
  right: Subtree | undefined,
  rightHash: Digest,
): InternalNode {
  return {
    leaf: false,
    hash: internalNodeHash(leftHash, rightHash),
    leftHash,
    rightHash,
    left,
    right,
    stored: false,
  };
}

/**
 * Parses stored node bytes, checking that they hash to `hash`; undefined when they do not (the
 * caller reports the corruption with its context).
 */
export function parseNode(hash: Digest, bytes: Uint8Array): TreeNode | undefined {
  if (bytes.length !== NODE_BYTES || sha256Binary(bytes) !== hash) return undefined;
  const a = bytesToDigest(bytes.subarray(1, 1 + HASH_LENGTH));
  const b = bytesToDigest(bytes.subarray(1 + HASH_LENGTH));
  if (bytes[0] === LEAF_PREFIX) return { leaf: true, hash, keyHash: a, valueHash: b, stored: true };
  if (bytes[0] !== INTERNAL_PREFIX) return undefined;
  return {
    leaf: false,
    hash,
    leftHash: a,
    rightHash: b,
    left: a === EMPTY_DIGEST ? null : undefined,
    right: b === EMPTY_DIGEST ? null : undefined,
    stored: true,
  };
}
