import type { Kysely } from "kysely";

// The December message to admins that next year's holiday schedule is missing: one row per year, so the job
// sends it once per year however many servers run it.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("calendar_notices")
    .addColumn("year", "integer", (c) => c.primaryKey())
    .addColumn("sent_at", "timestamptz", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("calendar_notices").ifExists().execute();
}
