export * from "./canonical.ts";
export * from "./codec.ts";
export * from "./errors.ts";
export { arrayHeaderSize, bytesSize, type CanonicalWriter, numberSize } from "./writer.ts";
