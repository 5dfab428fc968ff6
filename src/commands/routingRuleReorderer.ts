import { appendAudit } from "../db/repositories/audit";
import { listCurrentRules } from "../db/repositories/org";
import { writeRuleVersion } from "../db/repositories/routingRules";
import { DomainError } from "../domain/types";
import { actorUserId, hasGlobalRole } from "../policies/actor";
import type { Command } from "./context";

export interface ReorderInput {
  /** every current rule's code, first match first */
  codes: string[];
}

/** Gap between priorities after a reorder, so one rule can later be slotted in between without renumbering. */
const STEP = 10;

/**
 * An admin puts the rules in a new order: priorities become 10, 20, 30, … in that order; each rule whose
 * priority changes gets a new version. One transaction, one audit record listing the moves.
 */
export const routingRuleReorderer: Command<ReorderInput, { changed: Array<{ code: string; from: number; to: number; version: number }> }> = async (deps, ctx, input) => {
  if (!hasGlobalRole(ctx.actor, "admin")) throw new DomainError("forbidden", "只有管理员可以调整路由规则顺序。");
  const rules = await listCurrentRules(ctx.trx);
  const given = new Set(input.codes);
  const example = `{"codes":[${rules.map((r) => `"${r.code}"`).join(",")}]}`;
  if (given.size !== input.codes.length || given.size !== rules.length || rules.some((r) => !given.has(r.code))) {
    throw new DomainError("invalid_order", `请按新顺序列出全部 ${rules.length} 条规则的编码，每条一次。`, { example });
  }
  const byCode = new Map(rules.map((r) => [r.code, r]));
  const changed: Array<{ code: string; from: number; to: number; version: number }> = [];
  for (const [i, code] of input.codes.entries()) {
    const r = byCode.get(code)!;
    const priority = (i + 1) * STEP;
    if (r.priority === priority) continue;
    const saved = await writeRuleVersion(ctx.trx, r, { code, name: r.name, priority, enabled: r.enabled, match: r.match, action: r.action }, ctx.actor.name);
    changed.push({ code, from: r.priority, to: priority, version: saved.version });
  }
  if (changed.length > 0) {
    await appendAudit(ctx.trx, { chain: "org", actorId: actorUserId(ctx.actor), actorName: ctx.actor.name, action: "rule.reorder", data: { order: input.codes, changed }, at: deps.now() });
  }
  return { changed };
};
