export * from "./directory.ts";
export * from "./errors.ts";
export * from "./format.ts";
