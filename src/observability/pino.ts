import { pino } from "pino";
import type { Logger, LogLevel } from "./logger";

/** Node's logger: pino, JSON lines on stdout, synchronous writes (nothing lost when the process exits). */
export function createPinoLogger(level: LogLevel = "info"): Logger {
  const log = pino({ level, base: { service: "xietong" }, timestamp: pino.stdTimeFunctions.isoTime });
  return {
    info: (f, m) => log.info(f, m),
    warn: (f, m) => log.warn(f, m),
    error: (f, m) => log.error(f, m),
  };
}
