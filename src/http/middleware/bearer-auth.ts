import type { MiddlewareHandler } from "hono";
import { findActiveToken, touchToken } from "../../db/repositories/apiTokens";
import { loadUserActor } from "../../db/repositories/org";
import type { Actor } from "../../policies/actor";
import type { AppEnv } from "../env";
import { errorBody } from "../errors";

export interface BearerAuthOptions {
  /** global roles allowed through; empty = any valid token */
  roles?: Array<"admin" | "supervisor" | "integration">;
}

/**
 * Checks `Authorization: Bearer <token>` against the hashed API tokens and sets the actor. A token bound to
 * a person acts as that person (with their roles) and keeps the token's role.
 *
 * @example
 * app.use("/api/admin/*", bearerAuth({ roles: ["admin"] }))
 */
export function bearerAuth(options: BearerAuthOptions = {}): MiddlewareHandler<AppEnv> {
  const roles = options.roles ?? [];
  return async function bearerAuthHandler(c, next) {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
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
      if (person) actor = { ...person, roles: [...person.roles, ...(token.role === "integration" ? [] : [{ role: token.role, departmentId: null }])] };
    }
    c.set("actor", actor);
    await touchToken(deps.db.kysely, token.id, deps.now());
    await next();
  };
}
