import type { Context, MiddlewareHandler } from "hono";
import { z } from "zod";
import type { AppEnv } from "./env";
import { errorBody, invalidInput } from "./errors";
import { OPENAPI, type OperationPart } from "./openapi";

// Request validation for the API. Each validator is ordinary Hono middleware that (1) answers bad input with
// `{error:{code,message,example}}` in Chinese, (2) hands the parsed value to the handler as `c.req.valid(…)`,
// which also gives Hono's RPC client its input types, and (3) carries its schema so the OpenAPI document at
// /api/docs is built from the very schemas that run.

// zod's own messages in Chinese ("无效输入：期望 string…") wherever a schema gives none of its own.
z.config(z.locales.zhCN());

type Documented<M> = M & { [OPENAPI]: OperationPart };

function documented<M extends MiddlewareHandler<AppEnv>>(mw: M, part: OperationPart): Documented<M> {
  return Object.assign(mw, { [OPENAPI]: part });
}

/** Where a string (or an object key) in a parsed JSON value holds a NUL or a lone surrogate: its path, else null. */
export function unstorableTextAt(value: unknown, at = ""): string | null {
  if (typeof value === "string") return hasUnstorableText(value) ? at || "请求体" : null;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const found = unstorableTextAt(v, `${at}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      const key = at ? `${at}.${k}` : k;
      if (hasUnstorableText(k)) return key;
      const found = unstorableTextAt(v, key);
      if (found) return found;
    }
  }
  return null;
}

/** NUL (PostgreSQL text cannot hold it) or a UTF-16 surrogate without its pair (not valid Unicode). */
export function hasUnstorableText(s: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}

export const UNSTORABLE_TEXT = "含有不允许的字符（空字符 U+0000 或不成对的代理项），请删除后重试";

/**
 * Reads a JSON body: `{ok: true, value}`, or `{ok: false, answer}` with the 400 to send when the text is not JSON
 * or holds characters no text column can store. A missing body is `{}` unless `emptyIsJson` is false (then it is
 * not JSON). `example` is a correct body.
 */
export async function readJsonBody(c: Context<AppEnv>, example: string, emptyIsJson = true): Promise<{ ok: true; value: unknown } | { ok: false; answer: Response }> {
  const text = await c.req.text();
  if (text.trim() === "" && emptyIsJson) return { ok: true, value: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, answer: c.json(errorBody("invalid_json", "请求体不是合法的 JSON。", { example }), 400) };
  }
  const bad = unstorableTextAt(value);
  if (bad) return { ok: false, answer: c.json(errorBody("invalid_input", `请求参数有误：${bad} ${UNSTORABLE_TEXT}。`, { example }), 400) };
  return { ok: true, value };
}

/**
 * The JSON body, validated. A missing body counts as `{}` (so the answer names the missing fields); a body that
 * is not JSON is refused as such. `example` is a correct body, shown with every refusal and in the docs.
 */
export function jsonBody<S extends z.ZodType>(schema: S, example: z.input<S>) {
  const mw: MiddlewareHandler<AppEnv, string, { in: { json: z.input<S> }; out: { json: z.output<S> } }> = async (c, next) => {
    const body = await readJsonBody(c, JSON.stringify(example));
    if (!body.ok) return body.answer;
    const parsed = schema.safeParse(body.value);
    if (!parsed.success) return invalidInput(c, parsed.error, JSON.stringify(example));
    c.req.addValidatedData("json", parsed.data as object);
    await next();
  };
  return documented(mw, { body: { schema, example } });
}

/** Query parameters, validated (strings in, the schema's types out). `example` is a correct query string. */
export function queryParams<S extends z.ZodObject>(schema: S, example: string) {
  type In = { [K in keyof z.input<S>]?: string };
  const mw: MiddlewareHandler<AppEnv, string, { in: { query: In }; out: { query: z.output<S> } }> = async (c, next) => {
    const parsed = schema.safeParse(c.req.query());
    if (!parsed.success) return invalidInput(c, parsed.error, example);
    c.req.addValidatedData("query", parsed.data as Record<string, unknown>);
    await next();
  };
  return documented(mw, { query: { schema, example } });
}

/** A database id in a path: 1 to 2147483647 (PostgreSQL's integer); anything else has no such row. */
export const idParam = z.coerce
  .number({ message: "id 须为 1 到 2147483647 的整数" })
  .int("id 须为 1 到 2147483647 的整数")
  .min(1, "id 须为 1 到 2147483647 的整数")
  .max(2_147_483_647, "id 须为 1 到 2147483647 的整数");

/** Path parameters, validated (strings in, the schema's types out). `example` is a correct path. */
export function pathParams<S extends z.ZodObject>(schema: S, example: string) {
  type In = { [K in keyof z.input<S>]: string };
  const mw: MiddlewareHandler<AppEnv, string, { in: { param: In }; out: { param: z.output<S> } }> = async (c, next) => {
    const parsed = schema.safeParse(c.req.param());
    if (!parsed.success) return invalidInput(c, parsed.error, example);
    c.req.addValidatedData("param", parsed.data as Record<string, unknown>);
    await next();
  };
  return documented(mw, { path: { schema, example } });
}

/**
 * Documentation of one route: what it does, who may call it, what it answers. Does nothing at run time.
 * `body` documents a body the handler checks itself (the import's per-item report, say).
 */
export function describe(info: NonNullable<OperationPart["info"]>, extra: Pick<OperationPart, "body"> = {}) {
  const mw: MiddlewareHandler<AppEnv> = async (_c, next) => {
    await next();
  };
  return documented(mw, { info, ...extra });
}
