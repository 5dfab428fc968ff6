import { sql, type Kysely } from "kysely";

const OPEN_STATES = "('pending_approval','pending_accept','in_progress','awaiting_info')";

// Speed (issue #12):
// - send_quota_slots: the app's quota (about 50 sends/s) as numbered slots of 1/quota seconds each, shared by every
//   delivery worker of every process. A send first takes the earliest free slot at or after the time its recipient's
//   own quota allows, so a busy chat reserves the slot it needs without queueing behind every other chat's sends, and
//   no slot is used twice (the primary key). The app row of send_quotas keeps the hold the platform asks for (429).
// - tasks.from_department_id: the requesting department, copied from the request when the task is inserted (a
//   trigger, so every insert has it; a request never changes its requesting department). It lets one index serve
//   部门收件 filtered by 发起部门 (from=) and the 晾晒 board's cells: at 1,000,000 requests the busiest agency has
//   about 80,000 open tasks, and finding the 21 from one agency through the join read thousands of them (about
//   100 ms; test/bench/RESULTS-lists.md).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("send_quota_slots")
    .addColumn("slot", "bigint", (c) => c.primaryKey())
    .execute();

  await db.schema.alterTable("tasks").addColumn("from_department_id", "integer", (c) => c.references("departments.id")).execute();
  await sql`update tasks set from_department_id = r.from_department_id from requests r where r.id = tasks.request_id`.execute(db);
  await sql`
    create function tasks_from_department() returns trigger language plpgsql as $$
    begin
      if new.from_department_id is null then
        select from_department_id into new.from_department_id from requests where id = new.request_id;
      end if;
      return new;
    end $$`.execute(db);
  await sql`
    create trigger tasks_from_department_fill before insert on tasks
    for each row execute function tasks_from_department()`.execute(db);
  await sql`create index tasks_inbound_from_open_idx on tasks (department_id, from_department_id, due_at, id) where state in ${sql.raw(OPEN_STATES)}`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists tasks_inbound_from_open_idx`.execute(db);
  await sql`drop trigger if exists tasks_from_department_fill on tasks`.execute(db);
  await sql`drop function if exists tasks_from_department()`.execute(db);
  await db.schema.alterTable("tasks").dropColumn("from_department_id").execute();
  await db.schema.dropTable("send_quota_slots").ifExists().execute();
}
