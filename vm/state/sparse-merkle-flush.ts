// Which of the tree's nodes are in the store, for the two walks that depend on it: a flush
// stores the nodes made since the last one, and cutting the node cache unlinks only nodes that
// can be read back. A stored node's subtree is all stored (a flush stores children with their
// parents, and the store only ever gains nodes), so both walks stop at the first stored node.
import type { KvOp } from "./kv.ts";
import { NODE_BYTES, type Subtree, type TreeNode, writeNodeBytes } from "./sparse-merkle-node.ts";
import { NODE_KEY_BYTES, writeNodeKey } from "./sparse-merkle-storage.ts";

/**
 * The nodes of `tree` not in the store yet, parents before children. A stored node's subtree is
 * all stored, and an unloaded child is a stored one, so the walk stops at either.
 */
export function unstoredNodes(tree: Subtree): TreeNode[] {
  const out: TreeNode[] = [];
  const walk = (node: Subtree | undefined): void => {
    if (node === null || node === undefined || node.stored) return;
    out.push(node);
    if (!node.leaf) {
      walk(node.left);
      walk(node.right);
    }
  };
  walk(tree);
  return out;
}

/**
 * Which nodes a commit stores: those of `tree` not stored yet when the interval says the flush
 * is `due`, or early once the tree holds more than `bound` of them; null for none. `estimate`
 * (the nodes made since the last flush, or since they were last counted) overstates them:
 * every block rebuilds the top levels the blocks before it made, so under load it alone
 * brought the flush early with most of what it counted already replaced. Past the bound the
 * unstored nodes are counted (the walk stops at stored nodes, so it takes as many steps as it
 * finds) and only a real excess flushes; `counted` is that count when it does not.
 */
export function planFlush(
  tree: Subtree,
  due: boolean,
  estimate: number,
  bound: number,
): { nodes: TreeNode[] | null; counted: number | null } {
  if (due) return { nodes: unstoredNodes(tree), counted: null };
  if (estimate <= bound) return { nodes: null, counted: null };
  const unstored = unstoredNodes(tree);
  return unstored.length > bound ? { nodes: unstored, counted: null } : { nodes: null, counted: unstored.length };
}

/** Puts for `nodes`; keys and bytes are views into two shared buffers, not 2 allocations each. */
export function pushNodeOps(ops: KvOp[], nodes: readonly TreeNode[]): void {
  const keys = new Uint8Array(nodes.length * NODE_KEY_BYTES);
  const bytes = new Uint8Array(nodes.length * NODE_BYTES);
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i] as TreeNode;
    writeNodeKey(keys, i * NODE_KEY_BYTES, node.hash);
    writeNodeBytes(bytes, i * NODE_BYTES, node);
    ops.push({
      type: "put",
      key: keys.subarray(i * NODE_KEY_BYTES, (i + 1) * NODE_KEY_BYTES),
      value: bytes.subarray(i * NODE_BYTES, (i + 1) * NODE_BYTES),
    });
  }
}

export function countLinked(node: Subtree | undefined): number {
  if (node === null || node === undefined) return 0;
  if (node.leaf) return 1;
  return 1 + countLinked(node.left) + countLinked(node.right);
}

export function unlinkBelow(node: Subtree | undefined, depth: number): void {
  if (node === null || node === undefined || node.leaf) return;
  if (depth <= 0) {
    // Only a stored child can be read back: one made since the last flush stays linked, and
    // the cut moves below it.
    if (node.left?.stored) node.left = undefined;
    else unlinkBelow(node.left, 0);
    if (node.right?.stored) node.right = undefined;
    else unlinkBelow(node.right, 0);
    return;
  }
  unlinkBelow(node.left, depth - 1);
  unlinkBelow(node.right, depth - 1);
}
