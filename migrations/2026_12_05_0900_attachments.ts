import { sql, type Kysely } from "kysely";

// 附件: files on a request, a comment (补充), a 补正 answer, a 办结 result or a 整改 answer. The bytes live in
// src/storage at their SHA-256; a row records who attached what, when, and where. chat_files holds files sent to
// the bot in chat before it knew their request (answered by /附件 编号, or joined by the /发起 that follows).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("attachments")
    .addColumn("id", "serial", (c) => c.primaryKey())
    .addColumn("request_id", "integer", (c) => c.notNull().references("requests.id").onDelete("cascade"))
    .addColumn("task_id", "integer", (c) => c.references("tasks.id").onDelete("cascade"))
    .addColumn("attached_to", "text", (c) => c.notNull().check(sql`attached_to in ('request', 'comment', 'info_supply', 'completion', 'rectification')`))
    .addColumn("uploader_id", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("size", "integer", (c) => c.notNull().check(sql`size >= 0`))
    .addColumn("mime", "text", (c) => c.notNull())
    .addColumn("sha256", "char(64)", (c) => c.notNull())
    // chat | miniapp | api
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("attachments_request_idx").on("attachments").columns(["request_id", "id"]).execute();

  await db.schema
    .createTable("chat_files")
    .addColumn("id", "serial", (c) => c.primaryKey())
    .addColumn("uploader_id", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("chat_id", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("size", "integer", (c) => c.notNull())
    .addColumn("mime", "text", (c) => c.notNull())
    .addColumn("sha256", "char(64)", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    // set once the file joined a request
    .addColumn("attachment_id", "integer", (c) => c.references("attachments.id").onDelete("cascade"))
    .execute();
  await sql`create index chat_files_pending_idx on chat_files (uploader_id, created_at) where attachment_id is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("chat_files").ifExists().execute();
  await db.schema.dropTable("attachments").ifExists().execute();
}
