import type { Context, MiddlewareHandler } from "hono";
import { findActiveToken, touchToken } from "../../db/repositories/apiTokens";
import { loadUserActor } from "../../db/repositories/org";
import { hasGlobalRole, type Actor } from "../../policies/actor";
import type { AppEnv } from "../env";
import { errorBody } from "../errors";
import { sessionAuth } from "./session-auth";

export interface BearerAuthOptions {
  /** global roles allowed through; empty = any valid token */
  roles?: Array<"admin" | "supervisor" | "integration">;
  /**
   * Also let in a person signed in to the mini-app (session cookie + CSRF on writes) who holds one of `roles`
   * globally: the admin screens call the admin API this way. Default false (tokens only).
   */
  sessions?: boolean;
}

const ROLE_NAMES: Record<string, string> = { admin: "管理员", supervisor: "督查", integration: "对接系统" };
const roleWords = (roles: readonly string[]) => roles.map((r) => `${ROLE_NAMES[r] ?? r}（${r}）`).join(" 或 ");

/** A call answered 401/403 (by this check or by the route) was refused: it does not count as a use of the token. */
export async function touchUnlessRefused(c: Context<AppEnv>, tokenId: number): Promise<void> {
  if (c.res.status === 401 || c.res.status === 403) return;
  const deps = c.get("deps");
  await touchToken(deps.db.kysely, tokenId, deps.now());
}

/**
 * Checks `Authorization: Bearer <token>` against the hashed API tokens and sets the actor. A token bound to
 * a person acts as that person (with their roles) and keeps the token's role; when the person has left, the
 * token no longer works. `last_used_at` records only calls that were let through.
 *
 * @example
 * app.use("/api/admin/*", bearerAuth({ roles: ["admin"] }))
 */
export function bearerAuth(options: BearerAuthOptions = {}): MiddlewareHandler<AppEnv> {
  const roles = options.roles ?? [];
  const session = options.sessions ? sessionAuth() : null;
  return async function bearerAuthHandler(c, next) {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match && session && header === "") {
      return session(c, async () => {
        const actor = c.get("actor");
        if (roles.length > 0 && !roles.some((r) => r !== "integration" && hasGlobalRole(actor, r))) {
          c.res = c.json(errorBody("forbidden", `此功能需要${roleWords(roles)}角色，您没有该角色；如需开通，请联系管理员。`), 403);
          return;
        }
        await next();
      });
    }
    if (!match) {
      return c.json(errorBody("unauthorized", "缺少访问令牌：请在请求头加上 Authorization: Bearer <令牌>（令牌用 npm run token -- --name 名称 --role admin 生成）。"), 401);
    }
    const deps = c.get("deps");
    const token = await findActiveToken(deps.db.kysely, match[1]!);
    if (!token) return c.json(errorBody("unauthorized", "访问令牌无效或已吊销。"), 401);
    if (roles.length > 0 && !roles.includes(token.role)) {
      return c.json(errorBody("forbidden", `该令牌的角色是 ${token.role}，此接口需要 ${roles.join(" 或 ")} 角色。`), 403);
    }
    let actor: Actor = { kind: "token", tokenId: token.id, name: token.name, role: token.role };
    if (token.userId !== null) {
      const person = await loadUserActor(deps.db.kysely, { id: token.userId }, deps.now());
      if (!person) return c.json(errorBody("unauthorized", "该令牌绑定的人员已停用，令牌不再有效。"), 401);
      actor = { ...person, roles: [...person.roles, ...(token.role === "integration" ? [] : [{ role: token.role, departmentId: null }])] };
    }
    c.set("actor", actor);
    await next();
    await touchUnlessRefused(c, token.id);
  };
}
