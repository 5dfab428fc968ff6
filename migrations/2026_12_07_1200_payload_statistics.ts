import { sql, type Kysely } from "kysely";

// The stored event payloads, click answers and outgoing messages are never searched by value: the planner has no
// use for statistics on them. ANALYZE sorted a sample of 30,000 JSON documents for each, which took half of the
// analyze of a busy inbox (200 -> 90 ms on PGlite for 60,000 events, where it runs in the server's own thread
// between acks; test/bench/RESULTS-events.md). Statistics target 0: ANALYZE leaves these columns out.
const columns = [
  ["inbound_events", "payload"],
  ["inbound_events", "answer"],
  ["outbox", "payload"],
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  for (const [table, column] of columns) await sql`alter table ${sql.id(table)} alter column ${sql.id(column)} set statistics 0`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [table, column] of columns) await sql`alter table ${sql.id(table)} alter column ${sql.id(column)} set statistics -1`.execute(db);
}
