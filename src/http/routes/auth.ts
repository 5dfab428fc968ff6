import { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { z } from "zod";
import { loadUserActor } from "../../db/repositories/org";
import { createSession, deleteSession, SESSION_HOURS } from "../../db/repositories/sessions";
import { presentMe } from "../../presenters/me";
import type { AppEnv, SignInExchanger } from "../env";
import { errorBody, invalidInput } from "../errors";
import { SESSION_COOKIE } from "../middleware/session-auth";

const body = z.object({ code: z.string().trim().min(1, "code 不能为空：填写 tt.requestAccess 返回的授权码") });

/** Sign-in for the mini-app: a platform code in, a session cookie and a CSRF token out. */
export function authRoutes(signIn: SignInExchanger | undefined) {
  return new Hono<AppEnv>()
    .post("/code", async (c) => {
      if (!signIn) return c.json(errorBody("unavailable", "本服务没有连接聊天平台，无法登录。"), 503);
      const parsed = body.safeParse(await c.req.json().catch(() => ({})));
      if (!parsed.success) return invalidInput(c, parsed.error, '{"code":"<授权码>"}');
      const deps = c.get("deps");
      const { openId } = await signIn.exchange(parsed.data.code);
      const person = await loadUserActor(deps.db.kysely, { openId });
      if (!person) return c.json(errorBody("not_registered", "您还没有登记在协同系统中，请联系本单位管理员。"), 403);
      const s = await createSession(deps.db.kysely, person.id, deps.now());
      setCookie(c, SESSION_COOKIE, s.sessionId, {
        httpOnly: true,
        sameSite: "Lax",
        path: "/",
        secure: new URL(c.req.url).protocol === "https:",
        maxAge: SESSION_HOURS * 3600,
      });
      return c.json({ me: await presentMe(deps.db.kysely, person), csrfToken: s.csrfToken, expiresAt: s.expiresAt.toISOString() });
    })
    .post("/logout", async (c) => {
      const sid = getCookie(c, SESSION_COOKIE);
      if (sid) await deleteSession(c.get("deps").db.kysely, sid);
      deleteCookie(c, SESSION_COOKIE, { path: "/" });
      return c.json({ ok: true });
    });
}
