import { TASK_STATE_LABELS, type TaskState } from "../../src/domain/types";
import type { ListedItem } from "../../src/db/repositories/views";
import { presentLight, type LightClock } from "../../src/presenters/light";
import { formatLocalTime } from "../presenters/cards";
import { dateTimeFormat } from "../../src/domain/intl";

// Chat text presenters shared by the commands.

export function stateLabel(s: string): string {
  return TASK_STATE_LABELS[s as TaskState] ?? s;
}

export function shownTitle(item: { title: string; classification: string; number: string }): string {
  return item.classification === "sensitive" ? "（涉密事项）" : item.title;
}

const MARKS = { green: "🟢", yellow: "🟡", red: "🔴" } as const;

/** The day of the deadline as people say it: 今天 17:30 / 明天 17:30 / 12月8日 17:30. */
function dueWords(dueAt: Date, clock: LightClock): string {
  const tz = clock.settings.timeZone;
  const day = (d: Date) => dateTimeFormat("en-CA", { timeZone: tz }).format(d);
  const time = dateTimeFormat("zh-CN", { timeZone: tz, hour: "2-digit", minute: "2-digit", hour12: false }).format(dueAt);
  if (day(dueAt) === day(clock.now)) return `今天 ${time}`;
  if (day(dueAt) === day(new Date(clock.now.getTime() + 24 * 3600_000))) return `明天 ${time}`;
  return formatLocalTime(dueAt.toISOString(), tz);
}

/** 红黄绿灯 in words for a chat line: "🔴 超期 2 个工作日", "🟡 临期 · 明天 17:30 到期", "🟢 正常". */
export function lightWords(item: ListedItem, clock: LightClock): string {
  const l = presentLight(item, clock);
  const due = new Date(item.dueAt);
  const soon = l.light === "yellow" && item.state !== "awaiting_info" && due.getTime() >= clock.now.getTime();
  return `${MARKS[l.light]} ${l.lightText}${soon ? ` · ${dueWords(due, clock)} 到期` : ""}`;
}

export function listLines(items: ListedItem[], clock: LightClock): string[] {
  return items.map(
    (i) => `· ${i.number} ${shownTitle(i)}｜${i.departmentName}｜${stateLabel(i.state)}｜截止 ${formatLocalTime(new Date(i.dueAt).toISOString())}｜${lightWords(i, clock)}`,
  );
}
