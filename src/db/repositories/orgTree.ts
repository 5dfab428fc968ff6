import type { Executor } from "../client";

/** Every department (active or not) with its parent's code, and every person with their roles, for the admin tree. */
export async function loadOrgTree(db: Executor) {
  const departments = await db
    .selectFrom("departments as d")
    .leftJoin("departments as p", "p.id", "d.parentId")
    .select(["d.id", "d.code", "d.name", "d.aliases", "d.chatId", "d.level", "d.assignmentMode", "d.active", "p.code as parentCode"])
    .orderBy("d.id")
    .execute();
  const people = await db
    .selectFrom("users")
    .select(["id", "openId", "name", "departmentId", "active", "onLeave", "leftAt"])
    .orderBy("id")
    .execute();
  const roles = await db
    .selectFrom("userRoles")
    .leftJoin("departments", "departments.id", "userRoles.departmentId")
    .select(["userRoles.userId", "userRoles.role", "departments.code as departmentCode"])
    .orderBy("userRoles.id")
    .execute();
  return { departments, people, roles };
}

export type OrgTree = Awaited<ReturnType<typeof loadOrgTree>>;
