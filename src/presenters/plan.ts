import type { RequestPlan } from "../commands/requestPlanner";

/** The dry-run answer of domain.md: targets, rule version, policy, due date and why. */
export function presentPlan(plan: RequestPlan) {
  return {
    targets: plan.targets.map((d) => ({ code: d.code, name: d.name })),
    lead: { code: plan.lead.code, name: plan.lead.name },
    rule: plan.rule ? { code: plan.rule.code, version: plan.rule.version } : null,
    policy: plan.policy,
    priority: plan.priority,
    category: plan.category,
    dueAt: plan.dueAt.toISOString(),
    missingYears: plan.missingYears,
    explanation: plan.explanation,
  };
}
