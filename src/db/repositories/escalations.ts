import { sql } from "kysely";
import type { PlannedStep } from "../../domain/escalation";
import type { Classification, Priority, TaskState } from "../../domain/types";
import type { Executor } from "../client";

// The deadline sweep's queries: which tasks need their steps (re-)computed, storing them, and claiming the
// steps that are due. Each claim is one UPDATE … RETURNING, so two servers never fire the same step.

export interface TaskToArm {
  id: number;
  state: TaskState;
  dueAt: Date;
  acceptDueAt: Date | null;
  priority: Priority;
  ruleCode: string | null;
  ruleAcceptWorkingDays: number | null;
}

/** Tasks changed since their steps were last computed, locked (others skip them) until the caller commits. */
export async function lockTasksToArm(trx: Executor, limit: number): Promise<TaskToArm[]> {
  const r = await sql<TaskToArm>`
    select t.id, t.state, t.due_at, t.accept_due_at, r.priority, rr.code as rule_code,
           (rr.action->>'acceptWorkingDays')::int as rule_accept_working_days
    from tasks t
    join requests r on r.id = t.request_id
    left join routing_rules rr on rr.id = t.rule_id
    where t.escalations_armed_at is null or t.escalations_armed_at < t.updated_at
    order by t.id
    limit ${limit}
    for update of t skip locked`.execute(trx);
  return r.rows;
}

/**
 * Stores what planSteps() answered for each task: unfired steps are replaced (a moved deadline re-arms them),
 * steps already fired stay as they are (each step happens once per task).
 */
export async function storeArmedSteps(
  trx: Executor,
  armed: ReadonlyArray<{ taskId: number; steps: PlannedStep[]; dueSoonAt: Date | null }>,
): Promise<void> {
  if (armed.length === 0) return;
  const ids = armed.map((a) => a.taskId);
  await trx.deleteFrom("taskEscalations").where("taskId", "in", ids).where("firedAt", "is", null).execute();
  const rows = armed.flatMap((a) => a.steps.map((s) => ({ taskId: a.taskId, step: s.step, armedFor: s.armedFor, fireAt: s.fireAt })));
  for (let i = 0; i < rows.length; i += 5000) {
    await trx
      .insertInto("taskEscalations")
      .values(rows.slice(i, i + 5000))
      .onConflict((oc) => oc.columns(["taskId", "step"]).doNothing())
      .execute();
  }
  await sql`
    update tasks t set escalations_armed_at = t.updated_at, due_soon_at = v.due_soon_at
    from unnest(${ids}::int[], ${armed.map((a) => a.dueSoonAt?.toISOString() ?? null)}::timestamptz[]) as v(id, due_soon_at)
    where t.id = v.id`.execute(trx);
}

export interface ClaimedStep {
  id: string;
  taskId: number;
  step: string;
  outcome: "sent" | "skipped";
  armedFor: Date;
}

/**
 * Claims every step due at `now` of a task whose clock runs and whose steps are current, marking it fired. A
 * 临期 reminder for a task already overdue, or a 签收 step for a task since accepted, is claimed as skipped.
 */
export async function claimDueSteps(trx: Executor, now: Date, limit: number): Promise<ClaimedStep[]> {
  // The due rows are picked (and locked) first by the partial index on fire_at, then updated by primary key.
  // With thousands due the planner prefers hash joins that read all of tasks and task_escalations (100,000 and
  // 300,000 rows in the bench: 590 ms for 10,000 due against 100 ms with index lookups per due row, see
  // test/bench/RESULTS-sweep.md); so, for this statement only (set_config local to the transaction, put back after).
  await sql`select set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true)`.execute(trx);
  const r = await sql<ClaimedStep>`
    with due as (
      select e2.id, t2.due_at, t2.state from task_escalations e2
      join tasks t2 on t2.id = e2.task_id
      where e2.fired_at is null and e2.fire_at <= ${now}
        and t2.state in ('pending_accept', 'in_progress')
        and t2.escalations_armed_at >= t2.updated_at
      order by e2.fire_at, e2.id
      limit ${limit}
      for update of e2 skip locked)
    update task_escalations e
    set fired_at = ${now},
        outcome = case
          when e.step = 'due_soon' and due.due_at <= ${now} then 'skipped'
          when e.step = 'accept_overdue' and due.state <> 'pending_accept' then 'skipped'
          else 'sent' end
    from due
    where e.id = due.id
    returning e.id, e.task_id, e.step, e.outcome, e.armed_for`.execute(trx);
  await sql`
    select set_config(name, reset_val, true) from pg_settings where name in ('enable_hashjoin', 'enable_mergejoin')`.execute(trx);
  return r.rows;
}

/** Open tasks past their deadline are red, and stay marked so after they close (a paused task is not counted). */
export async function markOverdueRed(trx: Executor, now: Date): Promise<number> {
  const r = await sql`
    update tasks set ever_red = true
    where not ever_red and state in ('pending_approval', 'pending_accept', 'in_progress') and due_at < ${now}`.execute(trx);
  return Number(r.numAffectedRows ?? 0);
}

export interface StepSubjectRow {
  taskId: number;
  requestId: number;
  number: string;
  title: string;
  classification: Classification;
  priority: Priority;
  state: TaskState;
  dueAt: Date;
  acceptDueAt: Date | null;
  departmentId: number;
  departmentName: string;
  departmentChatId: string | null;
  fromDepartmentId: number;
  assigneeOpenId: string | null;
}

export async function loadStepSubjects(db: Executor, taskIds: number[]): Promise<StepSubjectRow[]> {
  if (taskIds.length === 0) return [];
  return db
    .selectFrom("tasks as t")
    .innerJoin("requests as r", "r.id", "t.requestId")
    .innerJoin("departments as d", "d.id", "t.departmentId")
    .leftJoin("users as a", "a.id", "t.assigneeId")
    .select([
      "t.id as taskId",
      "r.id as requestId",
      "r.number",
      "r.title",
      "r.classification",
      "r.priority",
      "t.state",
      "t.dueAt",
      "t.acceptDueAt",
      "d.id as departmentId",
      "d.name as departmentName",
      "d.chatId as departmentChatId",
      "r.fromDepartmentId",
      "a.openId as assigneeOpenId",
    ])
    // One array parameter, not one parameter per task (a sweep loads up to 10,000).
    .where("t.id", "=", sql<number>`any(${taskIds}::int[])`)
    .execute();
}

/** openIds per department of the people holding one of `roles` there (active people only). */
export async function roleHoldersByDepartment(db: Executor, departmentIds: number[], roles: string[]): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  if (departmentIds.length === 0) return out;
  const rows = await db
    .selectFrom("userRoles as ur")
    .innerJoin("users as u", "u.id", "ur.userId")
    .select(["ur.departmentId", "u.openId"])
    .distinct()
    .where("u.active", "=", true)
    .where("ur.role", "in", roles as never[])
    .where("ur.departmentId", "in", departmentIds)
    .orderBy("u.openId")
    .execute();
  for (const r of rows) out.set(r.departmentId!, [...(out.get(r.departmentId!) ?? []), r.openId]);
  return out;
}

export async function supervisorOpenIds(db: Executor): Promise<string[]> {
  const rows = await db
    .selectFrom("userRoles as ur")
    .innerJoin("users as u", "u.id", "ur.userId")
    .select("u.openId")
    .distinct()
    .where("u.active", "=", true)
    .where("ur.role", "=", "supervisor")
    .where("ur.departmentId", "is", null)
    .orderBy("u.openId")
    .execute();
  return rows.map((r) => r.openId);
}
