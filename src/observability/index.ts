import { createConsoleLogger, type Logger } from "./logger";
import { noopMetrics, type Metrics } from "./metrics";

export interface Observability {
  log: Logger;
  metrics: Metrics;
}

const fallback: Observability = { log: createConsoleLogger("info"), metrics: noopMetrics };

/** The process's logger and metrics (deps.obs, set by the Node entry point), or console logs and no metrics. */
export function observability(deps: { obs?: Observability | undefined }): Observability {
  return deps.obs ?? fallback;
}

export type { Logger, LogFields } from "./logger";
export type { Metrics } from "./metrics";
