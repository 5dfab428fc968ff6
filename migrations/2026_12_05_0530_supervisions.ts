import { sql, type Kysely } from "kysely";

// 督办: a supervisor's (or the sweep's) supervision of one task, closed (销号) when the task is done, reopenable
// by a supervisor; and the urgent notice (加急) an outbox message asks for after it is sent.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("supervisions")
    .addColumn("id", "serial", (c) => c.primaryKey())
    .addColumn("task_id", "integer", (c) => c.notNull().references("tasks.id").onDelete("cascade"))
    .addColumn("request_id", "integer", (c) => c.notNull().references("requests.id").onDelete("cascade"))
    // null: opened by the system (the sweep's 督办 step)
    .addColumn("opened_by_id", "integer", (c) => c.references("users.id"))
    .addColumn("opened_by_name", "text", (c) => c.notNull())
    .addColumn("opened_at", "timestamptz", (c) => c.notNull())
    // [{by, byId, text, at}], oldest first: every instruction given while it was open
    .addColumn("instructions", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("closed_at", "timestamptz")
    .addColumn("close_reason", "text")
    .addColumn("reopened_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .execute();
  // At most one open 督办 per task.
  await sql`create unique index supervisions_open_uq on supervisions (task_id) where closed_at is null`.execute(db);
  await db.schema.createIndex("supervisions_task_idx").on("supervisions").columns(["task_id", "id"]).execute();

  await db.schema
    .alterTable("outbox")
    // open ids to send an urgent notice (加急) to once the message is delivered; null = none
    .addColumn("urgent", "jsonb")
    // the urgent notice's outcome: "sent", or "failed: <error>" (best effort, never holds the message back)
    .addColumn("urgent_status", "text")
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("outbox").dropColumn("urgent").dropColumn("urgent_status").execute();
  await db.schema.dropTable("supervisions").ifExists().execute();
}
