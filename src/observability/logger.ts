/**
 * The one logging interface of the product. Node gets pino (./pino.ts, structured JSON on stdout); Workers and
 * tests get the console-based logger below, which prints the same one-line JSON records. Records carry ids,
 * routes, statuses and durations: never a request body, a message text, a token or a cookie.
 */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  info(fields: LogFields, msg: string): void;
  warn(fields: LogFields, msg: string): void;
  error(fields: LogFields, msg: string): void;
}

const LEVELS = { debug: 20, info: 30, warn: 40, error: 50, silent: Infinity } as const;
export type LogLevel = keyof typeof LEVELS;
export const LOG_LEVELS = Object.keys(LEVELS) as LogLevel[];

/** One JSON line per record through console (works on Workers, where pino's transports do not). */
export function createConsoleLogger(level: LogLevel = "info"): Logger {
  const min = LEVELS[level];
  const write = (lvl: "info" | "warn" | "error", fields: LogFields, msg: string) => {
    if (LEVELS[lvl] < min) return;
    const line = JSON.stringify({ level: LEVELS[lvl], time: Date.now(), ...fields, msg });
    if (lvl === "error") console.error(line);
    else if (lvl === "warn") console.warn(line);
    else console.log(line);
  };
  return {
    info: (f, m) => write("info", f, m),
    warn: (f, m) => write("warn", f, m),
    error: (f, m) => write("error", f, m),
  };
}

/** An error as log fields: its name and message, never its stack's request bodies. */
export function errorFields(err: unknown): LogFields {
  return err instanceof Error ? { err: err.name, errMessage: err.message } : { err: String(err) };
}
