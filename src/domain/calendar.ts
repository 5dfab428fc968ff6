import dayjs from "dayjs";
import timezone from "dayjs/plugin/timezone";
import utc from "dayjs/plugin/utc";
import statutory from "chinese-days/dist/chinese-days.json";

dayjs.extend(utc);
dayjs.extend(timezone);

// The working-day calendar: the statutory schedule (holidays and 调休 make-up workdays, from chinese-days),
// plus the admin's overrides. Dates are local calendar dates "YYYY-MM-DD" in the offices' time zone; the
// process's own TZ never matters: date arithmetic on "YYYY-MM-DD" strings is done in UTC, and instants are
// converted with explicit time zones.
//
// chinese-days is read from its data file rather than through its isWorkday()/isHoliday(): those silently fall
// back to "Monday-Friday" for years the package has no schedule for, while we must know (and report) which
// years those are; its date helpers use the process's local-time getters; and its CommonJS/UMD entry gives
// no named exports under Node's ESM. The data file is plain JSON keyed by "YYYY-MM-DD".

export type DayKind = "holiday" | "workday";
export interface CalendarOverride {
  /** YYYY-MM-DD */
  date: string;
  kind: DayKind;
  note?: string | null;
}
export interface DeadlineSettings {
  /** IANA time zone of the offices */
  timeZone: string;
  /** "HH:mm": a deadline is the end of a working day */
  endOfDay: string;
}
export const DEFAULT_DEADLINE_SETTINGS: DeadlineSettings = { timeZone: "Asia/Shanghai", endOfDay: "17:30" };

export interface WorkCalendar {
  /** date = local calendar date YYYY-MM-DD */
  isWorkday(date: string): boolean;
  /**
   * true when chinese-days has that year's statutory schedule, or the admin overrides include at least one
   * date in that year (the admin supplied it)
   */
  hasDataFor(year: number): boolean;
  /**
   * Working days strictly after `fromDate` up to and including `toDate`, both valid and fromDate < toDate, without
   * walking the days (the answer of isWorkday day by day). Calendars from createWorkCalendar have it; for others
   * workingDaysBetween walks.
   */
  countWorkingDays?(fromDate: string, toDate: string): number;
}

export interface DueComputation {
  dueAt: Date;
  /** years the count crossed for which the calendar has no data (counted as weekends-only), ascending */
  missingYears: number[];
}

// ---- statutory data --------------------------------------------------------------------------------

const STATUTORY_HOLIDAYS = new Set(Object.keys(statutory.holidays));
const STATUTORY_WORKDAYS = new Set(Object.keys(statutory.workdays));
/**
 * Years whose schedule the package has, read from its data: a year is covered when it holds at least one
 * statutory holiday or make-up workday. (Every published schedule has several; a year the State Council has
 * not published yet has none.)
 */
const STATUTORY_YEARS: ReadonlySet<number> = new Set([...STATUTORY_HOLIDAYS, ...STATUTORY_WORKDAYS].map(yearOf));

/** The years chinese-days has a statutory schedule for, ascending (for admin screens and diagnostics). */
export function statutoryYears(): number[] {
  return [...STATUTORY_YEARS].sort((a, b) => a - b);
}

export interface StatutoryDay {
  /** YYYY-MM-DD */
  date: string;
  kind: DayKind;
  /** the festival, e.g. 国庆节 */
  name: string;
}

/** The statutory holidays and make-up workdays of one year, by date (empty for a year without data). */
export function statutoryDays(year: number): StatutoryDay[] {
  const prefix = `${String(year).padStart(4, "0")}-`;
  const pick = (table: Record<string, string>, kind: DayKind) =>
    Object.entries(table)
      .filter(([date]) => date.startsWith(prefix))
      .map(([date, label]) => ({ date, kind, name: label.split(",")[1] ?? label }));
  return [...pick(statutory.holidays, "holiday"), ...pick(statutory.workdays, "workday")].sort((a, b) => (a.date < b.date ? -1 : 1));
}

/** Is the date a statutory holiday or make-up workday (null: an ordinary day by the statutory schedule)? */
export function statutoryKind(date: string): DayKind | null {
  return STATUTORY_WORKDAYS.has(date) ? "workday" : STATUTORY_HOLIDAYS.has(date) ? "holiday" : null;
}

// ---- guards ----------------------------------------------------------------------------------------

/** Largest working-day count accepted (a year); more is a mistake, not a deadline. */
const MAX_WORKING_DAYS = 366;
/** A count of N working days may need to walk past long holidays; 3 calendar days per working day is plenty. */
const MAX_DAYS_PER_WORKING_DAY = 3;
/** Longest date walk for interval arithmetic (about 100 years). */
const MAX_WALK_DAYS = 36_600;
/** How far back dueAtForDate looks for a working day before giving up. */
const MAX_DAYS_BACK = 60;

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

// ---- calendar --------------------------------------------------------------------------------------

export function createWorkCalendar(overrides: readonly CalendarOverride[]): WorkCalendar {
  const byDate = new Map<string, DayKind>();
  const overrideYears = new Set<number>();
  for (const o of overrides) {
    assertDate(o.date, "override date");
    if (o.kind !== "holiday" && o.kind !== "workday") throw new RangeError(`override kind must be holiday or workday, got ${String(o.kind)}`);
    byDate.set(o.date, o.kind); // a later entry for the same date wins
    overrideYears.add(yearOf(o.date));
  }
  const isWorkday = (date: string): boolean => {
    assertDate(date, "date");
    const o = byDate.get(date);
    if (o) return o === "workday";
    return statutoryWorkday(date);
  };
  // Built on the first count: how the overrides differ from the statutory schedule (a handful of days).
  let overridden: Exceptions | null = null;
  return {
    isWorkday,
    hasDataFor(year) {
      return STATUTORY_YEARS.has(year) || overrideYears.has(year);
    },
    countWorkingDays(fromDate, toDate) {
      overridden ??= exceptionsOf([...byDate.keys()], (date) => (isWorkday(date) ? 1 : 0) - (statutoryWorkday(date) ? 1 : 0));
      const from = dayNumber(fromDate);
      const to = dayNumber(toDate);
      return weekdaysBetween(from, to) + corrected(statutoryExceptions(), from, to) + corrected(overridden, from, to);
    },
  };
}

/** The statutory schedule alone: its holidays and make-up workdays in the years it covers, else Monday-Friday. */
function statutoryWorkday(date: string): boolean {
  if (STATUTORY_YEARS.has(yearOf(date))) {
    if (STATUTORY_WORKDAYS.has(date)) return true;
    if (STATUTORY_HOLIDAYS.has(date)) return false;
  }
  const dow = weekday(date);
  return dow >= 1 && dow <= 5;
}

// ---- counting working days without walking them ------------------------------------------------------
// A working-day count over (from, to] is the count of Mondays-Fridays there, corrected by the days whose meaning
// differs: the statutory schedule's (holidays on weekdays, 调休 weekends; one list for every calendar), then the
// admin's overrides' (against the statutory schedule; a list per calendar). Each list is sorted with the running
// sum of its corrections and searched twice: O(log n) instead of one isWorkday per day. A list page counts the
// overdue working days of tasks late by hundreds of days (src/domain/trafficLight.ts).

interface Exceptions {
  /** day numbers (days since 1970-01-01) with a correction, ascending */
  days: number[];
  /** running[i] = sum of the corrections (+1 a day that works after all, -1 one that does not) of days[0..i-1] */
  running: number[];
}

let statutoryIndex: Exceptions | null = null;

/** How the statutory schedule differs from Monday-Friday. */
function statutoryExceptions(): Exceptions {
  statutoryIndex ??= exceptionsOf([...STATUTORY_HOLIDAYS, ...STATUTORY_WORKDAYS], (date) => (statutoryWorkday(date) ? 1 : 0) - (isWeekdayNumber(dayNumber(date)) ? 1 : 0));
  return statutoryIndex;
}

/** The days among `dates` with a non-zero correction, with their running sum. */
function exceptionsOf(dates: readonly string[], correctionOf: (date: string) => number): Exceptions {
  const corrections = new Map<number, number>();
  for (const date of new Set(dates)) {
    const correction = correctionOf(date);
    if (correction !== 0) corrections.set(dayNumber(date), correction);
  }
  const days = [...corrections.keys()].sort((a, b) => a - b);
  const running = [0];
  for (const day of days) running.push(running.at(-1)! + corrections.get(day)!);
  return { days, running };
}

/** Mondays-Fridays in (from, to], day numbers, from < to. */
function weekdaysBetween(from: number, to: number): number {
  const weeks = Math.floor((to - from) / 7);
  let n = weeks * 5;
  for (let day = from + 1 + weeks * 7; day <= to; day++) if (isWeekdayNumber(day)) n++;
  return n;
}

/** The sum of the corrections of the days in (from, to]. */
function corrected(ex: Exceptions, from: number, to: number): number {
  return ex.running[countUpTo(ex.days, to)]! - ex.running[countUpTo(ex.days, from)]!;
}

/** How many of the ascending `days` are <= day. */
function countUpTo(days: readonly number[], day: number): number {
  let lo = 0;
  let hi = days.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (days[mid]! <= day) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function dayNumber(date: string): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / 86_400_000);
}

/** Monday-Friday, for a day number (1970-01-01 was a Thursday) */
function isWeekdayNumber(day: number): boolean {
  const dow = (((day + 4) % 7) + 7) % 7;
  return dow >= 1 && dow <= 5;
}

// ---- instants and local dates ----------------------------------------------------------------------

const dateFormatters = new Map<string, Intl.DateTimeFormat>();

/** local date (YYYY-MM-DD) of an instant in the settings' time zone */
export function localDate(at: Date, settings: DeadlineSettings = DEFAULT_DEADLINE_SETTINGS): string {
  assertInstant(at, "at");
  let fmt = dateFormatters.get(settings.timeZone);
  if (!fmt) {
    // Throws a RangeError for an unknown time zone.
    fmt = new Intl.DateTimeFormat("en-US", { timeZone: settings.timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    dateFormatters.set(settings.timeZone, fmt);
  }
  const parts: Record<string, string> = {};
  for (const p of fmt.formatToParts(at)) parts[p.type] = p.value;
  return `${(parts.year ?? "").padStart(4, "0")}-${parts.month}-${parts.day}`;
}

/** The instant of a local date and "HH:mm" in the settings' time zone. */
export function localInstant(date: string, time: string, settings: DeadlineSettings = DEFAULT_DEADLINE_SETTINGS): Date {
  assertDate(date, "date");
  if (!TIME_RE.test(time)) throw new RangeError(`time must be HH:mm (00:00-23:59), got ${JSON.stringify(time)}`);
  // dayjs.tz(string, zone) reads the wall-clock time in `zone`, independently of the process's TZ.
  const d = dayjs.tz(`${date} ${time}`, settings.timeZone);
  if (!d.isValid()) throw new RangeError(`cannot place ${date} ${time} in ${settings.timeZone}`);
  return d.toDate();
}

/** Start (00:00 local) of a local date. */
function startOfDay(date: string, settings: DeadlineSettings): number {
  return localInstant(date, "00:00", settings).getTime();
}

/** endOfDay of a local date. */
function endOfWorkday(date: string, settings: DeadlineSettings): Date {
  if (!TIME_RE.test(settings.endOfDay)) throw new RangeError(`endOfDay must be HH:mm, got ${JSON.stringify(settings.endOfDay)}`);
  return localInstant(date, settings.endOfDay, settings);
}

// ---- deadlines -------------------------------------------------------------------------------------

/**
 * Due = endOfDay on the N-th working day after the local submission day (the submission day itself never
 * counts, even if it is a workday). N >= 1.
 */
export function computeDueAt(
  submittedAt: Date,
  workingDays: number,
  cal: WorkCalendar,
  settings: DeadlineSettings = DEFAULT_DEADLINE_SETTINGS,
): DueComputation {
  if (!Number.isInteger(workingDays) || workingDays < 1 || workingDays > MAX_WORKING_DAYS) {
    throw new RangeError(`workingDays must be an integer from 1 to ${MAX_WORKING_DAYS}, got ${workingDays}`);
  }
  const missing = new Set<number>();
  let date = localDate(submittedAt, settings);
  let counted = 0;
  const limit = workingDays * MAX_DAYS_PER_WORKING_DAY + 30;
  for (let steps = 0; counted < workingDays; steps++) {
    if (steps >= limit) throw new RangeError(`the calendar has too few working days to count ${workingDays} working days`);
    date = addDays(date, 1);
    if (!cal.hasDataFor(yearOf(date))) missing.add(yearOf(date));
    if (cal.isWorkday(date)) counted++;
  }
  return { dueAt: endOfWorkday(date, settings), missingYears: sortedYears(missing) };
}

/**
 * Due at endOfDay of a requested date; if that date is not a working day, the last working day before it.
 * missingYears: years the walk touched for which the calendar has no data.
 */
export function dueAtForDate(date: string, cal: WorkCalendar, settings: DeadlineSettings = DEFAULT_DEADLINE_SETTINGS): DueComputation {
  assertDate(date, "date");
  const missing = new Set<number>();
  let d = date;
  for (let steps = 0; ; steps++) {
    if (steps > MAX_DAYS_BACK) throw new RangeError(`no working day within ${MAX_DAYS_BACK} days before ${date}`);
    if (!cal.hasDataFor(yearOf(d))) missing.add(yearOf(d));
    if (cal.isWorkday(d)) break;
    d = addDays(d, -1);
  }
  return { dueAt: endOfWorkday(d, settings), missingYears: sortedYears(missing) };
}

/** Number of working days strictly after `fromDate` up to and including `toDate` (local dates); 0 when toDate <= fromDate. */
export function workingDaysBetween(fromDate: string, toDate: string, cal: WorkCalendar): number {
  assertDate(fromDate, "fromDate");
  assertDate(toDate, "toDate");
  if (toDate <= fromDate) return 0;
  if (daysBetween(fromDate, toDate) > MAX_WALK_DAYS) throw new RangeError(`${fromDate}..${toDate} is longer than ${MAX_WALK_DAYS} days`);
  if (cal.countWorkingDays) return cal.countWorkingDays(fromDate, toDate);
  let n = 0;
  for (let d = addDays(fromDate, 1); d <= toDate; d = addDays(d, 1)) {
    if (cal.isWorkday(d)) n++;
  }
  return n;
}

// ---- the clock paused during 补正 ----------------------------------------------------------------

/** "Working time" = the part of [from, to) that falls on working days (whole local days, 00:00-24:00 local). In ms. */
export function workingTimeBetween(from: Date, to: Date, cal: WorkCalendar, settings: DeadlineSettings = DEFAULT_DEADLINE_SETTINGS): number {
  assertInstant(from, "from");
  assertInstant(to, "to");
  if (to.getTime() <= from.getTime()) return 0;
  const first = localDate(from, settings);
  const last = localDate(to, settings);
  if (daysBetween(first, last) > MAX_WALK_DAYS) throw new RangeError(`interval longer than ${MAX_WALK_DAYS} days`);
  let total = 0;
  let dayStart = startOfDay(first, settings);
  for (let date = first; date <= last; ) {
    const next = addDays(date, 1);
    const nextStart = startOfDay(next, settings);
    if (cal.isWorkday(date)) {
      const start = Math.max(dayStart, from.getTime());
      const end = Math.min(nextStart, to.getTime());
      if (end > start) total += end - start;
    }
    date = next;
    dayStart = nextStart;
  }
  return total;
}

/**
 * Moves a deadline later by `ms` of working time (the clock paused during 补正): skips non-working days.
 * Extending Friday 17:30 by 48h of working time gives next Tuesday 17:30 when Mon/Tue are workdays.
 * Inverse of workingTimeBetween: workingTimeBetween(d, extendByWorkingTime(d, ms)) === ms.
 */
export function extendByWorkingTime(dueAt: Date, ms: number, cal: WorkCalendar, settings: DeadlineSettings = DEFAULT_DEADLINE_SETTINGS): Date {
  assertInstant(dueAt, "dueAt");
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`ms must be a finite, non-negative duration, got ${ms}`);
  let remaining = ms;
  let cursor = dueAt.getTime();
  let date = localDate(dueAt, settings);
  for (let steps = 0; remaining > 0; steps++) {
    if (steps > MAX_WALK_DAYS) throw new RangeError(`extension longer than ${MAX_WALK_DAYS} days`);
    const next = addDays(date, 1);
    const dayEnd = startOfDay(next, settings);
    if (cal.isWorkday(date)) {
      if (remaining <= dayEnd - cursor) return new Date(cursor + remaining);
      remaining -= dayEnd - cursor;
    }
    cursor = dayEnd;
    date = next;
  }
  return new Date(cursor);
}

// ---- dates people type -----------------------------------------------------------------------------

/**
 * The next occurrence of month/day on or after the local date of `now` (used for `截止:M月D日`). Returns
 * YYYY-MM-DD, or null if the month/day does not exist (e.g. 2月30日). 2月29日 gives the next leap year's.
 */
export function nextOccurrence(month: number, day: number, now: Date, settings: DeadlineSettings = DEFAULT_DEADLINE_SETTINGS): string | null {
  if (!Number.isInteger(month) || !Number.isInteger(day) || month < 1 || month > 12 || day < 1 || day > 31) return null;
  const today = localDate(now, settings);
  const year = yearOf(today);
  const md = `${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
  // Leap days recur at most 8 years apart (e.g. 2096 -> 2104).
  for (let y = year; y <= year + 8; y++) {
    const date = `${String(y).padStart(4, "0")}-${md}`;
    if (isValidDate(date) && date >= today) return date;
  }
  return null;
}

/** true for a real calendar date written YYYY-MM-DD */
export function isValidDate(date: string): boolean {
  if (typeof date !== "string" || !DATE_RE.test(date)) return false;
  const d = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === date;
}

// ---- helpers ---------------------------------------------------------------------------------------

function assertDate(date: string, what: string): void {
  if (!isValidDate(date)) throw new RangeError(`${what} must be a real date YYYY-MM-DD, got ${JSON.stringify(date)}`);
}

function assertInstant(at: Date, what: string): void {
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw new RangeError(`${what} must be a valid Date`);
}

/** Calendar arithmetic on YYYY-MM-DD, in UTC so that no time zone or DST can shift it. */
function addDays(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** 0 = Sunday … 6 = Saturday */
function weekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

function yearOf(date: string): number {
  return Number(date.slice(0, 4));
}

function sortedYears(years: Set<number>): number[] {
  return [...years].sort((a, b) => a - b);
}
