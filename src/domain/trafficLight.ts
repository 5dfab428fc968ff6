import { localDate, localInstant, workingDaysBetween, type DeadlineSettings, type WorkCalendar } from "./calendar";
import { workingDayOffset } from "./workingHours";
import { DUE_SOON_MS, type TaskState } from "./types";

// 红黄绿灯: green on track; yellow due soon (or 签收时限 missed); red overdue. A task that was ever red keeps
// red in its record after it is done. A task paused for 补正 is never red while paused. Always with words,
// never colour alone.

export type Light = "green" | "yellow" | "red";
export const LIGHT_LABELS: Record<Light, string> = { green: "绿灯", yellow: "黄灯", red: "红灯" };

export interface LightSubject {
  state: TaskState;
  dueAt: Date;
  acceptDueAt: Date | null;
  /** when the 临期 window opens (from the task's policy); null = not computed yet: the last 24 hours */
  dueSoonAt: Date | null;
  everRed: boolean;
  pausedAt: Date | null;
  completedAt: Date | null;
}

export interface TrafficLight {
  light: Light;
  /** what the light means, in words: 正常 / 临期 / 签收超时 / 超期 3 个工作日 / 按时办结 / 超期办结 … */
  text: string;
  /** working days past the due day (open: until now; done: until completion); null when not late */
  overdueWorkingDays: number | null;
  acceptOverdue: boolean;
}

export function overdueText(days: number): string {
  return days > 0 ? `超期 ${days} 个工作日` : "已超期（不足 1 个工作日）";
}

export function trafficLight(task: LightSubject, now: Date, cal: WorkCalendar, settings: DeadlineSettings): TrafficLight {
  const due = task.dueAt.getTime();
  const lateDays = (until: Date) => workingDaysBetween(localDate(task.dueAt, settings), localDate(until, settings), cal);
  if (task.state === "completed") {
    const done = task.completedAt ?? now;
    const late = done.getTime() > due;
    if (late || task.everRed) {
      const days = late ? lateDays(done) : null;
      return { light: "red", text: late ? `超期办结（${overdueText(days!)}）` : "办结（曾超期）", overdueWorkingDays: days, acceptOverdue: false };
    }
    return { light: "green", text: "按时办结", overdueWorkingDays: null, acceptOverdue: false };
  }
  if (task.state === "rejected" || task.state === "returned" || task.state === "cancelled") {
    return task.everRed
      ? { light: "red", text: "曾超期", overdueWorkingDays: null, acceptOverdue: false }
      : { light: "green", text: "未超期", overdueWorkingDays: null, acceptOverdue: false };
  }
  // 补正: the clock stands still at the moment it paused, and a paused task is never red.
  const paused = task.state === "awaiting_info";
  const at = paused ? (task.pausedAt ?? now) : now;
  const acceptOverdue = task.state === "pending_accept" && task.acceptDueAt !== null && at.getTime() > task.acceptDueAt.getTime();
  const prefix = paused ? "暂停计时（待补正）" : "";
  if (at.getTime() > due) {
    if (paused) return { light: "yellow", text: `${prefix}，恢复后即超期`, overdueWorkingDays: null, acceptOverdue };
    const days = lateDays(at);
    return { light: "red", text: overdueText(days), overdueWorkingDays: days, acceptOverdue };
  }
  const soonFrom = task.dueSoonAt ? task.dueSoonAt.getTime() : due - DUE_SOON_MS;
  if (at.getTime() >= soonFrom) return { light: "yellow", text: paused ? `${prefix}，临期` : "临期", overdueWorkingDays: null, acceptOverdue };
  if (acceptOverdue) return { light: "yellow", text: "签收超时", overdueWorkingDays: null, acceptOverdue };
  return { light: "green", text: paused ? prefix : "正常", overdueWorkingDays: null, acceptOverdue };
}

/**
 * The instant before which an open task's deadline must lie for it to be at least `days` working days overdue
 * now (as `overdueWorkingDays` counts them); 0 = overdue at all. For "超期 ≥ N 个工作日" filters in SQL.
 */
export function overdueCutoff(days: number, now: Date, cal: WorkCalendar, settings: DeadlineSettings): Date {
  if (days <= 0) return now;
  const today = localDate(now, settings);
  // The N-th most recent working day up to today: a deadline on a day before it has N working days since.
  const nth = cal.isWorkday(today) ? (days === 1 ? today : workingDayOffset(today, -(days - 1), cal)) : workingDayOffset(today, -days, cal);
  return localInstant(nth, "00:00", settings);
}
