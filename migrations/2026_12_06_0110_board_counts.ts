import { sql, type Kysely } from "kysely";

// 晾晒 at scale (issues 10 and 12): the board and the dashboard read figures kept up to date, not every task.
// - tasks.from_department_id: the requesting department, copied from the request when the task is inserted
//   (backfilled here), so the inbox `from=` filter and a board cell read one index of tasks, no join first.
// - board_counts: open tasks per (target department, requesting department), kept by statement triggers on tasks in
//   the same transaction as every insert, state change, transfer or delete (no writer can forget it). A statement
//   that leaves a pair's count unchanged (a deadline moved, an assignee set) does not touch its row.
// - tasks_running_due_idx: the open tasks whose clock runs (not paused for 补正), by deadline, with both departments:
//   the red and 临期 counts are an index-only range scan of it.
const OPEN = sql`('pending_approval', 'pending_accept', 'in_progress', 'awaiting_info')`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table tasks add column from_department_id integer references departments (id)`.execute(db);
  await sql`update tasks set from_department_id = r.from_department_id from requests r where r.id = tasks.request_id`.execute(db);
  await sql`alter table tasks alter column from_department_id set not null`.execute(db);
  await sql`create index tasks_dept_from_due_idx on tasks (department_id, from_department_id, due_at, id)`.execute(db);
  await sql`create index tasks_running_due_idx on tasks (due_at) include (department_id, from_department_id, due_soon_at)
    where state in ('pending_approval', 'pending_accept', 'in_progress')`.execute(db);
  // A head's board: the open tasks their departments sent to others.
  await sql`create index tasks_open_from_idx on tasks (from_department_id, department_id) include (due_at, due_soon_at)
    where state in ${OPEN}`.execute(db);

  await sql`create table board_counts (
    department_id integer not null references departments (id),
    from_department_id integer not null references departments (id),
    open integer not null,
    primary key (department_id, from_department_id))`.execute(db);
  await sql`insert into board_counts (department_id, from_department_id, open)
    select department_id, from_department_id, count(*) from tasks where state in ${OPEN} group by 1, 2`.execute(db);

  // One function per event: each sees only the transition tables its event has. Deltas are netted per pair and
  // applied in key order (so two transactions lock the rows they share in the same order).
  const apply = (name: string, rows: ReturnType<typeof sql>) => sql`
    create function ${sql.id(name)}() returns trigger language plpgsql as $$
    begin
      insert into board_counts as b (department_id, from_department_id, open)
      select department_id, from_department_id, sum(d)::int from (${rows}) x
      group by department_id, from_department_id having sum(d) <> 0
      order by department_id, from_department_id
      on conflict (department_id, from_department_id) do update set open = b.open + excluded.open;
      return null;
    end $$`;
  const oldPart = sql`select department_id, from_department_id, -1 as d from old_rows where state in ${OPEN}`;
  const newPart = sql`select department_id, from_department_id, 1 as d from new_rows where state in ${OPEN}`;
  await apply("board_counts_on_insert", newPart).execute(db);
  await apply("board_counts_on_update", sql`${oldPart} union all ${newPart}`).execute(db);
  await apply("board_counts_on_delete", oldPart).execute(db);
  await sql`create trigger tasks_board_counts_insert after insert on tasks referencing new table as new_rows
    for each statement execute function board_counts_on_insert()`.execute(db);
  await sql`create trigger tasks_board_counts_update after update on tasks referencing old table as old_rows new table as new_rows
    for each statement execute function board_counts_on_update()`.execute(db);
  await sql`create trigger tasks_board_counts_delete after delete on tasks referencing old table as old_rows
    for each statement execute function board_counts_on_delete()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const op of ["insert", "update", "delete"]) {
    await sql`drop trigger ${sql.id(`tasks_board_counts_${op}`)} on tasks`.execute(db);
    await sql`drop function ${sql.id(`board_counts_on_${op}`)}()`.execute(db);
  }
  await sql`drop table board_counts`.execute(db);
  await sql`drop index tasks_open_from_idx`.execute(db);
  await sql`drop index tasks_running_due_idx`.execute(db);
  await sql`drop index tasks_dept_from_due_idx`.execute(db);
  await sql`alter table tasks drop column from_department_id`.execute(db);
}
