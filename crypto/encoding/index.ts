export * from "./canonical.ts";
export * from "./codec.ts";
export * from "./errors.ts";
