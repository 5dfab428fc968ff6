import { appendAudit } from "../db/repositories/audit";
import { issueApiToken, type TokenRole } from "../db/repositories/apiTokens";
import { loadUserActor } from "../db/repositories/org";
import { DomainError } from "../domain/types";
import { actorUserId, hasGlobalRole } from "../policies/actor";
import type { Command } from "./context";

export interface ApiTokenInput {
  name: string;
  /** admin / supervisor: a system acting with that global role; integration: acting as the bound person */
  role: TokenRole;
  /** the person the token acts for (role integration) */
  openId?: string | undefined;
}

/**
 * An admin issues an API token: admin-only (or supervisor) for a system of our own, or bound to a person so that
 * another system can act for them with exactly their rights. The secret is answered once; only its hash is kept.
 * Audited on the org chain (without the secret).
 */
export const apiTokenIssuer: Command<ApiTokenInput, { id: number; token: string; user: { openId: string; name: string } | null }> = async (deps, ctx, input) => {
  if (!hasGlobalRole(ctx.actor, "admin")) throw new DomainError("forbidden", "只有管理员可以生成访问令牌。");
  let user: { id: number; openId: string; name: string } | null = null;
  if (input.openId) {
    const person = await loadUserActor(ctx.trx, { openId: input.openId });
    if (!person) {
      throw new DomainError("not_found", `找不到人员 ${input.openId}（或已停用）：请填写在用人员的 openId。`, {
        example: JSON.stringify({ name: "政务服务网对接", role: "integration", openId: "ou_zhangwei" }),
      });
    }
    user = { id: person.id, openId: person.openId, name: person.name };
  }
  const { id, token } = await issueApiToken(ctx.trx, { name: input.name, role: input.role, userId: user?.id ?? null });
  await appendAudit(ctx.trx, {
    chain: "org",
    actorId: actorUserId(ctx.actor),
    actorName: ctx.actor.name,
    action: "apiToken.create",
    data: { id, name: input.name, role: input.role, user: user ? user.openId : null },
    at: deps.now(),
  });
  return { id, token, user: user ? { openId: user.openId, name: user.name } : null };
};
