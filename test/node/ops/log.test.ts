import { describe, expect, it } from "vitest";
import { chainLogger, createLogger, type LogLevel } from "../../../node/ops/index.ts";

/** A destination that keeps what pino writes. */
function collector() {
  const chunks: string[] = [];
  return {
    write: (line: string) => {
      chunks.push(line);
    },
    lines: () =>
      chunks
        .join("")
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe("logs", () => {
  it("writes one parseable JSON object per line, with level name, time, name and msg", () => {
    const out = collector();
    const log = createLogger({ level: "info", name: "ubn", destination: out });
    log.info({ height: 12 }, "committed block");
    log.warn("peer slow");
    const [first, second] = out.lines();
    expect(first).toMatchObject({ level: "info", name: "ubn", height: 12, msg: "committed block" });
    expect(new Date(first?.time as string).toISOString()).toBe(first?.time);
    expect(second).toMatchObject({ level: "warn", msg: "peer slow" });
  });

  it("drops lines below the configured level", () => {
    const out = collector();
    const log = createLogger({ level: "warn", name: "ubn", destination: out });
    log.info("hidden");
    log.debug("hidden");
    log.error("shown");
    expect(out.lines().map((l) => l.msg)).toEqual(["shown"]);
  });

  it("tags every line of a chain's child logger with the chain", () => {
    const out = collector();
    const log = chainLogger(createLogger({ level: "debug", name: "ubn", destination: out }), "shard-3");
    log.debug({ round: 4 }, "timeout");
    expect(out.lines()).toEqual([
      expect.objectContaining({ chain: "shard-3", round: 4, level: "debug", msg: "timeout" }),
    ]);
  });

  it("refuses a level that is not one of pino's", () => {
    expect(() => createLogger({ level: "verbose" as LogLevel, name: "ubn" })).toThrow(/log level "verbose"/);
  });
});
