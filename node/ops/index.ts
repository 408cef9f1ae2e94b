// node/ops/: what operators watch: structured logs and Prometheus metrics.
export {
  chainLogger,
  createLogger,
  isLogLevel,
  LOG_LEVELS,
  type Logger,
  type LoggerOptions,
  type LogLevel,
} from "./log.ts";
export { type ChainLabel, NodeMetrics, type NodeMetricsOptions } from "./metrics.ts";
export { type MetricsServer, type MetricsServerOptions, startMetricsServer } from "./metrics-server.ts";
