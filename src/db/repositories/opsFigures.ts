import { sql } from "kysely";
import { OPEN_TASK_STATES } from "../../domain/types";
import type { Executor } from "../client";

/** What the metrics endpoint shows of the work in the database, read at scrape time. */
export interface OpsFigures {
  /** outgoing messages waiting to be sent (neither delivered nor parked) */
  outboxPending: number;
  /** age of the oldest of them, in seconds (0 when none) */
  outboxOldestAgeSeconds: number;
  /** messages parked for an admin */
  outboxParked: number;
  /** received chat events not handled yet */
  inboxPending: number;
  openTasks: number;
  /** open tasks past their deadline */
  overdueTasks: number;
}

/** One statement, each figure from a partial index (outbox_due_idx, outbox_parked_idx, inbound_events_pending_idx, tasks_open_due_idx). */
export async function readOpsFigures(db: Executor, now: Date): Promise<OpsFigures> {
  const open = sql.join(OPEN_TASK_STATES.map((s) => sql.lit(s)));
  const r = await sql<{ pending: number; oldest: Date | null; parked: number; inbox: number; open: number; overdue: number }>`
    select
      (select count(*)::int from outbox where delivered_at is null and parked_at is null) as pending,
      (select min(created_at) from outbox where delivered_at is null and parked_at is null) as oldest,
      (select count(*)::int from outbox where parked_at is not null and discarded_at is null) as parked,
      (select count(*)::int from inbound_events where handled_at is null) as inbox,
      (select count(*)::int from tasks where state in (${open})) as open,
      (select count(*)::int from tasks where state in (${open}) and due_at < ${now}) as overdue
  `.execute(db);
  const row = r.rows[0]!;
  const oldest = row.oldest ? new Date(row.oldest) : null;
  return {
    outboxPending: row.pending,
    outboxOldestAgeSeconds: oldest ? Math.max(0, (now.getTime() - oldest.getTime()) / 1000) : 0,
    outboxParked: row.parked,
    inboxPending: row.inbox,
    openTasks: row.open,
    overdueTasks: row.overdue,
  };
}
