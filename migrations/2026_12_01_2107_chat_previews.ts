import { sql, type Kysely } from "kysely";

// Preview cards (free text that reads as a request): each card's key is used once, to confirm or to cancel.
// The unique key makes a double tap, a late click or a click after 修改 answer with the request already created.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("chat_previews")
    .addColumn("id", "serial", (c) => c.primaryKey())
    .addColumn("preview_key", "text", (c) => c.notNull().unique())
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('confirmed', 'cancelled')`))
    .addColumn("request_id", "integer", (c) => c.references("requests.id"))
    .addColumn("summary", "jsonb")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("chat_previews").ifExists().execute();
}
