// genesis/: the genesis file format, its validation, canonical form and hash, and the builder
// behind `ubn genesis`. Imports crypto/, and vm/ for the VM parameters and the genesis state.
export * from "./amount.ts";
export * from "./builder.ts";
export * from "./codec.ts";
export * from "./errors.ts";
export * from "./hash.ts";
export * from "./params.ts";
export * from "./parse.ts";
export * from "./public-key.ts";
export * from "./shard.ts";
export * from "./state.ts";
export * from "./strict-json.ts";
export * from "./summary.ts";
export * from "./time.ts";
export * from "./to-json.ts";
export * from "./types.ts";
export { genesisIssues, type ValidateOptions, validateGenesis, validatorNameProblem } from "./validate.ts";
