import { sql } from "kysely";
import type { Executor } from "../client";

// Escalation policies as admins edit them one by one (the import writes the same table in bulk).

export async function listEscalationPolicies(db: Executor) {
  return db.selectFrom("escalationPolicies").selectAll().orderBy("code").execute();
}

export async function findEscalationPolicy(db: Executor, code: string) {
  return db.selectFrom("escalationPolicies").selectAll().where("code", "=", code).forUpdate().executeTakeFirst();
}

/**
 * A changed policy applies to the steps of open tasks that have not fired yet: marking their steps stale makes
 * the sweep's armer recompute them (fired steps stay fired). One set-based statement; returns how many tasks.
 */
export async function rearmOpenTasks(trx: Executor): Promise<number> {
  const r = await sql`
    update tasks set escalations_armed_at = null
    where state in ('pending_approval', 'pending_accept', 'in_progress', 'awaiting_info') and escalations_armed_at is not null`.execute(trx);
  return Number(r.numAffectedRows ?? 0);
}
