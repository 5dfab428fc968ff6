import type { Transaction } from "kysely";
import { localDate, localInstant } from "../domain/calendar";
import type { TimeSettings } from "../domain/escalation";
import { workingDayOffset } from "../domain/workingHours";
import { claimDailyDigests, claimWeeklyDigests, departmentWeeks, dueTasksOf } from "../db/repositories/digests";
import { enqueueMessages, type OutgoingMessage } from "../db/repositories/outbox";
import type { Database } from "../db/tables";
import type { Deps } from "./context";
import { formatTime } from "./deadlineNotices";
import { chatTitle } from "./notifications";

/**
 * 每日待办提醒: on a working morning each handler (who has not opted out) gets one message listing what is due
 * soon or overdue for them; quiet when there is nothing. Claimed per person and day. Returns messages queued.
 */
export async function sendDailyDigests(deps: Deps, trx: Transaction<Database>, t: TimeSettings): Promise<number> {
  const now = deps.now();
  const claimed = await claimDailyDigests(trx, localDate(now, t.deadline), now);
  const tasks = await dueTasksOf(trx, claimed, now);
  const byPerson = new Map<string, string[]>();
  for (const x of tasks) {
    const line = `${x.overdue ? "【超期】" : "【临期】"}${x.number} ${chatTitle({ ...x, classification: x.classification as "internal" })}，截止 ${formatTime(new Date(x.dueAt), t)}`;
    byPerson.set(x.openId, [...(byPerson.get(x.openId) ?? []), line]);
  }
  const messages: OutgoingMessage[] = [...byPerson].map(([openId, lines]) => ({
    topic: "deadline.notice",
    to: { type: "open_id", id: openId },
    payload: { title: `今日待办提醒（${lines.length} 项）`, supervise: false, text: lines.join("\n"), items: lines.map((line) => ({ line })) },
  }));
  await enqueueMessages(trx, messages, now);
  return messages.length;
}

/**
 * 每周部门简报: on the first working day of the week each head gets their department's figures (open, due soon,
 * overdue, done last week and how many late, ratings); quiet when all are zero.
 */
export async function sendWeeklyDigests(deps: Deps, trx: Transaction<Database>, t: TimeSettings): Promise<number> {
  const now = deps.now();
  const monday = mondayOf(localDate(now, t.deadline));
  const claimed = await claimWeeklyDigests(trx, monday, now);
  const weekStart = localInstant(monday, "00:00", t.deadline);
  const lastWeekStart = localInstant(addDays(monday, -7), "00:00", t.deadline);
  const weeks = new Map((await departmentWeeks(trx, [...new Set(claimed.map((c) => c.departmentId))], now, weekStart, lastWeekStart)).map((w) => [w.departmentId, w]));
  const messages: OutgoingMessage[] = [];
  for (const c of claimed) {
    const w = weeks.get(c.departmentId);
    if (!w || w.open + w.doneLastWeek + w.ratings === 0) continue;
    const lines = [
      `在办 ${w.open} 件，其中临期 ${w.dueSoon} 件、超期 ${w.overdue} 件`,
      `上周办结 ${w.doneLastWeek} 件${w.lateLastWeek ? `（其中超期办结 ${w.lateLastWeek} 件）` : ""}`,
      w.ratings ? `上周收到评价 ${w.ratings} 条，平均 ${w.avgScore} 分（满分 5 分）` : "上周没有收到评价",
    ];
    messages.push({
      topic: "deadline.notice",
      to: { type: "open_id", id: c.openId },
      payload: { title: `${c.departmentName} 每周简报`, supervise: false, text: lines.join("\n"), items: lines.map((line) => ({ line })) },
    });
  }
  await enqueueMessages(trx, messages, now);
  return messages.length;
}

/** true on the first working day of the week (Monday, or the next working day when Monday is a holiday) */
export function isFirstWorkdayOfWeek(date: string, t: TimeSettings): boolean {
  const monday = mondayOf(date);
  const first = t.cal.isWorkday(monday) ? monday : workingDayOffset(monday, 1, t.cal);
  return first === date;
}

function mondayOf(date: string): string {
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
  return addDays(date, -((dow + 6) % 7));
}

function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}
