import type { RectificationRow } from "../tables";
import type { Executor } from "../client";

/** The 整改 item of a task, locked until the caller's transaction ends (null: the task has none). */
export async function lockRectification(db: Executor, taskId: number): Promise<RectificationRow | null> {
  return (await db.selectFrom("rectifications").selectAll().where("taskId", "=", taskId).forUpdate().executeTakeFirst()) ?? null;
}

/** One sweep step, claimed: the row's fired-at column is set by this UPDATE, so no other server can claim it. */
export type ClaimedNotice = Pick<RectificationRow, "id" | "taskId" | "requestId" | "departmentId" | "dueAt">;

/** 临期: items still unanswered whose reminder moment has come and whose due time has not passed yet. */
export async function claimDueReminders(db: Executor, now: Date, limit: number): Promise<ClaimedNotice[]> {
  return db
    .updateTable("rectifications")
    .set({ remindedAt: now })
    .where("id", "in", (eb) =>
      eb
        .selectFrom("rectifications")
        .select("id")
        .where("state", "=", "open")
        .where("remindedAt", "is", null)
        .where("remindAt", "<=", now)
        .where("dueAt", ">", now)
        .orderBy("id")
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .where("remindedAt", "is", null)
    .returning(["id", "taskId", "requestId", "departmentId", "dueAt"])
    .execute();
}

/** 超期: items still unanswered past their due time, not yet announced as overdue. */
export async function claimOverdue(db: Executor, now: Date, limit: number): Promise<ClaimedNotice[]> {
  return db
    .updateTable("rectifications")
    .set({ overdueNotifiedAt: now })
    .where("id", "in", (eb) =>
      eb
        .selectFrom("rectifications")
        .select("id")
        .where("state", "=", "open")
        .where("overdueNotifiedAt", "is", null)
        .where("dueAt", "<=", now)
        .orderBy("id")
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .where("overdueNotifiedAt", "is", null)
    .returning(["id", "taskId", "requestId", "departmentId", "dueAt"])
    .execute();
}
