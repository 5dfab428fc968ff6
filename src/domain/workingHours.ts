import { localDate, localInstant as toInstant, type DeadlineSettings, type WorkCalendar } from "./calendar";

// Office hours: notices are sent only between `start` and `end` on working days. A notice that falls outside
// them waits for the next working morning at `start`, never at night, at weekends or on holidays.

export interface WorkingHours {
  /** "HH:mm" */
  start: string;
  /** "HH:mm", later than start */
  end: string;
}
export const DEFAULT_WORKING_HOURS: WorkingHours = { start: "09:00", end: "18:00" };

const DAY_MS = 86_400_000;

// Placing a wall-clock time in a time zone is slow (dayjs.tz) and the sweep asks for the same few days and hours
// for thousands of tasks: remember the answers (bounded).
const instants = new Map<string, number>();
export function localInstant(date: string, time: string, settings: DeadlineSettings): Date {
  const key = `${settings.timeZone}|${date}|${time}`;
  let t = instants.get(key);
  if (t === undefined) {
    if (instants.size > 50_000) instants.clear();
    t = toInstant(date, time, settings).getTime();
    instants.set(key, t);
  }
  return new Date(t);
}
/** A calendar with no working day for a year is a broken calendar, not a reason to loop forever. */
const MAX_DAYS_AHEAD = 400;

export function isWithinWorkingHours(at: Date, cal: WorkCalendar, settings: DeadlineSettings, hours: WorkingHours): boolean {
  const date = localDate(at, settings);
  if (!cal.isWorkday(date)) return false;
  const t = at.getTime();
  return t >= localInstant(date, hours.start, settings).getTime() && t < localInstant(date, hours.end, settings).getTime();
}

/** `at` itself when it is within working hours, else the start of the next working morning. */
export function nextWorkingMoment(at: Date, cal: WorkCalendar, settings: DeadlineSettings, hours: WorkingHours): Date {
  let date = localDate(at, settings);
  for (let i = 0; i < MAX_DAYS_AHEAD; i++) {
    if (cal.isWorkday(date)) {
      const start = localInstant(date, hours.start, settings);
      const end = localInstant(date, hours.end, settings);
      if (at.getTime() < start.getTime()) return start;
      if (at.getTime() < end.getTime()) return at;
    }
    date = addDays(date, 1);
  }
  throw new RangeError(`no working day within ${MAX_DAYS_AHEAD} days after ${date}`);
}

/** The n-th working day after `date` (n >= 1), or before it (n <= -1). */
export function workingDayOffset(date: string, n: number, cal: WorkCalendar): string {
  const dir = n < 0 ? -1 : 1;
  let left = Math.abs(n);
  let d = date;
  for (let i = 0; left > 0; i++) {
    if (i > MAX_DAYS_AHEAD + left * 3) throw new RangeError(`too few working days around ${date}`);
    d = addDays(d, dir);
    if (cal.isWorkday(d)) left--;
  }
  return d;
}

/** `h` working hours (time inside office hours on working days) before `at`. */
export function subtractWorkingHours(at: Date, h: number, cal: WorkCalendar, settings: DeadlineSettings, hours: WorkingHours): Date {
  let remaining = h * 3600_000;
  let cursor = at.getTime();
  let date = localDate(at, settings);
  for (let i = 0; i < MAX_DAYS_AHEAD; i++) {
    if (cal.isWorkday(date)) {
      const start = localInstant(date, hours.start, settings).getTime();
      const end = Math.min(localInstant(date, hours.end, settings).getTime(), cursor);
      if (end > start) {
        if (end - start >= remaining) return new Date(end - remaining);
        remaining -= end - start;
      }
    }
    date = addDays(date, -1);
    cursor = Number.POSITIVE_INFINITY;
  }
  throw new RangeError(`no working hours within ${MAX_DAYS_AHEAD} days before ${localDate(at, settings)}`);
}

function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}
