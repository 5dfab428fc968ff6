import { appendAudit } from "../db/repositories/audit";
import { findApiToken, revokeApiToken } from "../db/repositories/apiTokens";
import { DomainError } from "../domain/types";
import { actorUserId, hasGlobalRole } from "../policies/actor";
import type { Command } from "./context";

/** An admin revokes a token: from then on every call with it is refused (401). Audited on the org chain. */
export const apiTokenRevoker: Command<{ id: number }, { id: number; name: string }> = async (deps, ctx, { id }) => {
  if (!hasGlobalRole(ctx.actor, "admin")) throw new DomainError("forbidden", "只有管理员可以吊销访问令牌。");
  const at = deps.now();
  const revoked = await revokeApiToken(ctx.trx, id, at);
  if (!revoked) {
    const row = await findApiToken(ctx.trx, id);
    if (row) throw new DomainError("already_done", `令牌「${row.name}」已于 ${row.revokedAt!.toISOString()} 吊销。`);
    throw new DomainError("not_found", `没有 id 为 ${id} 的访问令牌：请从 GET /api/admin/tokens 中选取 id。`);
  }
  await appendAudit(ctx.trx, {
    chain: "org",
    actorId: actorUserId(ctx.actor),
    actorName: ctx.actor.name,
    action: "apiToken.revoke",
    data: { id, name: revoked.name, role: revoked.role },
    at,
  });
  return { id, name: revoked.name };
};
