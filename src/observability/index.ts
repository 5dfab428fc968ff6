import { createConsoleLogger, type Logger, type LogLevel } from "./logger";
import { noopMetrics, type Metrics } from "./metrics";

export interface Observability {
  log: Logger;
  metrics: Metrics;
}

/** The console loggers handed out when deps carry none, one per level (the Worker and tests configure none). */
const fallbacks = new Map<LogLevel, Observability>();

/**
 * The process's logger and metrics (deps.obs, set by the Node entry point), or console logs at the configured
 * LOG_LEVEL (deps.config.logLevel, else info) and no metrics.
 */
export function observability(deps: { obs?: Observability | undefined; config?: { logLevel?: LogLevel | undefined } | undefined }): Observability {
  if (deps.obs) return deps.obs;
  const level = deps.config?.logLevel ?? "info";
  let obs = fallbacks.get(level);
  if (!obs) {
    obs = { log: createConsoleLogger(level), metrics: noopMetrics };
    fallbacks.set(level, obs);
  }
  return obs;
}

export type { Logger, LogFields } from "./logger";
export type { Metrics } from "./metrics";
