// The deterministic simulator: runs the production consensus engine on a virtual clock over a
// simulated network, with crashes, partitions, twins and loss, all from one seed.
export * from "./batch.ts";
export { EventQueue } from "./clock.ts";
export { describeMessage } from "./describe.ts";
export * from "./faults.ts";
export * from "./invariants.ts";
export { Network, type NetworkOptions, type NetworkStats, type Partition, type Route } from "./network.ts";
export { type NodeWorld, SimNode, type SimNodeOptions } from "./node-host.ts";
export { type PoolOptions, runScenariosInPool, runSeedsInPool } from "./pool.ts";
export { Prng } from "./prng.ts";
export { type RunOptions, runScenario, type ScenarioResult, SIM_CHAIN_ID, SIM_GENESIS_HASH } from "./run.ts";
export * from "./scenario.ts";
export { SharedVerifier, type SignatureStats, type SimKey, simKey } from "./signatures.ts";
