import type { DeadlineSettings, WorkCalendar } from "../domain/calendar";
import { trafficLight } from "../domain/trafficLight";
import type { TaskState } from "../domain/types";

/** What a light needs besides the row: the moment and the working calendar (overdue is counted in working days). */
export interface LightClock {
  now: Date;
  cal: WorkCalendar;
  settings: DeadlineSettings;
}

export interface LightRow {
  state: string;
  dueAt: Date;
  acceptDueAt?: Date | null;
  dueSoonAt?: Date | null;
  everRed?: boolean;
  pausedAt?: Date | null;
  completedAt?: Date | null;
}

/** 红黄绿灯 with its words, and the 签收时限, for every place a deadline is shown. */
export function presentLight(row: LightRow, clock: LightClock) {
  // A request's status may be partially_completed: its clock runs like a task in progress.
  const state = (row.state === "partially_completed" ? "in_progress" : row.state) as TaskState;
  const d = (v: Date | null | undefined) => (v ? new Date(v) : null);
  const l = trafficLight(
    {
      state,
      dueAt: new Date(row.dueAt),
      acceptDueAt: d(row.acceptDueAt),
      dueSoonAt: d(row.dueSoonAt),
      everRed: row.everRed ?? false,
      pausedAt: d(row.pausedAt),
      completedAt: d(row.completedAt),
    },
    clock.now,
    clock.cal,
    clock.settings,
  );
  return {
    light: l.light,
    lightText: l.text,
    acceptDueAt: d(row.acceptDueAt)?.toISOString() ?? null,
  };
}
