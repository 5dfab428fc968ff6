import { sql, type Kysely } from "kysely";

// 延期申请: a handler asks for a later 办结时限; the requester (or, under 督办, a supervisor) decides. The task keeps
// its original deadline for statistics; due_at stays the committed one.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("tasks")
    .addColumn("original_due_at", "timestamptz")
    .addColumn("extension_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("extension_pending", "boolean", (c) => c.notNull().defaultTo(false))
    .execute();
  await sql`update tasks set original_due_at = due_at`.execute(db);
  await sql`alter table tasks alter column original_due_at set not null`.execute(db);

  await db.schema
    .createTable("task_extensions")
    .addColumn("id", "serial", (c) => c.primaryKey())
    .addColumn("task_id", "integer", (c) => c.notNull().references("tasks.id").onDelete("cascade"))
    .addColumn("requested_by", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("previous_due_at", "timestamptz", (c) => c.notNull())
    .addColumn("requested_due_at", "timestamptz", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull())
    // pending | approved | refused
    .addColumn("state", "text", (c) => c.notNull().defaultTo("pending"))
    .addColumn("granted_due_at", "timestamptz")
    .addColumn("decided_by", "integer", (c) => c.references("users.id"))
    .addColumn("decided_at", "timestamptz")
    .addColumn("decision_comment", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .execute();
  // One pending extension per task at a time.
  await sql`create unique index task_extensions_pending_uq on task_extensions (task_id) where state = 'pending'`.execute(db);
  await db.schema.createIndex("task_extensions_task_idx").on("task_extensions").column("task_id").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("task_extensions").ifExists().execute();
  await db.schema.alterTable("tasks").dropColumn("original_due_at").dropColumn("extension_count").dropColumn("extension_pending").execute();
}
