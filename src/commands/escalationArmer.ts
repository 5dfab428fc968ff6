import { dueSoonAt, planSteps, SWEPT_STATES } from "../domain/escalation";
import { lockTasksToArm, storeArmedSteps } from "../db/repositories/escalations";
import type { Transaction } from "kysely";
import type { Database } from "../db/tables";
import type { Deps } from "./context";
import { loadStoredPolicies, loadTimeSettings, policyOf } from "./escalationPolicy";

/**
 * (Re-)computes the escalation steps of up to `limit` tasks changed since their steps were last computed:
 * created, accepted, paused for 补正, resumed with a moved deadline, closed. Returns how many it did.
 */
export async function armEscalations(deps: Deps, trx: Transaction<Database>, limit: number): Promise<number> {
  const tasks = await lockTasksToArm(trx, limit);
  if (tasks.length === 0) return 0;
  const stored = await loadStoredPolicies(trx);
  const time = await loadTimeSettings(trx, deps);
  const armed = tasks.map((t) => {
    const policy = policyOf(stored, deps, { ruleCode: t.ruleCode, ruleAcceptWorkingDays: t.ruleAcceptWorkingDays ?? undefined, priority: t.priority });
    const subject = { state: t.state, dueAt: new Date(t.dueAt), acceptDueAt: t.acceptDueAt ? new Date(t.acceptDueAt) : null };
    const open = SWEPT_STATES.includes(t.state) || t.state === "awaiting_info" || t.state === "pending_approval";
    return { taskId: t.id, steps: planSteps(subject, policy, time), dueSoonAt: open ? dueSoonAt(subject.dueAt, policy, time) : null };
  });
  await storeArmedSteps(trx, armed);
  return tasks.length;
}
