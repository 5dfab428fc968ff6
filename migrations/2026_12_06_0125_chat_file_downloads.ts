import { sql, type Kysely } from "kysely";

// Files sent to the bot in chat are downloaded by a job, not in the event's transaction: handling the message only
// queues a row here (with the rest of the event's effects). The job leases a row (next_attempt_at moved ahead,
// FOR UPDATE SKIP LOCKED), downloads it through the SDK into storage, and in one transaction attaches it (or keeps
// it in chat_files and asks which request) and marks the row done. One row per (message, file key): a redelivered
// event cannot queue a file twice.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("chat_file_downloads")
    .addColumn("id", "serial", (c) => c.primaryKey())
    .addColumn("uploader_id", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("uploader_open_id", "text", (c) => c.notNull())
    .addColumn("chat_id", "text", (c) => c.notNull())
    .addColumn("message_id", "text", (c) => c.notNull())
    .addColumn("file_key", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('file', 'image')`))
    .addColumn("name", "text", (c) => c.notNull())
    // the request it is for, when the message named one (or a /发起 or /附件 claimed it while it was downloading)
    .addColumn("request_id", "integer", (c) => c.references("requests.id").onDelete("cascade"))
    // queued | done | refused | failed
    .addColumn("status", "text", (c) => c.notNull().defaultTo("queued"))
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "timestamptz", (c) => c.notNull())
    .addColumn("last_error", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("finished_at", "timestamptz")
    .execute();
  await sql`create unique index chat_file_downloads_key on chat_file_downloads (message_id, file_key)`.execute(db);
  await sql`create index chat_file_downloads_due on chat_file_downloads (next_attempt_at) where status = 'queued'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("chat_file_downloads").execute();
}
