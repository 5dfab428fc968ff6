import { sql } from "kysely";
import type { CalendarOverride } from "../../domain/calendar";
import type { DepartmentRef, RoutingRule } from "../../domain/types";
import type { Actor, UserActor } from "../../policies/actor";
import type { Executor } from "../client";
import type { Department, RoutingRuleRow } from "../tables";
import { deputyshipsOf } from "./delegations";
import { visibleTo } from "./visibility";

export async function listDepartments(db: Executor): Promise<Department[]> {
  return db.selectFrom("departments").selectAll().where("active", "=", true).orderBy("id").execute();
}

export function toDepartmentRef(d: Pick<Department, "code" | "name" | "aliases">): DepartmentRef {
  return { code: d.code, name: d.name, aliases: d.aliases };
}

export async function findDepartmentByCode(db: Executor, code: string): Promise<Department | undefined> {
  return db.selectFrom("departments").selectAll().where("code", "=", code).executeTakeFirst();
}

export async function findDepartmentById(db: Executor, id: number): Promise<Department> {
  return db.selectFrom("departments").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

/**
 * The person behind a platform openId, with every role and the delegations (代理) they hold at `at`, or
 * undefined when xietong does not know them.
 */
export async function loadUserActor(db: Executor, by: { openId: string } | { id: number }, at: Date = new Date()): Promise<UserActor | undefined> {
  const user = await db
    .selectFrom("users")
    .selectAll()
    .where("active", "=", true)
    .$if("openId" in by, (q) => q.where("openId", "=", (by as { openId: string }).openId))
    .$if("id" in by, (q) => q.where("id", "=", (by as { id: number }).id))
    .executeTakeFirst();
  if (!user) return undefined;
  const roles = await db.selectFrom("userRoles").select(["role", "departmentId"]).where("userId", "=", user.id).execute();
  const deputyFor = await deputyshipsOf(db, user.id, at);
  return { kind: "user", id: user.id, openId: user.openId, name: user.name, departmentId: user.departmentId, roles, ...(deputyFor.length ? { deputyFor } : {}) };
}

/** People holding one of `roles` in a department (who gets notified for it). */
export async function usersWithRole(
  db: Executor,
  departmentId: number | null,
  roles: string[],
): Promise<Array<{ id: number; openId: string; name: string }>> {
  return db
    .selectFrom("userRoles")
    .innerJoin("users", "users.id", "userRoles.userId")
    .select(["users.id", "users.openId", "users.name"])
    .distinct()
    .where("users.active", "=", true)
    .where("userRoles.role", "in", roles as never[])
    .where((eb) => (departmentId === null ? eb("userRoles.departmentId", "is", null) : eb("userRoles.departmentId", "=", departmentId)))
    .orderBy("users.id")
    .execute();
}

export async function listCurrentRules(db: Executor): Promise<RoutingRuleRow[]> {
  return db.selectFrom("routingRules").selectAll().where("isCurrent", "=", true).orderBy("priority").orderBy("code").execute();
}

export function toRoutingRule(r: RoutingRuleRow): RoutingRule {
  return { code: r.code, name: r.name, version: r.version, priority: r.priority, enabled: r.enabled, match: r.match, action: r.action };
}

export async function listCalendarOverrides(db: Executor): Promise<CalendarOverride[]> {
  return db
    .selectFrom("calendarOverrides")
    .select([sql<string>`to_char(date, 'YYYY-MM-DD')`.as("date"), "kind", "note"])
    .orderBy("date")
    .execute();
}

/**
 * The categories people choose from: those the routing rules name, then those requests have used (most used
 * first, counting only requests the viewer may open), without repeats.
 */
export async function listCategories(db: Executor, viewer: Actor, limit = 100): Promise<string[]> {
  const fromRules = (await listCurrentRules(db)).map((r) => r.match.category).filter((c): c is string => !!c);
  const used = await db
    .selectFrom("requests")
    .select(["category", (eb) => eb.fn.countAll<string>().as("n")])
    .where("category", "is not", null)
    .where(visibleTo(viewer))
    .groupBy("category")
    .orderBy("n", "desc")
    .orderBy("category")
    .limit(limit)
    .execute();
  return [...new Set([...fromRules, ...used.map((u) => u.category as string)])].slice(0, limit);
}
