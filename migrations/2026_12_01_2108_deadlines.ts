import { sql, type Kysely } from "kysely";

// Deadlines that act: the 签收时限 clock, the escalation steps of each task, the escalation policies, and the
// digests already sent (so each is sent once per person and period, by whichever server claims it first).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("tasks")
    .addColumn("accept_due_at", "timestamptz")
    .addColumn("ever_red", "boolean", (c) => c.notNull().defaultTo(false))
    // When the 临期 window opens for this task (from its policy); the traffic light turns yellow then.
    .addColumn("due_soon_at", "timestamptz")
    // The task's updated_at its escalation steps were last computed for: older than updated_at = re-arm.
    .addColumn("escalations_armed_at", "timestamptz")
    .execute();
  // The sweep's "what needs (re-)arming": empty when nothing changed, so a sweep with nothing to do is cheap.
  await sql`create index tasks_escalation_arm_idx on tasks (id)
    where escalations_armed_at is null or escalations_armed_at < updated_at`.execute(db);
  // Open tasks not yet marked ever red, by deadline: the sweep marks those past it.
  await sql`create index tasks_not_yet_red_idx on tasks (due_at)
    where not ever_red and state in ('pending_approval','pending_accept','in_progress')`.execute(db);

  await db.schema
    .createTable("task_escalations")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("task_id", "integer", (c) => c.notNull().references("tasks.id").onDelete("cascade"))
    .addColumn("step", "text", (c) => c.notNull())
    // the deadline (due_at, or accept_due_at for the 签收 step) the step was computed for
    .addColumn("armed_for", "timestamptz", (c) => c.notNull())
    .addColumn("fire_at", "timestamptz", (c) => c.notNull())
    .addColumn("fired_at", "timestamptz")
    // sent | skipped (e.g. a 临期 reminder found the task already overdue)
    .addColumn("outcome", "text")
    .execute();
  // One row per task and step: a step happens once per task; a moved deadline re-arms the row while unfired.
  await db.schema.createIndex("task_escalations_step_uq").on("task_escalations").columns(["task_id", "step"]).unique().execute();
  await sql`create index task_escalations_due_idx on task_escalations (fire_at) where fired_at is null`.execute(db);

  await db.schema
    .createTable("escalation_policies")
    .addColumn("id", "serial", (c) => c.primaryKey())
    .addColumn("code", "text", (c) => c.notNull().unique())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("rule_code", "text")
    .addColumn("priority", "text")
    .addColumn("settings", "jsonb", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema.alterTable("users").addColumn("daily_digest", "boolean", (c) => c.notNull().defaultTo(true)).execute();
  await db.schema
    .createTable("digest_deliveries")
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("period", "text", (c) => c.notNull())
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("sent_at", "timestamptz", (c) => c.notNull())
    .addPrimaryKeyConstraint("digest_deliveries_pk", ["kind", "period", "user_id"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("digest_deliveries").ifExists().execute();
  await db.schema.alterTable("users").dropColumn("daily_digest").execute();
  await db.schema.dropTable("escalation_policies").ifExists().execute();
  await db.schema.dropTable("task_escalations").ifExists().execute();
  await sql`drop index if exists tasks_escalation_arm_idx`.execute(db);
  await sql`drop index if exists tasks_not_yet_red_idx`.execute(db);
  await db.schema
    .alterTable("tasks")
    .dropColumn("accept_due_at")
    .dropColumn("ever_red")
    .dropColumn("due_soon_at")
    .dropColumn("escalations_armed_at")
    .execute();
}
