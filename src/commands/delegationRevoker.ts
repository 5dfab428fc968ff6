import { appendAudit } from "../db/repositories/audit";
import { DomainError } from "../domain/types";
import { actorUserId, hasGlobalRole } from "../policies/actor";
import type { Command } from "./context";

/** Ends a delegation early (the delegator or an admin); audited. Delegations otherwise end by themselves. */
export const delegationRevoker: Command<{ id: number }, { revoked: boolean }> = async (deps, ctx, input) => {
  const at = deps.now();
  const d = await ctx.trx.selectFrom("delegations").selectAll().where("id", "=", input.id).forUpdate().executeTakeFirst();
  if (!d) throw new DomainError("not_found", `找不到编号为 ${input.id} 的代理设置。`);
  if (d.delegatorId !== actorUserId(ctx.actor) && !hasGlobalRole(ctx.actor, "admin")) {
    throw new DomainError("forbidden", "只有委托人本人或管理员可以取消代理。");
  }
  if (d.revokedAt || new Date(d.endsAt) <= at) return { revoked: false };
  await ctx.trx.updateTable("delegations").set({ revokedAt: at }).where("id", "=", d.id).execute();
  await appendAudit(ctx.trx, { chain: "org", actorId: actorUserId(ctx.actor), actorName: ctx.actor.name, action: "delegation.revoke", data: { delegationId: d.id }, at });
  return { revoked: true };
};
