import { sql, type Kysely } from "kysely";

// inbound_events becomes the inbox: a verified event is stored with its payload and handled later, in one
// transaction with its effects, by the inbox worker. Rows from before were handled at once: mark them so.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("inbound_events")
    .addColumn("payload", "jsonb")
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("handled_at", "timestamptz")
    .addColumn("last_error", "text")
    // what a card click was answered with, so that a redelivered click answers the same
    .addColumn("answer", "jsonb")
    .execute();
  await sql`update inbound_events set handled_at = received_at`.execute(db);
  await sql`create index inbound_events_pending_idx on inbound_events (next_attempt_at, received_at) where handled_at is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists inbound_events_pending_idx`.execute(db);
  await db.schema
    .alterTable("inbound_events")
    .dropColumn("payload")
    .dropColumn("attempts")
    .dropColumn("next_attempt_at")
    .dropColumn("handled_at")
    .dropColumn("last_error")
    .dropColumn("answer")
    .execute();
}
