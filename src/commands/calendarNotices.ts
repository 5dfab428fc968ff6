import { usersWithRole } from "../db/repositories/org";
import { enqueueMessages } from "../db/repositories/outbox";
import { localDate } from "../domain/calendar";
import { loadWorkCalendar } from "./calendarLoader";
import type { Deps } from "./context";

/** The warning admins see (console and December message) while next year has no holiday schedule. */
export function missingYearWarning(year: number): string {
  return `${year} 年的法定节假日和调休安排尚无数据：在导入或逐日添加之前，${year} 年的时限按仅周末休息计算。请在「节假日」中添加，或用导入文件的 holidays 导入。`;
}

/**
 * In December, when next year has no holiday data yet, tells every admin once (per year, whichever server
 * gets there first: the row in calendar_notices is the claim, in the same transaction as the messages).
 */
export async function noticeMissingYear(deps: Deps): Promise<{ sent: number }> {
  const today = localDate(deps.now(), deps.config.deadline);
  if (today.slice(5, 7) !== "12") return { sent: 0 };
  const next = Number(today.slice(0, 4)) + 1;
  return deps.db.transaction(async (trx) => {
    if ((await loadWorkCalendar(trx)).hasDataFor(next)) return { sent: 0 };
    const claimed = await trx
      .insertInto("calendarNotices")
      .values({ year: next, sentAt: deps.now() })
      .onConflict((oc) => oc.column("year").doNothing())
      .returning("year")
      .executeTakeFirst();
    if (!claimed) return { sent: 0 };
    const admins = await usersWithRole(trx, null, ["admin"]);
    const text = `【节假日】${missingYearWarning(next)}`;
    await enqueueMessages(trx, admins.map((a) => ({ topic: "calendar.missing_year", to: { type: "open_id" as const, id: a.openId }, payload: { text, year: next } })), deps.now());
    return { sent: admins.length };
  });
}
