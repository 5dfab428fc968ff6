import { sql, type Kysely } from "kysely";

// 晾晒: a daily rollup of every additive figure per department and side (承办 target / 发起 requester), kept by the
// dashboardRollup job, so that a month's dashboard reads a few thousand rows instead of scanning every task; and the
// monthly 通报, once per month. Indexes for the live part of today's figures and for the rollup's day scans.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("department_daily_figures")
    // the local calendar date (Asia/Shanghai by default), YYYY-MM-DD
    .addColumn("day", "text", (c) => c.notNull())
    // target | requester
    .addColumn("side", "text", (c) => c.notNull())
    .addColumn("department_id", "integer", (c) => c.notNull().references("departments.id"))
    .addColumn("volume", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("accept_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("accept_on_time", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("completed", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("complete_on_time_original", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("complete_on_time_committed", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("ever_red", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("returns", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("transfers", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("supervisions", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("rating_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("rating_sum", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("bad_ratings", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("rectification_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("rectification_on_time", "integer", (c) => c.notNull().defaultTo(0))
    // working hours of each task accepted / completed that day (percentiles cannot be summed)
    .addColumn("accept_hours", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("complete_hours", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addPrimaryKeyConstraint("department_daily_figures_pk", ["day", "side", "department_id"])
    .execute();
  // Which days the rollup holds, and when each was computed (a day without a row is computed live).
  await db.schema
    .createTable("dashboard_rollup_days")
    .addColumn("day", "text", (c) => c.primaryKey())
    .addColumn("computed_at", "timestamptz", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("monthly_bulletins")
    // the month reported on, YYYY-MM
    .addColumn("month", "text", (c) => c.primaryKey())
    .addColumn("sent_at", "timestamptz", (c) => c.notNull())
    .addColumn("payload", "jsonb", (c) => c.notNull())
    .execute();

  await db.schema.createIndex("tasks_created_at_idx").on("tasks").column("created_at").execute();
  await sql`create index tasks_accepted_at_idx on tasks (accepted_at) where accepted_at is not null`.execute(db);
  await sql`create index tasks_completed_at_idx on tasks (completed_at) where completed_at is not null`.execute(db);
  await db.schema.createIndex("audit_events_action_created_idx").on("audit_events").columns(["action", "created_at"]).execute();
  await db.schema.createIndex("evaluations_created_at_idx").on("evaluations").column("created_at").execute();
  await db.schema.createIndex("supervisions_opened_at_idx").on("supervisions").column("opened_at").execute();
  await db.schema.createIndex("rectifications_due_at_idx").on("rectifications").column("due_at").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const i of ["tasks_created_at_idx", "tasks_accepted_at_idx", "tasks_completed_at_idx", "audit_events_action_created_idx", "evaluations_created_at_idx", "supervisions_opened_at_idx", "rectifications_due_at_idx"]) {
    await sql`drop index if exists ${sql.ref(i)}`.execute(db);
  }
  await db.schema.dropTable("monthly_bulletins").ifExists().execute();
  await db.schema.dropTable("dashboard_rollup_days").ifExists().execute();
  await db.schema.dropTable("department_daily_figures").ifExists().execute();
}
