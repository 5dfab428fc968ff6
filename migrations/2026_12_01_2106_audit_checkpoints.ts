import { sql, type Kysely } from "kysely";

// Frozen once landed. The audit trail refuses TRUNCATE too (a row trigger never sees it), and its chains are
// anchored by checkpoints: each lists the chain heads that moved since the previous one, chained by digest and
// keyed with an HMAC whose secret lives outside the database (AUDIT_HMAC_KEY).
export async function up(db: Kysely<any>): Promise<void> {
  // audit_events_append_only() raises with tg_op, so it serves a statement-level TRUNCATE trigger as well.
  await sql`
    create trigger audit_events_no_truncate before truncate on audit_events
    for each statement execute function audit_events_append_only()`.execute(db);

  await db.schema
    .createTable("audit_checkpoints")
    .addColumn("id", "serial", (c) => c.primaryKey())
    // 1, 2, 3, ... without gaps: a deleted checkpoint in the middle shows as a gap (and a broken link)
    .addColumn("seq", "integer", (c) => c.notNull().unique())
    .addColumn("taken_at", "timestamptz", (c) => c.notNull())
    .addColumn("chain_count", "integer", (c) => c.notNull())
    .addColumn("record_count", "integer", (c) => c.notNull())
    // every audit_events row with id <= this was committed and covered when the checkpoint was taken
    .addColumn("last_event_id", "integer", (c) => c.notNull())
    // {"<chain>": [seq, hash]} for the chains whose head moved since the previous checkpoint
    .addColumn("heads", "jsonb", (c) => c.notNull())
    // sha256(previous digest, counts, heads): the running digest of every head checkpointed so far
    .addColumn("digest", "text", (c) => c.notNull())
    .addColumn("prev_hmac", "text", (c) => c.notNull())
    .addColumn("hmac", "text", (c) => c.notNull())
    // a fingerprint of the key that signed (never the key), so a verifier with another key says so
    .addColumn("key_id", "text", (c) => c.notNull())
    .execute();
  await sql`
    create trigger audit_checkpoints_no_change before update or delete on audit_checkpoints
    for each row execute function audit_events_append_only()`.execute(db);
  await sql`
    create trigger audit_checkpoints_no_truncate before truncate on audit_checkpoints
    for each statement execute function audit_events_append_only()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("audit_checkpoints").ifExists().execute();
  await sql`drop trigger if exists audit_events_no_truncate on audit_events`.execute(db);
}
