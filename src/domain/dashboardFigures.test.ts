import { describe, expect, it } from "vitest";
import { createWorkCalendar, DEFAULT_DEADLINE_SETTINGS } from "./calendar";
import { FIGURE_KEYS, figureDefinitions, lastWeeks, median, percentile, periodOf, wilsonLowerBound, workingHoursBetween } from "./dashboardFigures";
import { DEFAULT_WORKING_HOURS } from "./workingHours";

const cal = createWorkCalendar([]);
const t = (iso: string) => new Date(`${iso}+08:00`);
const hours = (from: string, to: string, pauses: Array<[string, string]> = []) =>
  workingHoursBetween(t(from), t(to), pauses.map(([a, b]) => ({ from: t(a), to: t(b) })), cal, DEFAULT_DEADLINE_SETTINGS, DEFAULT_WORKING_HOURS);

describe("晾晒 figure definitions", () => {
  it("define every figure once, for each side, in Chinese", () => {
    for (const side of ["target", "requester"] as const) {
      const defs = figureDefinitions(side);
      expect(defs.map((d) => d.key)).toEqual([...FIGURE_KEYS]);
      for (const d of defs) expect(d.definition).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(figureDefinitions("requester")[0]!.label).toBe("发出任务");
  });
});

describe("Wilson lower bound", () => {
  it("puts 2 of 2 below 200 of 200, and below 180 of 200", () => {
    expect(wilsonLowerBound(2, 2)).toBeCloseTo(0.3424, 4);
    expect(wilsonLowerBound(200, 200)).toBeCloseTo(0.9812, 4);
    expect(wilsonLowerBound(180, 200)).toBeGreaterThan(wilsonLowerBound(2, 2));
    expect(wilsonLowerBound(1, 1)).toBeCloseTo(1 / (1 + 1.96 * 1.96), 10);
    expect(wilsonLowerBound(0, 0)).toBe(0);
  });
});

describe("median and nearest-rank percentile", () => {
  it("by hand", () => {
    expect(median([])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([9, 36, 20, 27])).toBe(23.5);
    expect(percentile([9, 36, 20, 27], 0.9)).toBe(36);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9);
    expect(percentile([], 0.9)).toBeNull();
  });
});

describe("periods", () => {
  it("week (Monday to Sunday), month, quarter, custom; the last 12 weeks end with this one", () => {
    expect(periodOf("week", "2026-11-04")).toMatchObject({ from: "2026-11-02", to: "2026-11-08" });
    expect(periodOf("week", "2026-11-08")).toMatchObject({ from: "2026-11-02", to: "2026-11-08" });
    expect(periodOf("month", "2026-02-10")).toMatchObject({ from: "2026-02-01", to: "2026-02-28", label: "2026年2月" });
    expect(periodOf("month", "2026-12-31")).toMatchObject({ from: "2026-12-01", to: "2026-12-31" });
    expect(periodOf("quarter", "2026-11-15")).toMatchObject({ from: "2026-10-01", to: "2026-12-31", label: "2026年第4季度" });
    expect(periodOf("quarter", "2026-02-15")).toMatchObject({ from: "2026-01-01", to: "2026-03-31" });
    expect(periodOf("custom", "2026-11-09", { from: "2026-11-09", to: "2026-11-13" })).toMatchObject({ from: "2026-11-09", to: "2026-11-13" });
    const weeks = lastWeeks("2026-11-23", 12);
    expect(weeks).toHaveLength(12);
    expect(weeks[11]).toMatchObject({ from: "2026-11-23", to: "2026-11-29" });
    expect(weeks[0]).toMatchObject({ from: "2026-09-07" });
  });
});

describe("working hours between two instants", () => {
  it("counts office hours on working days only, minus 补正 pauses", () => {
    expect(hours("2026-11-02T10:00:00", "2026-11-02T11:00:00")).toBe(1);
    expect(hours("2026-11-02T10:00:00", "2026-11-03T10:00:00")).toBe(9); // 8 + 1
    expect(hours("2026-11-06T17:00:00", "2026-11-09T10:00:00")).toBe(2); // Friday 1 h, the weekend 0, Monday 1 h
    expect(hours("2026-11-02T19:00:00", "2026-11-03T08:00:00")).toBe(0);
    expect(hours("2026-11-09T10:00:00", "2026-11-12T12:00:00", [["2026-11-10T10:00:00", "2026-11-11T10:00:00"]])).toBe(20);
    // Overlapping pauses are not subtracted twice.
    expect(hours("2026-11-02T09:00:00", "2026-11-02T18:00:00", [["2026-11-02T10:00:00", "2026-11-02T12:00:00"], ["2026-11-02T11:00:00", "2026-11-02T13:00:00"]])).toBe(6);
    // Around the National Day holiday of 2026 (10-01..10-07 off; Saturday 10-10 a make-up workday).
    expect(hours("2026-09-30T17:00:00", "2026-10-08T10:00:00")).toBe(2);
  });
});
