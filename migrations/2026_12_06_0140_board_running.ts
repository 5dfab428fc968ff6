import { sql, type Kysely } from "kysely";

// board_counts.running: the open tasks whose clock runs (not paused for 补正), per pair, kept by the same triggers.
// Red now = running − those not yet due; the not-yet-due are a short range of tasks_running_due_idx (about 9,000
// of 230,000 running tasks at 1,000,000 requests), so red and 临期 no longer scan every overdue task.
const OPEN = sql`('pending_approval', 'pending_accept', 'in_progress', 'awaiting_info')`;
const RUNNING = sql`('pending_approval', 'pending_accept', 'in_progress')`;

const apply = (name: string, rows: ReturnType<typeof sql>) => sql`
  create or replace function ${sql.id(name)}() returns trigger language plpgsql as $$
  begin
    insert into board_counts as b (department_id, from_department_id, open, running)
    select department_id, from_department_id, sum(o)::int, sum(r)::int from (${rows}) x
    group by department_id, from_department_id having sum(o) <> 0 or sum(r) <> 0
    order by department_id, from_department_id
    on conflict (department_id, from_department_id) do update set open = b.open + excluded.open, running = b.running + excluded.running;
    return null;
  end $$`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table board_counts add column running integer not null default 0`.execute(db);
  await sql`update board_counts b set running = x.n from (
      select department_id, from_department_id, count(*)::int as n from tasks where state in ${RUNNING} group by 1, 2) x
    where x.department_id = b.department_id and x.from_department_id = b.from_department_id`.execute(db);
  const part = (t: string, sign: string) => sql`select department_id, from_department_id,
      case when state in ${OPEN} then ${sql.raw(sign)}1 else 0 end as o, case when state in ${RUNNING} then ${sql.raw(sign)}1 else 0 end as r
    from ${sql.raw(t)} where state in ${OPEN}`;
  await apply("board_counts_on_insert", part("new_rows", "")).execute(db);
  await apply("board_counts_on_update", sql`${part("old_rows", "-")} union all ${part("new_rows", "")}`).execute(db);
  await apply("board_counts_on_delete", part("old_rows", "-")).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table board_counts drop column running`.execute(db);
  // The functions keep writing `running` until 2026_12_06_0110 is rolled back too (it drops them).
}
