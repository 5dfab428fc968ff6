import { isFirstWorkdayOfWeek, sendDailyDigests, sendWeeklyDigests } from "../commands/digestSender";
import { loadTimeSettings } from "../commands/escalationPolicy";
import { localDate } from "../domain/calendar";
import { isWithinWorkingHours } from "../domain/workingHours";
import type { Job } from "./job";

/** Morning lists for handlers on working days, and Monday (first working day) department digests for heads. */
export const digests: Job = {
  name: "digests",
  async perform(deps) {
    const t = await loadTimeSettings(deps.db.kysely, deps);
    const now = deps.now();
    if (!isWithinWorkingHours(now, t.cal, t.deadline, t.hours)) return { daily: 0, weekly: 0 };
    const daily = await deps.db.transaction((trx) => sendDailyDigests(deps, trx, t));
    const weekly = isFirstWorkdayOfWeek(localDate(now, t.deadline), t) ? await deps.db.transaction((trx) => sendWeeklyDigests(deps, trx, t)) : 0;
    return { daily, weekly };
  },
};
