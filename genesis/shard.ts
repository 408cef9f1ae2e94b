// The shard rule lives with the state machine (vm/cross-shard/shard-of.ts), which routes
// cross-shard transfers by it; the genesis loader and the CLI use the same function.
export { shardOfAddress } from "../vm/cross-shard/shard-of.ts";
