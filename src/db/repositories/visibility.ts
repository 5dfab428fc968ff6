import { sql, type Expression, type ExpressionBuilder, type SqlBool } from "kysely";
import type { Actor } from "../../policies/actor";
import { viewerScope } from "../../policies/visibility";
import type { Database } from "../tables";

/**
 * The visibility rule (src/policies/visibility.ts) as SQL: a condition on `requests` that holds exactly for the
 * rows `canView` would let the actor open. Every list, search, board cell, count and chat query adds it, so what
 * a person can find is what they can open. Non-sensitive rows pass on the first test; a sensitive row's tasks
 * are looked up by tasks_request_idx.
 *
 * @example
 * db.selectFrom("requests").selectAll().where(visibleTo(actor))
 * db.selectFrom("tasks").innerJoin("requests", …).where("tasks.departmentId", "=", d).where(visibleTo(actor, { tasksOfDepartment: d }))
 */
export function visibleTo(actor: Actor, rows: { tasksOfDepartment?: number } = {}) {
  const s = viewerScope(actor);
  // The rows are tasks of one department joined to their requests (部门收件): when the actor heads or dispatches
  // there, each row's own task satisfies the last test below, so every row passes, and the query needs no test.
  const everyRow = rows.tasksOfDepartment !== undefined && s.officeOf.includes(rows.tasksOfDepartment);
  return (eb: ExpressionBuilder<Database, "requests">): Expression<SqlBool> => {
    if (s.everything || everyRow) return sql<SqlBool>`true`;
    return eb.or([
      eb("requests.classification", "<>", "sensitive"),
      ...(s.userId !== null ? [eb("requests.requesterId", "=", s.userId)] : []),
      ...(s.headOf.length > 0 ? [eb("requests.fromDepartmentId", "in", s.headOf)] : []),
      ...(s.userId !== null || s.officeOf.length > 0
        ? [
            eb.exists(
              eb
                .selectFrom("tasks as vt")
                .select("vt.id")
                .whereRef("vt.requestId", "=", "requests.id")
                .where((t) =>
                  t.or([
                    ...(s.userId !== null ? [t("vt.assigneeId", "=", s.userId)] : []),
                    ...(s.officeOf.length > 0 ? [t("vt.departmentId", "in", s.officeOf)] : []),
                  ]),
                ),
            ),
          ]
        : []),
    ]);
  };
}
