import { appendAudit } from "../db/repositories/audit";
import type { AssignmentMode } from "../domain/assignment";
import { DomainError } from "../domain/types";
import type { DepartmentLevel } from "../db/tables";
import { actorUserId, hasDepartmentRole, hasGlobalRole } from "../policies/actor";
import type { Command } from "./context";

export interface DepartmentSettingsInput {
  code: string;
  name?: string | undefined;
  aliases?: string[] | undefined;
  /** the department's work group; null unbinds it */
  chatId?: string | null | undefined;
  level?: DepartmentLevel | null | undefined;
  assignmentMode?: AssignmentMode | undefined;
}

/**
 * An admin edits a department's name, aliases (简称), work group, level and auto-assignment; its head may change the
 * auto-assignment of their own department only. Audited on the org chain with before and after.
 */
export const departmentSettingsUpdater: Command<DepartmentSettingsInput, { changed: string[] }> = async (deps, ctx, input) => {
  const at = deps.now();
  const dept = await ctx.trx.selectFrom("departments").selectAll().where("code", "=", input.code).forUpdate().executeTakeFirst();
  if (!dept) throw new DomainError("not_found", `找不到编码为 ${input.code} 的部门。`, { example: "PUT /api/admin/org/departments/city-amr" });
  const admin = hasGlobalRole(ctx.actor, "admin");
  const onlyAssignment = input.name === undefined && input.aliases === undefined && input.chatId === undefined && input.level === undefined;
  if (!admin && !(onlyAssignment && hasDepartmentRole(ctx.actor, "head", dept.id))) {
    throw new DomainError("forbidden", "只有管理员可以修改部门信息；部门负责人只能设置本部门的自动分配方式。", { example: '{"assignmentMode":"round_robin"}' });
  }
  const patch: Record<string, unknown> = {};
  const before: Record<string, unknown> = {};
  if (input.aliases !== undefined) {
    const aliases = [...new Set(input.aliases.map((a) => a.trim()).filter(Boolean))];
    const clash = await ctx.trx
      .selectFrom("departments")
      .select(["name", "aliases"])
      .where("id", "<>", dept.id)
      .where("active", "=", true)
      .execute();
    const taken = aliases.find((a) => clash.some((d) => d.name === a || d.aliases.includes(a)));
    if (taken) throw new DomainError("alias_taken", `简称「${taken}」已被其他部门使用，请换一个。`, { example: '{"aliases":["市监局","市场监管局"]}' });
    if (JSON.stringify(aliases) !== JSON.stringify(dept.aliases)) (patch.aliases = aliases), (before.aliases = dept.aliases);
  }
  if (input.name !== undefined && input.name.trim() !== dept.name) (patch.name = input.name.trim()), (before.name = dept.name);
  if (input.chatId !== undefined && (input.chatId || null) !== dept.chatId) (patch.chatId = input.chatId || null), (before.chatId = dept.chatId);
  if (input.level !== undefined && input.level !== dept.level) (patch.level = input.level), (before.level = dept.level);
  if (input.assignmentMode !== undefined && input.assignmentMode !== dept.assignmentMode) (patch.assignmentMode = input.assignmentMode), (before.assignmentMode = dept.assignmentMode);
  const changed = Object.keys(patch);
  if (changed.length === 0) return { changed };
  await ctx.trx.updateTable("departments").set({ ...patch, updatedAt: at }).where("id", "=", dept.id).execute();
  await appendAudit(ctx.trx, { chain: "org", actorId: actorUserId(ctx.actor), actorName: ctx.actor.name, action: "department.update", data: { code: dept.code, before, after: patch }, at });
  return { changed };
};
