import type { MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { findActiveToken, touchToken } from "../../db/repositories/apiTokens";
import { loadUserActor } from "../../db/repositories/org";
import { findSession } from "../../db/repositories/sessions";
import type { AppEnv } from "../env";
import { errorBody } from "../errors";

export const SESSION_COOKIE = "xt_session";
export const CSRF_HEADER = "x-csrf-token";

/**
 * Who is calling the people's API: the mini-app's session cookie (writes must echo the session's CSRF token
 * in `x-csrf-token`), or an API token bound to a person (integrations; no cookie, so no CSRF to fear).
 *
 * @example
 * app.use("/api/*", sessionAuth())
 */
export function sessionAuth(): MiddlewareHandler<AppEnv> {
  return async function sessionAuthHandler(c, next) {
    const deps = c.get("deps");
    const db = deps.db.kysely;
    const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
    if (bearer) {
      const token = await findActiveToken(db, bearer);
      const person = token?.userId ? await loadUserActor(db, { id: token.userId }, deps.now()) : undefined;
      if (!person) return c.json(errorBody("unauthorized", "访问令牌无效，或未绑定到人员。"), 401);
      c.set("actor", person);
      await next();
      // A call the route refused (401/403) is not a use of the token.
      if (c.res.status !== 401 && c.res.status !== 403) await touchToken(db, token!.id, deps.now());
      return;
    }
    const sid = getCookie(c, SESSION_COOKIE);
    const session = sid ? await findSession(db, sid, deps.now()) : undefined;
    if (!session) return c.json(errorBody("unauthorized", "请先登录：在飞书中打开小程序，或在沙箱页面点击「登录小程序」。"), 401);
    if (c.req.method !== "GET" && c.req.method !== "HEAD" && c.req.header(CSRF_HEADER) !== session.csrfToken) {
      return c.json(errorBody("csrf", "请求缺少有效的 x-csrf-token，请刷新页面后重试。"), 403);
    }
    const person = await loadUserActor(db, { id: session.userId }, deps.now());
    if (!person) return c.json(errorBody("unauthorized", "您的账号已停用，请联系管理员。"), 401);
    c.set("actor", person);
    c.set("csrfToken", session.csrfToken);
    return next();
  };
}
