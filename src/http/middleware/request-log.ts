import type { MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import { observability } from "../../observability";
import type { AppEnv } from "../env";

export interface RequestLogOptions {
  /** paths not logged (still counted): the probes a load balancer calls every few seconds */
  quiet?: readonly string[];
}

/**
 * Logs every request as one JSON record (method, route pattern, status, ms, request id) and counts it in
 * the metrics. Runs after Hono's requestId middleware. Never logs the raw path, the query, a body or a header:
 * those carry sign-in codes, tokens and message text. A request no route matched is logged as route "unmatched".
 *
 * @example
 * app.use("*", requestId(), requestLog({ quiet: ["/healthz", "/readyz", "/metrics"] }))
 */
export function requestLog(options: RequestLogOptions = {}): MiddlewareHandler<AppEnv> {
  const quiet = new Set(options.quiet ?? []);
  return async function requestLogHandler(c, next) {
    const started = performance.now();
    await next();
    const ms = performance.now() - started;
    // The last matched route that is not a middleware (method ALL) is the handler that answered.
    const handler = matchedRoutes(c).filter((r) => r.method !== "ALL").at(-1);
    const route = handler?.path ?? "unmatched";
    const { log, metrics } = observability(c.get("deps"));
    metrics.httpRequest(c.req.method, route, c.res.status, ms / 1000);
    if (quiet.has(route) && c.res.status < 500) return;
    const fields = { requestId: c.get("requestId"), method: c.req.method, route, status: c.res.status, ms: Math.round(ms * 10) / 10 };
    if (c.res.status >= 500) log.warn(fields, "request failed");
    else log.info(fields, "request");
  };
}
