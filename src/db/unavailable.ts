/** Error codes and messages that say the database server is away (restart, failover, terminated connection). */
const SQLSTATE = /^(08|57P0[123]$|53300$)/;
const NODE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);
const MESSAGES = [/Connection terminated/i, /not queryable/i, /timeout exceeded when trying to connect/i, /terminating connection/i, /the database system is (starting up|shutting down)/i];

/**
 * Whether an error means "the database cannot be reached right now" rather than "this query is wrong":
 * such failures answer 503 (try again) and are retried, never reported as a bug in the request.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    const code = typeof e.code === "string" ? e.code : "";
    if (SQLSTATE.test(code) || NODE_CODES.has(code)) return true;
    if (typeof e.message === "string" && MESSAGES.some((m) => m.test(e!.message as string))) return true;
  }
  return false;
}
