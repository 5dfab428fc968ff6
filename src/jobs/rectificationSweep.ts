import { fireRectificationNotices } from "../commands/rectificationNotices";
import { loadTimeSettings } from "../commands/escalationPolicy";
import { isWithinWorkingHours } from "../domain/workingHours";
import type { Job } from "./job";

const BATCH = 500;

/**
 * 整改 reminders and escalation: the 临期 reminder (09:00 the working day before the due day) and the overdue
 * notice, each once per item, only within working hours; what fell due at night or in a holiday waits for the next
 * working morning. Works from the state in the database, so a server that was down catches up.
 */
export const rectificationSweep: Job = {
  name: "rectificationSweep",
  async perform(deps) {
    const t = await loadTimeSettings(deps.db.kysely, deps);
    if (!isWithinWorkingHours(deps.now(), t.cal, t.deadline, t.hours)) return { reminders: 0, overdue: 0 };
    let reminders = 0;
    let overdue = 0;
    for (;;) {
      const r = await deps.db.transaction((trx) => fireRectificationNotices(deps, trx, BATCH));
      reminders += r.reminders;
      overdue += r.overdue;
      if (r.reminders < BATCH && r.overdue < BATCH) return { reminders, overdue };
    }
  },
};
