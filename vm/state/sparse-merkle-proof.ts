// Proofs that a key holds a value, or holds none, under a state root. The path of a key runs
// from the root along the bits of its key hash until it reaches a leaf or an empty subtree; the
// proof gives the sibling hash at each step and that terminal. The verifier rebuilds the root
// from the bottom up. Because the tree only ever holds a leaf where exactly one key lives:
//   - inclusion: the terminal is the key's own leaf, with the hash of the value;
//   - absence: the terminal is an empty subtree, or the leaf of another key whose hash shares
//     the path so far (that leaf is then the only key in the subtree where ours would be).
// Empty siblings (common near a leaf in a sparse region) travel as a bitmap, not as 32 zeros.
import {
  type Codec,
  EncodingError,
  EncodingErrorCode,
  fixedBytes,
  HASH_LENGTH,
  list,
  optional,
  struct,
  u16,
  bytes as varBytes,
} from "../../crypto/index.ts";
import {
  bytesToDigest,
  type Digest,
  digestToBytes,
  EMPTY_DIGEST,
  internalNodeHash,
  leafNodeHash,
  pathBit,
  type Subtree,
  stateKeyHash,
  stateValueHash,
} from "./sparse-merkle-node.ts";

export const MAX_PROOF_DEPTH = 8 * HASH_LENGTH;

export interface StateProofLeaf {
  keyHash: Uint8Array;
  valueHash: Uint8Array;
}

export interface StateProof {
  /** Steps from the root to the terminal: siblings, empty ones included. */
  depth: number;
  /** Bit i (most significant bit of byte 0 first) is set when the sibling at depth i is empty. ceil(depth / 8) bytes. */
  emptySiblings: Uint8Array;
  /** The non-empty siblings, the root's child first. */
  siblings: Uint8Array[];
  /** The leaf the path ends in, or null when it ends in an empty subtree. */
  leaf: StateProofLeaf | null;
}

/** Builds a proof from the sibling hashes along a path (root side first) and its terminal. */
export function makeStateProof(pathSiblings: readonly Digest[], terminal: Subtree): StateProof {
  const depth = pathSiblings.length;
  const emptySiblings = new Uint8Array(Math.ceil(depth / 8));
  const siblings: Uint8Array[] = [];
  for (let d = 0; d < depth; d++) {
    const s = pathSiblings[d] as Digest;
    if (s === EMPTY_DIGEST) emptySiblings[d >> 3] = (emptySiblings[d >> 3] as number) | (0x80 >> (d & 7));
    else siblings.push(digestToBytes(s));
  }
  if (terminal !== null && !terminal.leaf) throw new Error("a state proof path ends in a leaf or an empty subtree");
  const leaf =
    terminal === null
      ? null
      : { keyHash: digestToBytes(terminal.keyHash), valueHash: digestToBytes(terminal.valueHash) };
  return { depth, emptySiblings, siblings, leaf };
}

function isEmptySibling(proof: StateProof, depth: number): boolean {
  return (((proof.emptySiblings[depth >> 3] as number) >> (7 - (depth & 7))) & 1) === 1;
}

/** Why a proof is malformed, or undefined: every proof has exactly one accepted form. */
export function stateProofShapeProblem(proof: StateProof): string | undefined {
  const { depth, emptySiblings, siblings, leaf } = proof;
  if (!Number.isInteger(depth) || depth < 0 || depth > MAX_PROOF_DEPTH) {
    return `depth ${depth} is not 0..${MAX_PROOF_DEPTH}`;
  }
  if (!(emptySiblings instanceof Uint8Array) || emptySiblings.length !== Math.ceil(depth / 8)) {
    return `the empty-sibling bitmap must be ${Math.ceil(depth / 8)} bytes for depth ${depth}`;
  }
  let empty = 0;
  for (let d = 0; d < emptySiblings.length * 8; d++) {
    if (isEmptySibling(proof, d)) {
      if (d >= depth) return `the empty-sibling bitmap has bit ${d} set past depth ${depth}`;
      empty++;
    }
  }
  if (!Array.isArray(siblings) || siblings.length !== depth - empty) {
    return `expected ${depth - empty} non-empty siblings, got ${Array.isArray(siblings) ? siblings.length : "none"}`;
  }
  for (let i = 0; i < siblings.length; i++) {
    const s = siblings[i];
    if (!(s instanceof Uint8Array) || s.length !== HASH_LENGTH) return `sibling ${i} is not ${HASH_LENGTH} bytes`;
    if (s.every((b) => b === 0)) return `sibling ${i} is the empty hash, which belongs in the bitmap`;
  }
  if (leaf !== null) {
    if (typeof leaf !== "object") return "the leaf is not an object";
    if (!(leaf.keyHash instanceof Uint8Array) || leaf.keyHash.length !== HASH_LENGTH) {
      return "leaf key hash is not 32 bytes";
    }
    if (!(leaf.valueHash instanceof Uint8Array) || leaf.valueHash.length !== HASH_LENGTH) {
      return "leaf value hash is not 32 bytes";
    }
  }
  return undefined;
}

function sharesPath(a: Digest, b: Digest, bits: number): boolean {
  for (let d = 0; d < bits; d++) if (pathBit(a, d) !== pathBit(b, d)) return false;
  return true;
}

/**
 * Checks `proof` against `root`: with a value, that `key` holds exactly `value`; with
 * undefined, that `key` is absent. Never throws on malformed input; it returns false.
 */
export function verifyStateProof(
  root: Uint8Array,
  key: Uint8Array,
  value: Uint8Array | undefined,
  proof: StateProof,
): boolean {
  if (!(root instanceof Uint8Array) || root.length !== HASH_LENGTH || !(key instanceof Uint8Array)) return false;
  if (value !== undefined && !(value instanceof Uint8Array)) return false;
  if (proof === null || typeof proof !== "object" || stateProofShapeProblem(proof) !== undefined) return false;
  const keyHash = stateKeyHash(key);
  const { depth, leaf } = proof;

  let hash: Digest;
  if (leaf === null) {
    if (value !== undefined) return false;
    hash = EMPTY_DIGEST;
  } else {
    const leafKeyHash = bytesToDigest(leaf.keyHash);
    const leafValueHash = bytesToDigest(leaf.valueHash);
    if (value === undefined) {
      if (leafKeyHash === keyHash || !sharesPath(leafKeyHash, keyHash, depth)) return false;
    } else if (leafKeyHash !== keyHash || leafValueHash !== stateValueHash(value)) {
      return false;
    }
    hash = leafNodeHash(leafKeyHash, leafValueHash);
  }

  let next = proof.siblings.length;
  for (let d = depth - 1; d >= 0; d--) {
    const sibling = isEmptySibling(proof, d) ? EMPTY_DIGEST : bytesToDigest(proof.siblings[--next] as Uint8Array);
    hash = pathBit(keyHash, d) === 0 ? internalNodeHash(hash, sibling) : internalNodeHash(sibling, hash);
  }
  return hash === bytesToDigest(root);
}

const proofFields = struct("StateProof", {
  depth: u16,
  emptySiblings: varBytes(MAX_PROOF_DEPTH / 8),
  siblings: list(fixedBytes(HASH_LENGTH), MAX_PROOF_DEPTH),
  leaf: optional(struct("StateProofLeaf", { keyHash: fixedBytes(HASH_LENGTH), valueHash: fixedBytes(HASH_LENGTH) })),
});

/**
 * The wire form of a StateProof: [depth, emptySiblings, [sibling...], [keyHash, valueHash] or
 * nil]. Decoding also refuses a proof whose parts disagree (see stateProofShapeProblem).
 */
export const stateProofCodec: Codec<StateProof> = {
  describe: "StateProof",
  toValue: (proof) => {
    const problem = stateProofShapeProblem(proof);
    if (problem !== undefined) {
      throw new EncodingError(EncodingErrorCode.unencodable, `malformed StateProof: ${problem}`);
    }
    return proofFields.toValue(proof);
  },
  fromValue: (value, path) => {
    const proof = proofFields.fromValue(value, path);
    const problem = stateProofShapeProblem(proof);
    if (problem !== undefined) {
      throw new EncodingError(EncodingErrorCode.schema, `malformed StateProof: ${problem}`, path);
    }
    return proof;
  },
};
