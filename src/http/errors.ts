import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import { DomainError } from "../domain/types";
import { describeIssues } from "../domain/importFormat";
import { isDatabaseUnavailable } from "../db/unavailable";
import { observability } from "../observability";
import { errorFields } from "../observability/logger";

/** How a DomainError code maps to an HTTP status. Unlisted codes are 422 (understood, but refused). */
const STATUS: Record<string, ContentfulStatusCode> = {
  invalid_input: 400,
  invalid_cursor: 400,
  forbidden: 403,
  not_found: 404,
  already_done: 409,
  invalid_state: 409,
  not_allowed: 409,
  directory_changed: 409,
  rate_limited: 429,
  too_large: 413,
  unsupported_type: 415,
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
  const refused = databaseRefusal(err);
  if (refused) return c.json(errorBody("invalid_input", refused), 400);
  if (err instanceof HTTPException) {
    return c.json(errorBody(err.status === 401 ? "unauthorized" : "http_error", err.message), err.status as ContentfulStatusCode);
  }
  if (isDatabaseUnavailable(err)) {
    observability(c.get("deps") ?? {}).log.warn({ requestId: c.get("requestId"), ...errorFields(err) }, "database unavailable");
    c.header("retry-after", "5");
    return c.json(errorBody("database_unavailable", "数据库暂时无法连接，请稍后重试。"), 503);
  }
  observability(c.get("deps") ?? {}).log.error({ requestId: c.get("requestId"), ...errorFields(err), stack: err.stack?.split("\n").slice(1, 6).join(" | ") }, "unexpected error");
  return c.json(errorBody("internal_error", "服务器内部错误，请稍后重试；如果问题持续，请联系管理员。"), 500);
}

/**
 * The last resort for input that got past validation: PostgreSQL refusing a value (SQLSTATE class 22, "data
 * exception": a NUL byte, an invalid byte sequence, a number or date out of range, text too long) is the
 * caller's input, not a fault of the server. The validators should have caught it; this keeps it a 400.
 */
const DATA_EXCEPTIONS: Record<string, string> = {
  "22P05": "输入中含有数据库无法保存的字符（如空字符 U+0000），请删除后重试。",
  "22021": "输入中含有无效的字符编码，请使用 UTF-8 文本后重试。",
  "22003": "输入的数字超出范围：编号、id 须为 1 到 2147483647 的整数。",
  "22008": "输入的日期时间超出范围，请使用形如 2026-09-30T10:00:00+08:00 的时间。",
  "22007": "输入的日期时间格式有误，请使用形如 2026-09-30T10:00:00+08:00 的时间。",
  "22001": "输入的文字过长，请缩短后重试。",
  "22P02": "输入的值格式有误，请检查数字、日期等参数。",
};
function databaseRefusal(err: Error): string | undefined {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== "string" || !code.startsWith("22")) return undefined;
  return DATA_EXCEPTIONS[code] ?? "输入的值无法保存，请检查后重试。";
}

/** zod validation hook for @hono-free validation: answers 400 with the issues in Chinese. */
export function invalidInput(c: Context, error: z.ZodError, example?: string) {
  return c.json(errorBody("invalid_input", `请求参数有误：${describeIssues(error)}`, example ? { example } : {}), 400);
}
