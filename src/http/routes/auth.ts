import { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { z } from "zod";
import { loadUserActor } from "../../db/repositories/org";
import { createSession, deleteSession, SESSION_HOURS } from "../../db/repositories/sessions";
import { presentMe } from "../../presenters/me";
import type { AppEnv, SignInExchanger } from "../env";
import { errorBody } from "../errors";
import { OkSchema, SignedInSchema } from "../schemas";
import { describe, jsonBody } from "../validation";
import { SESSION_COOKIE } from "../middleware/session-auth";

const body = z.object({ code: z.string({ message: "请填写 code：tt.requestAccess 返回的授权码" }).trim().min(1, "code 不能为空：填写 tt.requestAccess 返回的授权码") });

/** Sign-in for the mini-app: a platform code in, a session cookie and a CSRF token out. */
export function authRoutes(signIn: SignInExchanger | undefined) {
  return new Hono<AppEnv>()
    .post(
      "/code",
      describe({
        tag: "登录",
        auth: "public",
        summary: "用平台授权码登录",
        description:
          "小程序中 tt.requestAccess（或 tt.requestAuthCode）得到的授权码，经平台换成人员身份，签发会话 Cookie（HttpOnly、SameSite=Lax，12 小时；经 HTTPS 访问时带 Secure：请求本身是 HTTPS、PUBLIC_URL 是 https://，或可信反向代理（TRUST_PROXY=1）传来 X-Forwarded-Proto: https）与 csrfToken。",
        responses: {
          200: { description: "已登录", schema: SignedInSchema },
          403: { description: "此人未登记在协同系统中（not_registered）" },
          422: { description: "授权码无效、已被使用（code_invalid）或已过期（code_expired）：请重新打开小程序" },
          502: { description: "飞书开放平台返回错误（platform_error）：稍后重试，问题持续请联系管理员" },
          503: { description: "暂时无法连接飞书开放平台（platform_unreachable），或本服务未连接聊天平台（unavailable）：稍后重试" },
        },
      }),
      jsonBody(body, { code: "<授权码>" }),
      async (c) => {
        if (!signIn) return c.json(errorBody("unavailable", "本服务没有连接聊天平台，无法登录。"), 503);
        const deps = c.get("deps");
        const { openId } = await signIn.exchange(c.req.valid("json").code);
        const person = await loadUserActor(deps.db.kysely, { openId });
        if (!person) return c.json(errorBody("not_registered", "您还没有登记在协同系统中，请联系本单位管理员。"), 403);
        const s = await createSession(deps.db.kysely, person.id, deps.now());
        setCookie(c, SESSION_COOKIE, s.sessionId, {
          httpOnly: true,
          sameSite: "Lax",
          path: "/",
          secure: c.get("secure"),
          maxAge: SESSION_HOURS * 3600,
        });
        return c.json({ me: await presentMe(deps.db.kysely, person, deps.now()), csrfToken: s.csrfToken, expiresAt: s.expiresAt.toISOString() });
      },
    )
    .post("/logout", describe({ tag: "登录", auth: "public", summary: "退出登录", description: "结束会话并清除 Cookie。", responses: { 200: { description: "已退出", schema: OkSchema } } }), async (c) => {
      const sid = getCookie(c, SESSION_COOKIE);
      if (sid) await deleteSession(c.get("deps").db.kysely, sid);
      deleteCookie(c, SESSION_COOKIE, { path: "/", secure: c.get("secure") });
      return c.json({ ok: true as const });
    });
}
