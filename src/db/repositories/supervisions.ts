import type { Executor } from "../client";

/**
 * Whether a task is under 督办. For now: its `supervise` escalation step has fired and was sent. The one place
 * this is decided (extensions are then decided by a supervisor instead of the requester).
 */
export async function isUnderSupervision(executor: Executor, taskId: number): Promise<boolean> {
  const row = await executor
    .selectFrom("taskEscalations")
    .select("id")
    .where("taskId", "=", taskId)
    .where("step", "=", "supervise")
    .where("firedAt", "is not", null)
    .where("outcome", "=", "sent")
    .executeTakeFirst();
  return row !== undefined;
}
