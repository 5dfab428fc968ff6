import { isDeepStrictEqual } from "node:util";
import { appendAudit } from "../db/repositories/audit";
import { findEscalationPolicy, rearmOpenTasks } from "../db/repositories/escalationPolicies";
import type { EscalationPolicyItem } from "../domain/importFormat";
import { DomainError } from "../domain/types";
import { actorUserId } from "../policies/actor";
import type { Command } from "./context";

export interface SavedPolicy {
  created: boolean;
  changed: boolean;
  /** open tasks whose unfired steps are recomputed under the new policy */
  rearmedTasks: number;
}

/**
 * An admin creates or changes one escalation policy (the same fields as the import), audited on the org chain. A
 * change re-arms the unfired steps of open tasks, so the sweep follows it from now on.
 */
export const escalationPolicySaver: Command<EscalationPolicyItem, SavedPolicy> = async (deps, ctx, item) => {
  const { code, name, rule, priority, ...settings } = item;
  const at = deps.now();
  if (rule) {
    const r = await ctx.trx.selectFrom("routingRules").select("code").where("code", "=", rule).where("isCurrent", "=", true).executeTakeFirst();
    if (!r) throw new DomainError("unknown_rule", `引用的路由规则 ${rule} 不存在。`, { example: `{"name":"证照核查提醒","rule":"licence","superviseAfterWorkingDays":3}` });
  }
  const clash = await ctx.trx
    .selectFrom("escalationPolicies")
    .select("code")
    .where("code", "<>", code)
    .where((eb) => (rule ? eb("ruleCode", "=", rule) : eb("ruleCode", "is", null)))
    .where((eb) => (priority ? eb("priority", "=", priority) : eb("priority", "is", null)))
    .executeTakeFirst();
  if (clash) {
    throw new DomainError("policy_scope_taken", `同一适用范围（规则 ${rule ?? "全部"}、紧急程度 ${priority ?? "全部"}）已有策略 ${clash.code}，请修改该策略。`, {
      example: `PUT /api/admin/escalation-policies/${clash.code}`,
    });
  }
  const old = await findEscalationPolicy(ctx.trx, code);
  const plain = JSON.parse(JSON.stringify(settings)) as Record<string, unknown>;
  const values = { name, ruleCode: rule ?? null, priority: priority ?? null, settings: JSON.stringify(plain), updatedAt: at };
  if (old && old.name === name && old.ruleCode === values.ruleCode && old.priority === values.priority && isDeepStrictEqual(old.settings, plain)) {
    return { created: false, changed: false, rearmedTasks: 0 };
  }
  await ctx.trx
    .insertInto("escalationPolicies")
    .values({ code, ...values })
    .onConflict((oc) => oc.column("code").doUpdateSet(values))
    .execute();
  const rearmedTasks = await rearmOpenTasks(ctx.trx);
  await appendAudit(ctx.trx, {
    chain: "org",
    actorId: actorUserId(ctx.actor),
    actorName: ctx.actor.name,
    action: old ? "escalationPolicy.update" : "escalationPolicy.create",
    data: { code, name, rule: rule ?? null, priority: priority ?? null, settings: plain, ...(old ? { before: old.settings } : {}), rearmedTasks },
    at,
  });
  return { created: !old, changed: true, rearmedTasks };
};
