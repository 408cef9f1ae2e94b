// Structured logs: one JSON object per line on stdout (pino), for operators to ship and query.
// Context goes in fields, not in the message: log.info({ height, hash }, "committed block").
//
// Never log a network-supplied string (peer agent, a transaction's text fields, an RPC method
// name, a decode error that quotes input) at info or above: a peer could fill the operator's log,
// or forge lines that look like ours. Such values go at debug, cut short, or as hashes and ids.
//
// Pretty printing is not built in: pipe the output through pino-pretty when reading by eye.
import { type DestinationStream, type LevelWithSilent, type Logger, pino } from "pino";

export type { Logger };
export type LogLevel = LevelWithSilent;

export const LOG_LEVELS: readonly LogLevel[] = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

export interface LoggerOptions {
  /** From the node's config. */
  level: LogLevel;
  /** Written as "name" on every line, e.g. "ubn". */
  name: string;
  /** Only false for now; kept so a config file can state it. */
  pretty?: false;
  /** Where lines go instead of stdout (tests, files). */
  destination?: DestinationStream;
}

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

export function createLogger(opts: LoggerOptions): Logger {
  if (!isLogLevel(opts.level)) {
    throw new RangeError(`log level "${String(opts.level)}" is not one of ${LOG_LEVELS.join(", ")}`);
  }
  const options = {
    name: opts.name,
    level: opts.level,
    // Level names rather than pino's numbers, and ISO times: lines read the same in a terminal
    // and in a log store.
    formatters: { level: (label: string) => ({ level: label }) },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return opts.destination === undefined ? pino(options) : pino(options, opts.destination);
}

/** The logger of one chain ("beacon", "shard-3"): every line it writes carries `chain`. */
export function chainLogger(parent: Logger, chain: string): Logger {
  return parent.child({ chain });
}
