import { describe, expect, it } from "vitest";
import {
  computeDueAt,
  createWorkCalendar,
  DEFAULT_DEADLINE_SETTINGS,
  dueAtForDate,
  extendByWorkingTime,
  isValidDate,
  localDate,
  localInstant,
  nextOccurrence,
  statutoryYears,
  workingDaysBetween,
  workingTimeBetween,
  type CalendarOverride,
} from "./calendar";

// Every expectation is a real date. These tests must pass whatever the process TZ is
// (run them with TZ=UTC and TZ=America/New_York).

const cal = createWorkCalendar([]);
const at = (s: string) => new Date(s);
const iso = (d: Date) => d.toISOString();
const H = 3_600_000;

describe("statutory calendar (chinese-days)", () => {
  it("knows National Day 2026: Oct 1-7 off, Sun Sep 20 and Sat Oct 10 are make-up workdays", () => {
    for (const d of ["2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05", "2026-10-06", "2026-10-07"]) {
      expect(cal.isWorkday(d), d).toBe(false);
    }
    expect(cal.isWorkday("2026-09-30")).toBe(true);
    expect(cal.isWorkday("2026-10-08")).toBe(true);
    expect(cal.isWorkday("2026-09-20")).toBe(true); // Sunday, 调休
    expect(cal.isWorkday("2026-10-10")).toBe(true); // Saturday, 调休
    expect(cal.isWorkday("2026-10-11")).toBe(false); // an ordinary Sunday
  });

  it("knows the 2026 Spring Festival and Mid-autumn Festival", () => {
    expect(cal.isWorkday("2026-02-16")).toBe(false); // Monday in the Spring Festival break
    expect(cal.isWorkday("2026-02-23")).toBe(false);
    expect(cal.isWorkday("2026-02-24")).toBe(true);
    expect(cal.isWorkday("2026-02-14")).toBe(true); // Saturday, 调休
    expect(cal.isWorkday("2026-02-28")).toBe(true); // Saturday, 调休
    expect(cal.isWorkday("2026-09-25")).toBe(false); // Friday, 中秋
  });

  it("treats ordinary weekdays as workdays and weekends as days off", () => {
    expect(cal.isWorkday("2026-11-20")).toBe(true); // Friday
    expect(cal.isWorkday("2026-11-21")).toBe(false); // Saturday
    expect(cal.isWorkday("2026-11-22")).toBe(false); // Sunday
    expect(cal.isWorkday("2026-11-23")).toBe(true); // Monday
  });

  it("reads coverage from the data: 2004-2026, nothing for 2027", () => {
    const years = statutoryYears();
    expect(years[0]).toBe(2004);
    expect(years.at(-1)).toBe(2026);
    expect(years).toHaveLength(2026 - 2004 + 1);
    expect(cal.hasDataFor(2026)).toBe(true);
    expect(cal.hasDataFor(2004)).toBe(true);
    expect(cal.hasDataFor(2003)).toBe(false);
    expect(cal.hasDataFor(2027)).toBe(false);
  });

  it("counts Monday-Friday in a year without data", () => {
    expect(cal.isWorkday("2027-01-01")).toBe(true); // Friday; New Year's Day is unknown without data
    expect(cal.isWorkday("2027-01-02")).toBe(false); // Saturday
  });

  it("refuses malformed dates instead of guessing", () => {
    expect(() => cal.isWorkday("2026-02-30")).toThrow(RangeError);
    expect(() => cal.isWorkday("2026-1-5")).toThrow(RangeError);
    expect(() => cal.isWorkday("constructor")).toThrow(RangeError);
    expect(() => createWorkCalendar([{ date: "2027/01/01", kind: "holiday" }])).toThrow(RangeError);
  });
});

describe("admin overrides", () => {
  const overridden = createWorkCalendar([
    { date: "2026-11-24", kind: "holiday", note: "临时停电" }, // Tuesday off
    { date: "2026-11-28", kind: "workday", note: "补班" }, // Saturday worked
    { date: "2026-10-08", kind: "holiday" }, // beats the statutory workday
    { date: "2026-10-03", kind: "workday" }, // beats the statutory holiday
  ]);

  it("win over the statutory calendar and over weekends", () => {
    expect(overridden.isWorkday("2026-11-24")).toBe(false);
    expect(overridden.isWorkday("2026-11-28")).toBe(true);
    expect(overridden.isWorkday("2026-10-08")).toBe(false);
    expect(overridden.isWorkday("2026-10-03")).toBe(true);
    expect(overridden.isWorkday("2026-11-25")).toBe(true); // untouched days keep their meaning
  });

  it("move deadlines: a weekday turned holiday is skipped, a Saturday turned workday counts", () => {
    // Monday + 1: Tuesday is off, so Wednesday.
    expect(iso(computeDueAt(at("2026-11-23T10:00:00+08:00"), 1, overridden).dueAt)).toBe("2026-11-25T09:30:00.000Z");
    // Friday + 1: the Saturday is worked.
    expect(iso(computeDueAt(at("2026-11-27T10:00:00+08:00"), 1, overridden).dueAt)).toBe("2026-11-28T09:30:00.000Z");
    // Without the overrides: Tuesday and Monday.
    expect(iso(computeDueAt(at("2026-11-23T10:00:00+08:00"), 1, cal).dueAt)).toBe("2026-11-24T09:30:00.000Z");
    expect(iso(computeDueAt(at("2026-11-27T10:00:00+08:00"), 1, cal).dueAt)).toBe("2026-11-30T09:30:00.000Z");
  });

  it("supplying any date of a year counts as data for that year", () => {
    const imported = createWorkCalendar([
      { date: "2027-01-01", kind: "holiday" },
      { date: "2027-02-06", kind: "workday" },
    ]);
    expect(imported.hasDataFor(2027)).toBe(true);
    expect(imported.hasDataFor(2028)).toBe(false);
    expect(imported.isWorkday("2027-01-01")).toBe(false);
    expect(imported.isWorkday("2027-02-06")).toBe(true); // Saturday
    expect(imported.isWorkday("2027-01-04")).toBe(true); // other days: Monday-Friday
  });
});

describe("computeDueAt", () => {
  it("Friday + 1 working day = Monday 17:30 Shanghai (09:30Z)", () => {
    const due = computeDueAt(at("2026-11-20T15:00:00+08:00"), 1, cal);
    expect(iso(due.dueAt)).toBe("2026-11-23T09:30:00.000Z");
    expect(due.missingYears).toEqual([]);
  });

  it("does not count the submission day, even when submitted at 08:00 on a workday", () => {
    expect(iso(computeDueAt(at("2026-11-23T08:00:00+08:00"), 1, cal).dueAt)).toBe("2026-11-24T09:30:00.000Z");
    expect(iso(computeDueAt(at("2026-11-20T08:00:00+08:00"), 1, cal).dueAt)).toBe("2026-11-23T09:30:00.000Z");
    // 00:30 Shanghai on Monday is still Monday (16:30Z on Sunday): due Tuesday.
    expect(iso(computeDueAt(at("2026-11-22T16:30:00Z"), 1, cal).dueAt)).toBe("2026-11-24T09:30:00.000Z");
    // Submitted on a Saturday: Monday is the first working day after it.
    expect(iso(computeDueAt(at("2026-11-21T10:00:00+08:00"), 1, cal).dueAt)).toBe("2026-11-23T09:30:00.000Z");
  });

  it("counts 5 working days (normal priority) across a weekend", () => {
    // Wednesday + 5: Thu, Fri, Mon, Tue, Wed.
    expect(iso(computeDueAt(at("2026-11-18T11:00:00+08:00"), 5, cal).dueAt)).toBe("2026-11-25T09:30:00.000Z");
  });

  it("2026-09-30 + 3 lands after National Day, on the Saturday make-up workday", () => {
    const due = computeDueAt(at("2026-09-30T10:00:00+08:00"), 3, cal);
    // Oct 1-7 off; Thu Oct 8 (1), Fri Oct 9 (2), Sat Oct 10 调休 (3).
    expect(iso(due.dueAt)).toBe("2026-10-10T09:30:00.000Z");
    expect(due.missingYears).toEqual([]);
    expect(iso(computeDueAt(at("2026-09-30T10:00:00+08:00"), 1, cal).dueAt)).toBe("2026-10-08T09:30:00.000Z");
    expect(iso(computeDueAt(at("2026-09-30T10:00:00+08:00"), 4, cal).dueAt)).toBe("2026-10-12T09:30:00.000Z");
  });

  it("counts the Sunday make-up workday before National Day and skips 中秋", () => {
    expect(iso(computeDueAt(at("2026-09-18T10:00:00+08:00"), 1, cal).dueAt)).toBe("2026-09-20T09:30:00.000Z");
    // Thursday Sep 24 + 1: Fri Sep 25 - Sun Sep 27 are 中秋, so Monday Sep 28.
    expect(iso(computeDueAt(at("2026-09-24T10:00:00+08:00"), 1, cal).dueAt)).toBe("2026-09-28T09:30:00.000Z");
  });

  it("2027 without data: reports missingYears [2027] and counts weekends only", () => {
    const due = computeDueAt(at("2026-12-31T10:00:00+08:00"), 3, cal);
    // Fri Jan 1 counts (no data), Mon Jan 4, Tue Jan 5.
    expect(iso(due.dueAt)).toBe("2027-01-05T09:30:00.000Z");
    expect(due.missingYears).toEqual([2027]);
    const inside = computeDueAt(at("2027-02-05T10:00:00+08:00"), 1, cal); // Friday
    expect(iso(inside.dueAt)).toBe("2027-02-08T09:30:00.000Z");
    expect(inside.missingYears).toEqual([2027]);
    // Crossing two years without data lists both, ascending.
    expect(computeDueAt(at("2027-12-30T10:00:00+08:00"), 3, cal).missingYears).toEqual([2027, 2028]);
  });

  it("2027 with an imported override has data: no missing year, the holiday is skipped", () => {
    const imported = createWorkCalendar([{ date: "2027-01-01", kind: "holiday" }]);
    const due = computeDueAt(at("2026-12-31T10:00:00+08:00"), 3, imported);
    expect(iso(due.dueAt)).toBe("2027-01-06T09:30:00.000Z");
    expect(due.missingYears).toEqual([]);
  });

  it("uses the configured end of day", () => {
    const due = computeDueAt(at("2026-11-23T10:00:00+08:00"), 1, cal, { timeZone: "Asia/Shanghai", endOfDay: "18:00" });
    expect(iso(due.dueAt)).toBe("2026-11-24T10:00:00.000Z");
  });

  it("uses the configured time zone, DST included", () => {
    // Friday 10:00 EST + 1 = Monday 17:00 EDT (New York moved its clocks on Sunday 2026-03-08).
    const ny = { timeZone: "America/New_York", endOfDay: "17:00" };
    expect(iso(computeDueAt(at("2026-03-06T15:00:00Z"), 1, cal, ny).dueAt)).toBe("2026-03-09T21:00:00.000Z");
  });

  it("is consistent with workingDaysBetween", () => {
    const submitted = at("2026-09-16T09:00:00+08:00");
    for (let n = 1; n <= 25; n++) {
      const due = computeDueAt(submitted, n, cal).dueAt;
      expect(workingDaysBetween(localDate(submitted), localDate(due), cal), `n=${n}`).toBe(n);
      expect(cal.isWorkday(localDate(due)), `n=${n}`).toBe(true);
    }
  });

  it("refuses bad counts and cannot loop forever", () => {
    const t = at("2026-11-23T10:00:00+08:00");
    for (const n of [0, -1, 1.5, 367, 10_000, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => computeDueAt(t, n, cal), String(n)).toThrow(RangeError);
    }
    expect(iso(computeDueAt(t, 366, cal).dueAt) > "2028-01-01").toBe(true);
    // An admin who marked everything as a holiday gets an error, not a hang.
    const allOff: CalendarOverride[] = [];
    for (let d = "2026-11-24"; d <= "2027-12-31"; d = localDate(new Date(Date.parse(`${d}T12:00:00+08:00`) + 24 * H))) {
      allOff.push({ date: d, kind: "holiday" });
    }
    expect(() => computeDueAt(t, 1, createWorkCalendar(allOff))).toThrow(RangeError);
    expect(() => computeDueAt(at("not a date"), 1, cal)).toThrow(RangeError);
    expect(() => computeDueAt(t, 1, cal, { ...DEFAULT_DEADLINE_SETTINGS, endOfDay: "25:00" })).toThrow(RangeError);
  });
});

describe("dueAtForDate", () => {
  it("is the end of a working day itself", () => {
    expect(iso(dueAtForDate("2026-11-25", cal).dueAt)).toBe("2026-11-25T09:30:00.000Z");
    expect(iso(dueAtForDate("2026-10-10", cal).dueAt)).toBe("2026-10-10T09:30:00.000Z"); // make-up Saturday
  });

  it("moves a holiday or weekend back to the previous working day", () => {
    const due = dueAtForDate("2026-10-03", cal); // National Day
    expect(iso(due.dueAt)).toBe("2026-09-30T09:30:00.000Z");
    expect(due.missingYears).toEqual([]);
    expect(iso(dueAtForDate("2026-10-07", cal).dueAt)).toBe("2026-09-30T09:30:00.000Z");
    expect(iso(dueAtForDate("2026-11-22", cal).dueAt)).toBe("2026-11-20T09:30:00.000Z"); // Sunday -> Friday
  });

  it("reports a year without data, and uses an imported one", () => {
    const missing = dueAtForDate("2027-01-02", cal); // Saturday
    expect(iso(missing.dueAt)).toBe("2027-01-01T09:30:00.000Z");
    expect(missing.missingYears).toEqual([2027]);
    const imported = dueAtForDate("2027-01-02", createWorkCalendar([{ date: "2027-01-01", kind: "holiday" }]));
    expect(iso(imported.dueAt)).toBe("2026-12-31T09:30:00.000Z");
    expect(imported.missingYears).toEqual([]);
  });

  it("refuses a malformed date", () => {
    expect(() => dueAtForDate("2026-13-01", cal)).toThrow(RangeError);
    expect(() => dueAtForDate("2026-02-29", cal)).toThrow(RangeError);
  });
});

describe("the clock paused during 补正", () => {
  it("workingTimeBetween counts only whole local working days", () => {
    // Friday 16:00 to Monday 10:00: 8 h of Friday + 10 h of Monday.
    expect(workingTimeBetween(at("2026-11-20T16:00:00+08:00"), at("2026-11-23T10:00:00+08:00"), cal)).toBe(18 * H);
    // Across National Day: Sep 30 from 12:00 (12 h) and Oct 8 until 12:00 (12 h).
    expect(workingTimeBetween(at("2026-09-30T12:00:00+08:00"), at("2026-10-08T12:00:00+08:00"), cal)).toBe(24 * H);
    // Entirely within a weekend, or backwards: nothing.
    expect(workingTimeBetween(at("2026-11-21T09:00:00+08:00"), at("2026-11-22T18:00:00+08:00"), cal)).toBe(0);
    expect(workingTimeBetween(at("2026-11-23T18:00:00+08:00"), at("2026-11-23T09:00:00+08:00"), cal)).toBe(0);
  });

  it("extendByWorkingTime: Friday 17:30 + 48 h of working time = Tuesday 17:30", () => {
    const friday = at("2026-11-20T17:30:00+08:00");
    expect(iso(extendByWorkingTime(friday, 48 * H, cal))).toBe("2026-11-24T09:30:00.000Z");
    expect(iso(extendByWorkingTime(friday, 0, cal))).toBe(iso(friday));
    // Thursday 17:30 + 48 h: Thu 6.5 + Fri 24 + Mon 17.5.
    expect(iso(extendByWorkingTime(at("2026-11-26T17:30:00+08:00"), 48 * H, cal))).toBe("2026-11-30T09:30:00.000Z");
  });

  it("extendByWorkingTime skips a holiday and lands on a make-up Saturday", () => {
    // Wednesday Sep 30 17:30 + 24 h: 6.5 h of Sep 30, Oct 1-7 off, 17.5 h of Oct 8.
    expect(iso(extendByWorkingTime(at("2026-09-30T17:30:00+08:00"), 24 * H, cal))).toBe("2026-10-08T09:30:00.000Z");
    // Friday Oct 9 17:30 + 24 h: the Saturday Oct 10 is worked.
    expect(iso(extendByWorkingTime(at("2026-10-09T17:30:00+08:00"), 24 * H, cal))).toBe("2026-10-10T09:30:00.000Z");
  });

  it("a real pause: waiting Friday 10:00 to Monday 10:00 moves a Tuesday deadline by a day", () => {
    const waited = workingTimeBetween(at("2026-11-20T10:00:00+08:00"), at("2026-11-23T10:00:00+08:00"), cal);
    expect(waited).toBe(24 * H); // 14 h of Friday + 10 h of Monday
    expect(iso(extendByWorkingTime(at("2026-11-24T17:30:00+08:00"), waited, cal))).toBe("2026-11-25T09:30:00.000Z");
  });

  it("round-trips over a weekend and over a holiday", () => {
    const cases: Array<[string, number]> = [
      ["2026-11-20T17:30:00+08:00", 48 * H], // weekend
      ["2026-11-20T23:59:00+08:00", 1 * H],
      ["2026-09-29T17:30:00+08:00", 30 * H], // National Day
      ["2026-09-30T17:30:00+08:00", 24 * H + 90_000],
      ["2026-10-03T11:00:00+08:00", 5 * H], // starting on a holiday
      ["2026-12-31T17:30:00+08:00", 72 * H], // into 2027
    ];
    for (const [from, ms] of cases) {
      const start = at(from);
      const end = extendByWorkingTime(start, ms, cal);
      expect(workingTimeBetween(start, end, cal), from).toBe(ms);
    }
    // And the other way: extending by the working time between two instants on working days gives the later one.
    const a = at("2026-09-28T09:15:00+08:00");
    const b = at("2026-10-09T16:45:00+08:00");
    expect(iso(extendByWorkingTime(a, workingTimeBetween(a, b, cal), cal))).toBe(iso(b));
  });

  it("a working day is a whole local day, 23 h on a DST day", () => {
    const ny = { timeZone: "America/New_York", endOfDay: "17:00" };
    const sundayWorked = createWorkCalendar([{ date: "2026-03-08", kind: "workday" }]);
    expect(workingTimeBetween(at("2026-03-07T12:00:00-05:00"), at("2026-03-09T00:00:00-04:00"), sundayWorked, ny)).toBe(23 * H);
  });

  it("refuses negative or infinite extensions", () => {
    const t = at("2026-11-20T17:30:00+08:00");
    expect(() => extendByWorkingTime(t, -1, cal)).toThrow(RangeError);
    expect(() => extendByWorkingTime(t, Number.POSITIVE_INFINITY, cal)).toThrow(RangeError);
    expect(() => extendByWorkingTime(t, Number.NaN, cal)).toThrow(RangeError);
  });
});

describe("dates people type", () => {
  const now = at("2026-11-22T10:00:00+08:00");

  it("nextOccurrence finds the next month/day, across the year end", () => {
    expect(nextOccurrence(12, 1, now)).toBe("2026-12-01");
    expect(nextOccurrence(1, 5, now)).toBe("2027-01-05");
    expect(nextOccurrence(11, 22, now)).toBe("2026-11-22"); // today counts
    expect(nextOccurrence(11, 21, now)).toBe("2027-11-21");
  });

  it("nextOccurrence: 2月30日 and other impossible dates are null; 2月29日 is the next leap day", () => {
    expect(nextOccurrence(2, 30, now)).toBeNull();
    expect(nextOccurrence(4, 31, now)).toBeNull();
    expect(nextOccurrence(13, 1, now)).toBeNull();
    expect(nextOccurrence(0, 1, now)).toBeNull();
    expect(nextOccurrence(1.5, 1, now)).toBeNull();
    expect(nextOccurrence(2, 29, now)).toBe("2028-02-29");
  });

  it("nextOccurrence reads 'today' in Shanghai, not in the process's zone", () => {
    const newYear = at("2026-12-31T16:30:00Z"); // 2027-01-01 00:30 in Shanghai
    expect(localDate(newYear)).toBe("2027-01-01");
    expect(nextOccurrence(12, 31, newYear)).toBe("2027-12-31");
    expect(nextOccurrence(1, 1, newYear)).toBe("2027-01-01");
  });

  it("workingDaysBetween counts working days after the first date up to and including the second", () => {
    expect(workingDaysBetween("2026-09-30", "2026-10-10", cal)).toBe(3);
    expect(workingDaysBetween("2026-11-20", "2026-11-23", cal)).toBe(1);
    expect(workingDaysBetween("2026-11-20", "2026-11-22", cal)).toBe(0);
    expect(workingDaysBetween("2026-11-23", "2026-11-23", cal)).toBe(0);
    expect(workingDaysBetween("2026-11-27", "2026-11-23", cal)).toBe(0);
    expect(() => workingDaysBetween("2026-11-23", "9999-12-31", cal)).toThrow(RangeError);
  });

  it("workingDaysBetween counts without walking the same as walking isWorkday day by day, overrides included", () => {
    const overridden = createWorkCalendar([
      { date: "2026-11-24", kind: "holiday" },
      { date: "2026-11-28", kind: "workday" },
      { date: "2026-10-03", kind: "workday" }, // a statutory holiday made a workday
      { date: "2026-09-20", kind: "holiday" }, // a 调休 Sunday made a holiday again
      { date: "2027-02-06", kind: "workday" }, // a year chinese-days has no schedule for
    ]);
    // The same calendars without their counting shortcut: workingDaysBetween walks them.
    const walking = (c: typeof cal) => ({ isWorkday: (d: string) => c.isWorkday(d), hasDataFor: (y: number) => c.hasDataFor(y) });
    const day = (n: number) => new Date(Date.UTC(2003, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
    let seed = 7;
    const random = (n: number) => (seed = (seed * 48_271) % 2_147_483_647) % n;
    for (let i = 0; i < 400; i++) {
      const from = day(random(9000));
      const to = random(2) === 0 ? day(random(9000)) : dayOffset(from, random(800));
      for (const c of [cal, overridden]) expect(workingDaysBetween(from, to, c), `${from}..${to}`).toBe(workingDaysBetween(from, to, walking(c)));
    }
    expect(workingDaysBetween("2026-11-20", "2026-11-30", overridden)).toBe(workingDaysBetween("2026-11-20", "2026-11-30", walking(overridden)));
    expect(workingDaysBetween("2026-11-23", "2026-11-30", overridden)).toBe(5); // 24th off, Saturday 28th on
  });

  it("localDate and localInstant convert in the settings' zone", () => {
    expect(localDate(at("2026-11-22T23:30:00Z"))).toBe("2026-11-23");
    expect(localDate(at("2026-11-22T15:59:59Z"))).toBe("2026-11-22");
    expect(localDate(at("2026-11-22T16:00:00Z"))).toBe("2026-11-23");
    expect(localDate(at("2026-11-23T03:00:00Z"), { timeZone: "America/New_York", endOfDay: "17:00" })).toBe("2026-11-22");
    expect(iso(localInstant("2026-11-23", "17:30"))).toBe("2026-11-23T09:30:00.000Z");
    expect(() => localDate(at("2026-11-23T03:00:00Z"), { timeZone: "Mars/Olympus", endOfDay: "17:00" })).toThrow(RangeError);
    expect(isValidDate("2028-02-29")).toBe(true);
    expect(isValidDate("2027-02-29")).toBe(false);
  });
});

function dayOffset(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}
