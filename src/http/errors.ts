import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import { DomainError } from "../domain/types";
import { describeIssues } from "../domain/importFormat";
import { isDatabaseUnavailable } from "../db/unavailable";

/** How a DomainError code maps to an HTTP status. Unlisted codes are 422 (understood, but refused). */
const STATUS: Record<string, ContentfulStatusCode> = {
  invalid_input: 400,
  invalid_cursor: 400,
  forbidden: 403,
  not_found: 404,
  already_done: 409,
  invalid_state: 409,
  not_allowed: 409,
  rate_limited: 429,
  unauthorized: 401,
  // the chat platform failed us: it answered with an error, or could not be reached (or we are not connected)
  platform_error: 502,
  platform_unreachable: 503,
  unavailable: 503,
};

export function errorBody(code: string, message: string, extra: Record<string, unknown> = {}) {
  return { error: { code, message, ...extra } };
}

/** The app's onError: every failure answers JSON `{error:{code,message}}`, never a stack trace. */
export function handleError(err: Error, c: Context) {
  if (err instanceof DomainError) {
    const extra: Record<string, unknown> = {};
    if (err.example) extra.example = err.example;
    if (err.candidates) extra.candidates = err.candidates.map((d) => ({ code: d.code, name: d.name }));
    if ("report" in err) extra.report = (err as { report: unknown }).report;
    return c.json(errorBody(err.code, err.message, extra), STATUS[err.code] ?? 422);
  }
  if (err instanceof HTTPException) {
    return c.json(errorBody(err.status === 401 ? "unauthorized" : "http_error", err.message), err.status as ContentfulStatusCode);
  }
  if (isDatabaseUnavailable(err)) {
    console.warn(`数据库暂时不可用：${err.message}`);
    c.header("retry-after", "5");
    return c.json(errorBody("database_unavailable", "数据库暂时无法连接，请稍后重试。"), 503);
  }
  console.error(err);
  return c.json(errorBody("internal_error", "服务器内部错误，请稍后重试；如果问题持续，请联系管理员。"), 500);
}

/** zod validation hook for @hono-free validation: answers 400 with the issues in Chinese. */
export function invalidInput(c: Context, error: z.ZodError, example?: string) {
  return c.json(errorBody("invalid_input", `请求参数有误：${describeIssues(error)}`, example ? { example } : {}), 400);
}
