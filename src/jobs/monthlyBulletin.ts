import { bulletinSender, BULLETIN_ACTOR, previousMonth } from "../commands/bulletinSender";
import { runCommand } from "../commands/context";
import { loadTimeSettings } from "../commands/escalationPolicy";
import { localDate } from "../domain/calendar";
import { isWithinWorkingHours, workingDayOffset } from "../domain/workingHours";
import type { Job } from "./job";

/** The first working day of the month that holds local date `date`. */
export function firstWorkdayOfMonth(date: string, isWorkday: (d: string) => boolean): string {
  const first = `${date.slice(0, 7)}-01`;
  return isWorkday(first) ? first : workingDayOffset(first, 1, { isWorkday, hasDataFor: () => true });
}

/**
 * 月度通报: on the first working day of a month, within working hours, the bulletin of the month before goes to the
 * supervisors and every head, once (bulletinSender claims the month).
 */
export const monthlyBulletin: Job = {
  name: "monthlyBulletin",
  async perform(deps) {
    const t = await loadTimeSettings(deps.db.kysely, deps);
    const now = deps.now();
    const today = localDate(now, t.deadline);
    if (firstWorkdayOfMonth(today, (d) => t.cal.isWorkday(d)) !== today || !isWithinWorkingHours(now, t.cal, t.deadline, t.hours)) return { sent: 0, messages: 0 };
    const r = await runCommand(deps, BULLETIN_ACTOR, bulletinSender, { month: previousMonth(today) });
    return { sent: r.sent ? 1 : 0, messages: r.messages };
  },
};
