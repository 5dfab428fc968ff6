import { COUNTED_EVALUATIONS } from "./evaluations";
import { sql } from "kysely";
import { DUE_SOON_MS } from "../../domain/types";
import type { Executor } from "../client";

// Digests: each person's is claimed once per period (a row in digest_deliveries), whichever server gets there first.

/** Claims today's morning list for every handler who wants one; returns the ids claimed now. */
export async function claimDailyDigests(trx: Executor, period: string, at: Date): Promise<number[]> {
  const r = await sql<{ userId: number }>`
    insert into digest_deliveries (kind, period, user_id, sent_at)
    select distinct 'daily', ${period}, u.id, ${at}::timestamptz
    from users u join user_roles ur on ur.user_id = u.id and ur.role = 'handler'
    where u.active and u.daily_digest
    on conflict do nothing
    returning user_id`.execute(trx);
  return r.rows.map((x) => x.userId);
}

export interface DigestTask {
  assigneeId: number;
  openId: string;
  number: string;
  title: string;
  classification: string;
  dueAt: Date;
  overdue: boolean;
}

/** The open tasks of these people that are due soon or overdue (not those paused for 补正). */
export async function dueTasksOf(db: Executor, userIds: number[], now: Date): Promise<DigestTask[]> {
  if (userIds.length === 0) return [];
  const r = await sql<DigestTask>`
    select t.assignee_id, u.open_id, r.number, r.title, r.classification, t.due_at, (t.due_at < ${now}) as overdue
    from tasks t join requests r on r.id = t.request_id join users u on u.id = t.assignee_id
    where t.assignee_id = any(${userIds}::int[]) and t.state in ('pending_accept', 'in_progress')
      and coalesce(t.due_soon_at, t.due_at - ${`${DUE_SOON_MS / 1000} seconds`}::interval) <= ${now}
    order by t.assignee_id, t.due_at, t.id`.execute(db);
  return r.rows;
}

/** Claims this week's department digest for every head; returns (user, department) pairs claimed now. */
export async function claimWeeklyDigests(trx: Executor, period: string, at: Date): Promise<Array<{ userId: number; openId: string; departmentId: number; departmentName: string }>> {
  const r = await sql<{ userId: number; openId: string; departmentId: number; departmentName: string }>`
    with claimed as (
      insert into digest_deliveries (kind, period, user_id, sent_at)
      select distinct 'weekly', ${period}, u.id, ${at}::timestamptz
      from users u join user_roles ur on ur.user_id = u.id and ur.role = 'head'
      where u.active
      on conflict do nothing
      returning user_id)
    select c.user_id, u.open_id, d.id as department_id, d.name as department_name
    from claimed c join users u on u.id = c.user_id
    join user_roles ur on ur.user_id = u.id and ur.role = 'head' join departments d on d.id = ur.department_id
    order by d.id, u.id`.execute(trx);
  return r.rows;
}

export interface DepartmentWeek {
  departmentId: number;
  open: number;
  dueSoon: number;
  overdue: number;
  doneLastWeek: number;
  lateLastWeek: number;
  ratings: number;
  avgScore: number | null;
}

export async function departmentWeeks(db: Executor, departmentIds: number[], now: Date, weekStart: Date, lastWeekStart: Date): Promise<DepartmentWeek[]> {
  if (departmentIds.length === 0) return [];
  const r = await sql<DepartmentWeek>`
    select d.id as department_id,
      (select count(*) from tasks t where t.department_id = d.id and t.state in ('pending_accept','in_progress','awaiting_info'))::int as open,
      (select count(*) from tasks t where t.department_id = d.id and t.state in ('pending_accept','in_progress') and t.due_at >= ${now}
         and coalesce(t.due_soon_at, t.due_at - ${`${DUE_SOON_MS / 1000} seconds`}::interval) <= ${now})::int as due_soon,
      (select count(*) from tasks t where t.department_id = d.id and t.state in ('pending_accept','in_progress') and t.due_at < ${now})::int as overdue,
      (select count(*) from tasks t where t.department_id = d.id and t.state = 'completed' and t.completed_at >= ${lastWeekStart} and t.completed_at < ${weekStart})::int as done_last_week,
      (select count(*) from tasks t where t.department_id = d.id and t.state = 'completed' and t.completed_at >= ${lastWeekStart} and t.completed_at < ${weekStart} and t.ever_red)::int as late_last_week,
      (select count(*) from ${COUNTED_EVALUATIONS} e join tasks t on t.id = e.task_id where t.department_id = d.id and e.created_at >= ${lastWeekStart} and e.created_at < ${weekStart})::int as ratings,
      (select round(avg(e.score), 1)::float8 from ${COUNTED_EVALUATIONS} e join tasks t on t.id = e.task_id where t.department_id = d.id and e.created_at >= ${lastWeekStart} and e.created_at < ${weekStart}) as avg_score
    from departments d where d.id = any(${departmentIds}::int[])`.execute(db);
  return r.rows;
}
