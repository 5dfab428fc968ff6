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

/**
 * Numbers a request created in this transaction with the next sequence of (prefix, year), in ONE statement: the
 * counter row is the one row every request in the province shares, so request creation touches it as late as
 * it can (after its other writes) and holds its lock only until commit. Numbers stay gap-free: a rollback undoes
 * the counter with the request. Answers the sequence; the number is formatted as formatRequestNumber does.
 */
export async function numberRequest(db: Executor, requestId: number, prefix: string, year: number): Promise<{ seq: number; number: string }> {
  const row = await sql<{ seq: number; number: string }>`
    with c as (
      insert into request_counters (prefix, year, last_value) values (${prefix}, ${year}, 1)
      on conflict (prefix, year) do update set last_value = request_counters.last_value + 1
      returning last_value)
    update requests set number = ${prefix} || '-' || ${String(year)} || '-' || lpad(c.last_value::text, greatest(6, length(c.last_value::text)), '0')
    from c where requests.id = ${requestId}
    returning c.last_value as seq, requests.number`.execute(db);
  const numbered = row.rows[0];
  if (!numbered) throw new Error(`request ${requestId} to number not found`);
  return { seq: Number(numbered.seq), number: numbered.number };
}
