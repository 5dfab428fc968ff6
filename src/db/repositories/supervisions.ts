import { sql } from "kysely";
import type { Priority, TaskState } from "../../domain/types";
import type { Actor } from "../../policies/actor";
import type { Executor } from "../client";
import type { SupervisionInstruction, SupervisionRow } from "../tables";
import { decodeCursor, page } from "./queues";
import { visibleTo } from "./visibility";

// 督办 records: at most one open per task (a partial unique index), closed (销号) when the task is done.

/** Is the task under 督办 now (an open 督办 record)? The supervisor, not the requester, then decides an extension. */
export async function isUnderSupervision(db: Executor, taskId: number): Promise<boolean> {
  const r = await db.selectFrom("supervisions").select("id").where("taskId", "=", taskId).where("closedAt", "is", null).executeTakeFirst();
  return r !== undefined;
}

export interface SupervisionOpening {
  taskId: number;
  requestId: number;
  by: { id: number | null; name: string };
  /** null: opened without an instruction (the sweep's automatic step) */
  instruction: string | null;
  at: Date;
}

/**
 * Opens the task's 督办, or adds the instruction to the one already open. `opened` tells which. With no
 * instruction and one already open, nothing changes (null).
 */
export async function openSupervision(trx: Executor, o: SupervisionOpening): Promise<{ row: SupervisionRow; opened: boolean } | null> {
  const items: SupervisionInstruction[] = o.instruction ? [{ by: o.by.name, byId: o.by.id, text: o.instruction, at: o.at.toISOString() }] : [];
  const r = await sql<SupervisionRow & { opened: boolean }>`
    insert into supervisions (task_id, request_id, opened_by_id, opened_by_name, opened_at, instructions, updated_at)
    values (${o.taskId}, ${o.requestId}, ${o.by.id}, ${o.by.name}, ${o.at}, ${JSON.stringify(items)}::jsonb, ${o.at})
    on conflict (task_id) where closed_at is null
    do update set instructions = supervisions.instructions || excluded.instructions, updated_at = excluded.updated_at
      where ${items.length > 0}
    returning *, (xmax = 0) as opened`.execute(trx);
  const row = r.rows[0];
  if (!row) return null;
  const { opened, ...rest } = row;
  return { row: rest as SupervisionRow, opened: Boolean(opened) };
}

/** 销号: closes the task's open 督办 (if any) with the reason; answers the closed record. */
export async function closeSupervision(trx: Executor, taskId: number, at: Date, reason: string): Promise<SupervisionRow | null> {
  const row = await trx
    .updateTable("supervisions")
    .set({ closedAt: at, closeReason: reason, updatedAt: at })
    .where("taskId", "=", taskId)
    .where("closedAt", "is", null)
    .returningAll()
    .executeTakeFirst();
  return row ?? null;
}

/** Reopens the task's latest 督办 with the reason as a new instruction, or opens one when it never had any. */
export async function reopenSupervision(trx: Executor, o: SupervisionOpening & { instruction: string }): Promise<SupervisionRow> {
  const last = await trx.selectFrom("supervisions").select("id").where("taskId", "=", o.taskId).orderBy("id", "desc").executeTakeFirst();
  if (!last) return (await openSupervision(trx, o))!.row;
  const item: SupervisionInstruction = { by: o.by.name, byId: o.by.id, text: o.instruction, at: o.at.toISOString() };
  const r = await sql<SupervisionRow>`
    update supervisions set closed_at = null, close_reason = null, reopened_count = reopened_count + 1,
      instructions = instructions || ${JSON.stringify([item])}::jsonb, updated_at = ${o.at}
    where id = ${last.id}
    returning *`.execute(trx);
  return r.rows[0]!;
}

/** Every 督办 record of these tasks, oldest first. */
export async function supervisionsOfTasks(db: Executor, taskIds: number[]): Promise<SupervisionRow[]> {
  if (taskIds.length === 0) return [];
  return db.selectFrom("supervisions").selectAll().where("taskId", "in", taskIds).orderBy("id").execute();
}

export interface SupervisionListFilters {
  viewer: Actor;
  now: Date;
  /** target department */
  toDepartmentId?: number | undefined;
  /** requesting department */
  fromDepartmentId?: number | undefined;
  /** only tasks due before this instant (an age in working days, worked out by the caller) */
  dueBefore?: Date | undefined;
  priority?: Priority | undefined;
  /** only tasks with an open 督办 */
  onlyOpen?: boolean | undefined;
  cursor?: string | null | undefined;
  limit?: number | undefined;
}

/** States whose clock runs: a task paused for 补正 is not overdue. */
const RUNNING: readonly TaskState[] = ["pending_approval", "pending_accept", "in_progress"];

/**
 * The 督办 list: every red task (open and past its deadline) across departments, and every task with an open
 * 督办, earliest deadline first. Cursor = "dueAt|id".
 */
export async function supervisionList(db: Executor, q: SupervisionListFilters) {
  const limit = Math.min(q.limit ?? 20, 100);
  const after = decodeCursor(q.cursor, "dueAt");
  const rows = await db
    .selectFrom("tasks")
    .innerJoin("requests", "requests.id", "tasks.requestId")
    .innerJoin("departments as target", "target.id", "tasks.departmentId")
    .innerJoin("departments as origin", "origin.id", "requests.fromDepartmentId")
    .leftJoin("users as assignee", "assignee.id", "tasks.assigneeId")
    .leftJoin("supervisions as s", (j) => j.onRef("s.taskId", "=", "tasks.id").on("s.closedAt", "is", null))
    .select([
      "tasks.id",
      "tasks.state",
      "tasks.dueAt",
      "tasks.acceptDueAt",
      "tasks.dueSoonAt",
      "tasks.everRed",
      "tasks.pausedAt",
      "tasks.completedAt",
      "requests.number",
      "requests.title",
      "requests.classification",
      "requests.priority",
      "target.code as toCode",
      "target.name as toName",
      "origin.code as fromCode",
      "origin.name as fromName",
      "assignee.name as assigneeName",
      "s.openedAt as supervisedSince",
      "s.instructions as supervisionInstructions",
    ])
    .select((eb) =>
      eb
        .selectFrom("supervisions as c")
        .select((e) => e.fn.countAll<string>().as("n"))
        .whereRef("c.taskId", "=", "tasks.id")
        .where("c.closedAt", "is not", null)
        .as("closedSupervisions"),
    )
    .where((eb) => eb.or([eb.and([eb("tasks.state", "in", RUNNING as TaskState[]), eb("tasks.dueAt", "<", q.now)]), eb("s.id", "is not", null)]))
    .where(visibleTo(q.viewer))
    .$if(q.onlyOpen === true, (qb) => qb.where("s.id", "is not", null))
    .$if(q.toDepartmentId !== undefined, (qb) => qb.where("tasks.departmentId", "=", q.toDepartmentId!))
    .$if(q.fromDepartmentId !== undefined, (qb) => qb.where("requests.fromDepartmentId", "=", q.fromDepartmentId!))
    .$if(q.dueBefore !== undefined, (qb) => qb.where("tasks.dueAt", "<", q.dueBefore!))
    .$if(q.priority !== undefined, (qb) => qb.where("requests.priority", "=", q.priority!))
    .$if(after !== null, (qb) => qb.where((eb) => eb(eb.refTuple("tasks.dueAt", "tasks.id"), ">", eb.tuple(new Date(after!.key), after!.id))))
    .orderBy("tasks.dueAt")
    .orderBy("tasks.id")
    .limit(limit + 1)
    .execute();
  return page(rows, limit, (r) => [new Date(r.dueAt).toISOString(), r.id]);
}

export type SupervisionListRow = Awaited<ReturnType<typeof supervisionList>>["items"][number];

/**
 * The sweep's 督办 step opens a 督办 (with no instruction) on each of these tasks that has none open: one
 * statement for the whole batch. Answers the tasks it opened one on.
 */
export async function openSystemSupervisions(
  trx: Executor,
  tasks: ReadonlyArray<{ taskId: number; requestId: number }>,
  byName: string,
  at: Date,
): Promise<Array<{ id: number; taskId: number; requestId: number }>> {
  if (tasks.length === 0) return [];
  const r = await sql<{ id: number; taskId: number; requestId: number }>`
    insert into supervisions (task_id, request_id, opened_by_id, opened_by_name, opened_at, updated_at)
    select v.task_id, v.request_id, null, ${byName}, ${at}, ${at}
    from unnest(${tasks.map((t) => t.taskId)}::int[], ${tasks.map((t) => t.requestId)}::int[]) as v(task_id, request_id)
    on conflict (task_id) where closed_at is null do nothing
    returning id, task_id, request_id`.execute(trx);
  return r.rows;
}
