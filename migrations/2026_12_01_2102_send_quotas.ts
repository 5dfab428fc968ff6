import { sql, type Kysely } from "kysely";

// Outbox delivery under rate limits and outages:
// - a message counts real failures (attempts) apart from waits the platform asked for (429, the card not sent yet),
//   remembers when it first failed, and says why it was parked;
// - send_quotas holds, across processes, each quota the platform enforces: one row for the whole app and one per
//   recipient (chat or user), with the earliest time the next send may start and which worker holds the recipient.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("outbox")
    .addColumn("waits", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("first_failed_at", "timestamptz")
    .addColumn("park_reason", "text")
    .execute();
  // The head of each recipient's queue, in order: delivery is strictly first in, first out per recipient.
  await sql`create index outbox_recipient_queue_idx on outbox (recipient_type, recipient_id, id) where delivered_at is null and parked_at is null`.execute(db);

  await db.schema
    .createTable("send_quotas")
    .addColumn("scope", "text", (c) => c.primaryKey())
    .addColumn("next_send_at", "timestamptz", (c) => c.notNull())
    .addColumn("lease_owner", "text")
    .addColumn("lease_until", "timestamptz")
    .execute();
  await sql`insert into send_quotas (scope, next_send_at) values ('app', 'epoch')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("send_quotas").ifExists().execute();
  await sql`drop index if exists outbox_recipient_queue_idx`.execute(db);
  await db.schema.alterTable("outbox").dropColumn("waits").dropColumn("first_failed_at").dropColumn("park_reason").execute();
}
