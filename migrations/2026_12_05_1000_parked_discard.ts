import type { Kysely } from "kysely";

// 搁置消息的作废: an admin discards a parked message with a reason instead of sending it. The row stays (parked_at
// kept, so no delivery query picks it up) with who discarded it, when and why; the audit trail has the same.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("outbox")
    .addColumn("discarded_at", "timestamptz")
    .addColumn("discard_reason", "text")
    .addColumn("discarded_by", "text")
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("outbox").dropColumn("discarded_at").dropColumn("discard_reason").dropColumn("discarded_by").execute();
}
