// consensus/: the sans-IO Jolteon engine (two-chain HotStuff), its messages and certificates,
// validator sets and the leader schedule. Imports crypto/ only.

export { Verifier } from "./certificates.ts";
export { createEngine, type EngineStats, type EngineStatus, type JolteonEngine } from "./engine.ts";
export * from "./errors.ts";
export * from "./interface.ts";
export { type KeptBlock, KeptBlocks } from "./kept-blocks.ts";
export * from "./messages.ts";
export { ROUND_TIMER, roundTimeoutMs, SYNC_TIMER, shortRoundTimeoutMs } from "./pacemaker.ts";
export { decodeSafetyState, encodeSafetyState, extendsHighestQc, type SafetyState } from "./safety.ts";
export {
  checkValidatorSet,
  type EpochInfo,
  EpochRegistry,
  epochInfo,
  hasQuorum,
  leaderAfter,
  leaderOf,
} from "./validators.ts";
