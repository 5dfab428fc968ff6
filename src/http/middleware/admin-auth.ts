import type { MiddlewareHandler } from "hono";
import { hasGlobalRole } from "../../policies/actor";
import type { AppEnv } from "../env";
import { errorBody } from "../errors";
import { bearerAuth } from "./bearer-auth";
import { sessionAuth } from "./session-auth";

/**
 * The admin console's check: an admin API token (`Authorization: Bearer …`, as for the other admin routes), or
 * the mini-app session of a person holding the global `admin` role (writes need the session's CSRF token).
 * Anyone else is refused with 403 and a Chinese message.
 *
 * @example
 * new Hono<AppEnv>().use("*", adminAuth())
 */
export function adminAuth(): MiddlewareHandler<AppEnv> {
  const byToken = bearerAuth({ roles: ["admin"] });
  const bySession = sessionAuth();
  return async function adminAuthHandler(c, next) {
    if (c.req.header("authorization")) return byToken(c, next);
    let passed = false;
    const answer = await bySession(c, async () => {
      passed = true;
    });
    if (!passed) return answer as Response;
    if (!hasGlobalRole(c.get("actor"), "admin")) return c.json(errorBody("forbidden", "只有管理员可以使用管理功能，请联系系统管理员。"), 403);
    await next();
  };
}
