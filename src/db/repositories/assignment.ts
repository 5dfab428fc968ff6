import { OPEN_TASK_STATES } from "../../domain/types";
import type { AssignmentCandidate } from "../../domain/assignment";
import type { Executor } from "../client";
import { delegatingAt } from "./delegations";
import { usersWithRole } from "./org";

/**
 * A department's handlers who can take work now (not on leave, not delegating their work at `at`), with the
 * open tasks each handles.
 */
export async function availableHandlers(db: Executor, departmentId: number, at: Date): Promise<AssignmentCandidate[]> {
  const handlers = await usersWithRole(db, departmentId, ["handler"]);
  if (handlers.length === 0) return [];
  const onLeave = new Set(
    (await db.selectFrom("users").select("id").where("id", "in", handlers.map((h) => h.id)).where("onLeave", "=", true).execute()).map((u) => u.id),
  );
  const delegating = await delegatingAt(db, handlers.map((h) => h.id), at);
  const available = handlers.filter((h) => !onLeave.has(h.id) && !delegating.has(h.id));
  if (available.length === 0) return [];
  const loads = await db
    .selectFrom("tasks")
    .select(["assigneeId", (eb) => eb.fn.countAll<string>().as("n")])
    .where("assigneeId", "in", available.map((h) => h.id))
    .where("state", "in", [...OPEN_TASK_STATES])
    .groupBy("assigneeId")
    .execute();
  return available.map((h) => ({ userId: h.id, openTasks: Number(loads.find((l) => l.assigneeId === h.id)?.n ?? 0) }));
}
