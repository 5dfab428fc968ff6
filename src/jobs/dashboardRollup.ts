import { loadTimeSettings } from "../commands/escalationPolicy";
import { localDate } from "../domain/calendar";
import { addDays } from "../domain/dashboardFigures";
import { rollUpDays } from "../db/repositories/dashboardRollups";
import type { Job } from "./job";

/** Closed days recounted each time a new day is rolled up: late ratings, appeals decided later, 整改 answered late. */
export const ROLLUP_RECOUNT_DAYS = 35;

/**
 * 晾晒 daily rollup: once a local day has ended, counts it (and recounts the ROLLUP_RECOUNT_DAYS before it, which
 * late ratings and appeal decisions may still change) into department_daily_figures. Runs every minute but works
 * once a day: the claim is the row of yesterday in dashboard_rollup_days, taken in the same transaction as the
 * counts (a second server finds it taken and does nothing).
 */
export const dashboardRollup: Job = {
  name: "dashboardRollup",
  async perform(deps) {
    const t = await loadTimeSettings(deps.db.kysely, deps);
    const now = deps.now();
    const yesterday = addDays(localDate(now, t.deadline), -1);
    return deps.db.transaction(async (trx) => {
      const claimed = await trx
        .insertInto("dashboardRollupDays")
        .values({ day: yesterday, computedAt: now })
        .onConflict((oc) => oc.column("day").doNothing())
        .returning("day")
        .executeTakeFirst();
      if (!claimed) return { days: 0, rows: 0 };
      const rows = await rollUpDays(trx, addDays(yesterday, -ROLLUP_RECOUNT_DAYS), yesterday, t, now);
      return { days: ROLLUP_RECOUNT_DAYS + 1, rows };
    });
  },
};
