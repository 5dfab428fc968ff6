import type { MiddlewareHandler } from "hono";
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

/**
 * The JSON body, validated. A missing body counts as `{}` (so the answer names the missing fields); a body that
 * is not JSON is refused as such. `example` is a correct body, shown with every refusal and in the docs.
 */
export function jsonBody<S extends z.ZodType>(schema: S, example: z.input<S>) {
  const mw: MiddlewareHandler<AppEnv, string, { in: { json: z.input<S> }; out: { json: z.output<S> } }> = async (c, next) => {
    const text = await c.req.text();
    let value: unknown = {};
    if (text.trim() !== "") {
      try {
        value = JSON.parse(text);
      } catch {
        return c.json(errorBody("invalid_json", "请求体不是合法的 JSON。", { example: JSON.stringify(example) }), 400);
      }
    }
    const parsed = schema.safeParse(value);
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
