import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { errorBody } from "../errors";

export interface CleanUrlOptions {
  /** a correct address, shown with every refusal */
  example?: string;
}

/** Strict percent-decoding: null when the text is not valid UTF-8 percent-encoding (a lone surrogate is not). */
function decodeStrictly(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/**
 * Refuses an address whose path or query is not valid UTF-8 percent-encoding, or decodes to a NUL byte, with a
 * 400 in Chinese, before any route sees it. (Hono itself keeps undecodable text as it is, and PostgreSQL cannot
 * store NUL, so such a value would otherwise travel as far as the database.) Bodies are checked by the JSON
 * body reader (validation.ts).
 *
 * @example
 * app.use("/api/*", cleanUrl({ example: "/api/requests/XT-2026-000001" }))
 */
export function cleanUrl(options: CleanUrlOptions = {}): MiddlewareHandler<AppEnv> {
  const example = options.example ?? "/api/inbox?state=pending_accept&limit=20";
  return async function cleanUrlHandler(c, next) {
    const url = new URL(c.req.url);
    const parts = [url.pathname, ...url.search.slice(1).split("&").flatMap((pair) => pair.replace(/\+/g, " ").split("="))];
    for (const part of parts) {
      const decoded = decodeStrictly(part);
      if (decoded === null || decoded.includes("\u0000")) {
        const what = part === url.pathname ? "请求路径" : "查询参数";
        return c.json(
          errorBody("invalid_input", `${what}含有无效的编码或不允许的字符（如空字符 %00、不成对的代理项）：请按 UTF-8 正确编码后重试。`, { example }),
          400,
        );
      }
    }
    await next();
  };
}
