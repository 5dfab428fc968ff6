import { appendAudit } from "../db/repositories/audit";
import { findCurrentRule, sameRule, writeRuleVersion } from "../db/repositories/routingRules";
import type { RuleItem } from "../domain/importFormat";
import { diffRule } from "../domain/ruleHistory";
import { DomainError } from "../domain/types";
import { actorUserId, hasGlobalRole } from "../policies/actor";
import type { Command, CommandContext } from "./context";

export interface SavedRule {
  code: string;
  version: number;
  created: boolean;
  /** false: the rule already said exactly this, no version was made */
  changed: boolean;
}

export const RULE_EXAMPLE = `{"name":"证照核查","priority":10,"enabled":true,"match":{"keywordsAny":["营业执照","证照"]},"action":{"targets":["city-amr"],"slaWorkingDays":3}}`;

/**
 * An admin creates, edits, disables or re-enables a routing rule: a change becomes the rule's next version, with
 * its audit record (the diff) in the same transaction. Tasks routed earlier keep the version that routed them.
 */
export const routingRuleSaver: Command<RuleItem, SavedRule> = async (deps, ctx, rule) => {
  if (!hasGlobalRole(ctx.actor, "admin")) throw new DomainError("forbidden", "只有管理员可以修改路由规则。");
  await checkReferences(ctx, rule);
  const current = await findCurrentRule(ctx.trx, rule.code);
  if (current && sameRule(current, rule)) return { code: rule.code, version: current.version, created: false, changed: false };
  const saved = await writeRuleVersion(ctx.trx, current, rule, ctx.actor.name);
  await appendAudit(ctx.trx, {
    chain: "org",
    actorId: actorUserId(ctx.actor),
    actorName: ctx.actor.name,
    action: current ? "rule.update" : "rule.create",
    data: { code: rule.code, version: saved.version, changes: diffRule(current ?? null, saved) },
    at: deps.now(),
  });
  return { code: rule.code, version: saved.version, created: !current, changed: true };
};

/** Every department the rule names exists and is in use; the lead is one of the targets. */
export async function checkReferences(ctx: CommandContext, rule: RuleItem): Promise<void> {
  const refs = [...rule.action.targets, ...(rule.action.cc ?? []), ...(rule.match.fromDepartments ?? []), ...(rule.action.lead ? [rule.action.lead] : [])];
  const known = new Set(
    refs.length === 0
      ? []
      : (await ctx.trx.selectFrom("departments").select("code").where("active", "=", true).where("code", "in", refs).execute()).map((d) => d.code),
  );
  const missing = [...new Set(refs.filter((c) => !known.has(c)))];
  if (missing.length > 0) {
    throw new DomainError("unknown_department", `规则引用的部门不存在或已停用：${missing.join("、")}。请使用部门编码。`, { example: RULE_EXAMPLE });
  }
  if (rule.action.lead && !rule.action.targets.includes(rule.action.lead)) {
    throw new DomainError("invalid_rule", `主办部门 ${rule.action.lead} 必须是承办部门（targets）之一。`, { example: RULE_EXAMPLE });
  }
}
