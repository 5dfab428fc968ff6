import { sql } from "kysely";
import type { Executor } from "../client";

/** The next sequence number for (prefix, year); atomic under concurrency (the row is locked by the upsert). */
export async function nextRequestSequence(db: Executor, prefix: string, year: number): Promise<number> {
  const row = await sql<{ lastValue: number }>`
    insert into request_counters (prefix, year, last_value) values (${prefix}, ${year}, 1)
    on conflict (prefix, year) do update set last_value = request_counters.last_value + 1
    returning last_value`.execute(db);
  return row.rows[0]!.lastValue;
}
