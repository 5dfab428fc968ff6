import { appendAudit } from "../db/repositories/audit";
import { DomainError, type Role } from "../domain/types";
import { actorUserId, hasGlobalRole } from "../policies/actor";
import type { Command } from "./context";

export interface PersonInput {
  openId: string;
  /** move to this department (code): their requests, tasks and trail stay theirs */
  department?: string | undefined;
  /** the complete set of roles after the change; department null for global roles (admin, supervisor) */
  roles?: Array<{ role: Role; department: string | null }> | undefined;
  onLeave?: boolean | undefined;
}

const EXAMPLE = '{"department":"city-tax","roles":[{"role":"handler","department":"city-tax"}]}';
const GLOBAL: readonly Role[] = ["admin", "supervisor"];

/** An admin moves a person, sets their roles or marks them on leave. The person's row (and so their history) stays. */
export const personUpdater: Command<PersonInput, { changed: string[] }> = async (deps, ctx, input) => {
  if (!hasGlobalRole(ctx.actor, "admin")) throw new DomainError("forbidden", "只有管理员可以调整人员的部门与角色。");
  const at = deps.now();
  const user = await ctx.trx.selectFrom("users").selectAll().where("openId", "=", input.openId).forUpdate().executeTakeFirst();
  if (!user) throw new DomainError("not_found", `找不到人员 ${input.openId}。`, { example: EXAMPLE });
  const deptId = async (code: string) => {
    const d = await ctx.trx.selectFrom("departments").select("id").where("code", "=", code).where("active", "=", true).executeTakeFirst();
    if (!d) throw new DomainError("not_found", `找不到编码为 ${code} 的部门。`, { example: EXAMPLE });
    return d.id;
  };
  const changed: string[] = [];
  const data: Record<string, unknown> = { openId: user.openId };
  if (input.department !== undefined) {
    const to = await deptId(input.department);
    if (to !== user.departmentId) {
      await ctx.trx.updateTable("users").set({ departmentId: to, updatedAt: at }).where("id", "=", user.id).execute();
      changed.push("department");
      data.department = { from: user.departmentId, to: input.department };
      // Without a new role list, the roles of the department left end, and the person is a 科员 of the new one.
      if (input.roles === undefined) {
        await ctx.trx.deleteFrom("userRoles").where("userId", "=", user.id).where("departmentId", "=", user.departmentId).execute();
        const has = await ctx.trx.selectFrom("userRoles").select("id").where("userId", "=", user.id).where("departmentId", "=", to).executeTakeFirst();
        if (!has) await ctx.trx.insertInto("userRoles").values({ userId: user.id, role: "member", departmentId: to }).execute();
      }
    }
  }
  if (input.roles !== undefined) {
    const grants: Array<{ role: Role; departmentId: number | null }> = [];
    for (const g of input.roles) {
      if (GLOBAL.includes(g.role) !== (g.department === null)) {
        throw new DomainError("invalid_role", `角色 ${g.role} ${GLOBAL.includes(g.role) ? "是全局角色，department 须为 null" : "须指定部门"}。`, { example: EXAMPLE });
      }
      grants.push({ role: g.role, departmentId: g.department === null ? null : await deptId(g.department) });
    }
    await ctx.trx.deleteFrom("userRoles").where("userId", "=", user.id).execute();
    if (grants.length) await ctx.trx.insertInto("userRoles").values(grants.map((g) => ({ userId: user.id, ...g }))).execute();
    changed.push("roles");
    data.roles = input.roles;
  }
  if (input.onLeave !== undefined && input.onLeave !== user.onLeave) {
    await ctx.trx.updateTable("users").set({ onLeave: input.onLeave, updatedAt: at }).where("id", "=", user.id).execute();
    changed.push("onLeave");
    data.onLeave = input.onLeave;
  }
  if (changed.length) await appendAudit(ctx.trx, { chain: "org", actorId: actorUserId(ctx.actor), actorName: ctx.actor.name, action: "person.update", data, at });
  return { changed };
};
