// The tuning of a SparseMerkleState: its caches and how often it stores the tree's nodes.

export interface SparseMerkleStateOptions {
  /** Committed values (and known-absent keys) kept in the read cache. */
  readCacheSize: number;
  /** Tree nodes kept linked in memory before the tree is cut back to its top levels. */
  nodeCacheSize: number;
  /**
   * Store the tree's nodes at every this many commits (1: at each). The commits between store
   * values, the root and a journal of their keys; opening replays the journal. A flush also
   * comes early once the tree holds more than nodeCacheSize / 4 unstored nodes.
   */
  nodeFlushInterval: number;
  /**
   * How many commits earlier than nodeFlushInterval the first flush after opening comes (less
   * than the interval): nodes that open their stores together and take different offsets do
   * not all flush at the same height.
   */
  nodeFlushOffset: number;
}

export const defaultSparseMerkleStateOptions: SparseMerkleStateOptions = {
  readCacheSize: 1 << 16,
  nodeCacheSize: 1 << 18,
  nodeFlushInterval: 1,
  nodeFlushOffset: 0,
};

/** `opts` over the defaults; a RangeError for a count that is not one or an offset past the interval. */
export function stateOptions(opts: Partial<SparseMerkleStateOptions>): SparseMerkleStateOptions {
  const full = { ...defaultSparseMerkleStateOptions, ...opts };
  for (const [name, n] of Object.entries(full)) {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`option ${name} must be a count, got ${n}`);
  }
  if (full.nodeFlushInterval < 1) throw new RangeError("option nodeFlushInterval must be at least 1");
  if (full.nodeFlushOffset >= full.nodeFlushInterval) {
    throw new RangeError("option nodeFlushOffset must be less than nodeFlushInterval");
  }
  return full;
}
