import { appendAudit } from "../db/repositories/audit";
import { findEscalationPolicy, rearmOpenTasks } from "../db/repositories/escalationPolicies";
import { DomainError } from "../domain/types";
import { actorUserId } from "../policies/actor";
import type { Command } from "./context";

/** An admin deletes one policy: the defaults (or broader policies) apply again, open tasks re-armed; audited. */
export const escalationPolicyRemover: Command<{ code: string }, { rearmedTasks: number }> = async (deps, ctx, { code }) => {
  const old = await findEscalationPolicy(ctx.trx, code);
  if (!old) throw new DomainError("not_found", `没有编码为 ${code} 的督办策略。`, { example: "GET /api/admin/escalation-policies" });
  await ctx.trx.deleteFrom("escalationPolicies").where("code", "=", code).execute();
  const rearmedTasks = await rearmOpenTasks(ctx.trx);
  await appendAudit(ctx.trx, {
    chain: "org",
    actorId: actorUserId(ctx.actor),
    actorName: ctx.actor.name,
    action: "escalationPolicy.delete",
    data: { code, name: old.name, rule: old.ruleCode, priority: old.priority, settings: old.settings, rearmedTasks },
    at: deps.now(),
  });
  return { rearmedTasks };
};
