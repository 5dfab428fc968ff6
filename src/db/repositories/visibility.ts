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
 */
export function visibleTo(actor: Actor) {
  const s = viewerScope(actor);
  return (eb: ExpressionBuilder<Database, "requests">): Expression<SqlBool> => {
    if (s.everything) return sql<SqlBool>`true`;
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
