import { sql } from "kysely";
import type { TaskFlags } from "../../domain/taskTransitions";
import type { Executor } from "../client";

/**
 * The ratings statistics count: every evaluation a supervisor has not excluded after an appeal (申诉). Every
 * average or count of ratings selects from here (Kysely), or from COUNTED_EVALUATIONS in raw SQL.
 */
export function countedEvaluations(db: Executor) {
  return db.selectFrom("evaluations").where("evaluations.excludedAt", "is", null);
}

/** The same set as a SQL relation, for raw queries: `from ${COUNTED_EVALUATIONS} e`. */
export const COUNTED_EVALUATIONS = sql`(select * from evaluations where excluded_at is null)`;

/** Per target department: how many counted ratings and their average (null when none). */
export async function ratingAverages(db: Executor, departmentIds: number[]): Promise<Map<number, { ratings: number; avgScore: number | null }>> {
  if (departmentIds.length === 0) return new Map();
  const rows = await countedEvaluations(db)
    .innerJoin("tasks", "tasks.id", "evaluations.taskId")
    .select((eb) => ["tasks.departmentId", eb.fn.countAll<string>().as("ratings"), sql<string | null>`round(avg(evaluations.score), 2)`.as("avgScore")])
    .where("tasks.departmentId", "in", departmentIds)
    .groupBy("tasks.departmentId")
    .execute();
  return new Map(rows.map((r) => [r.departmentId, { ratings: Number(r.ratings), avgScore: r.avgScore === null ? null : Number(r.avgScore) }]));
}

/** What the transition table's guards need to know of a completed task's rating, 整改 and 申诉. */
export async function ratingFlags(db: Executor, taskId: number): Promise<Pick<TaskFlags, "evaluated" | "rectification" | "appeal">> {
  const row = await db
    .selectFrom("evaluations")
    .leftJoin("rectifications", "rectifications.evaluationId", "evaluations.id")
    .select(["evaluations.appealState", "rectifications.state as rectificationState"])
    .where("evaluations.taskId", "=", taskId)
    .executeTakeFirst();
  return { evaluated: row !== undefined, rectification: row?.rectificationState ?? null, appeal: row?.appealState ?? null };
}
