import { describe, expect, it } from "vitest";
import { createWorkCalendar, DEFAULT_DEADLINE_SETTINGS } from "./calendar";
import { trafficLight, type LightSubject } from "./trafficLight";

const cal = createWorkCalendar([]);
const at = (s: string) => new Date(s);
const task = (over: Partial<LightSubject> = {}): LightSubject => ({
  state: "in_progress",
  dueAt: at("2026-09-30T17:30:00+08:00"),
  acceptDueAt: null,
  dueSoonAt: at("2026-09-29T09:00:00+08:00"),
  everRed: false,
  pausedAt: null,
  completedAt: null,
  ...over,
});
const light = (t: LightSubject, now: string) => trafficLight(t, at(now), cal, DEFAULT_DEADLINE_SETTINGS);

describe("traffic light", () => {
  it("walks green, yellow, red, and says how late in working days", () => {
    expect(light(task(), "2026-09-28T10:00:00+08:00")).toMatchObject({ light: "green", text: "正常" });
    expect(light(task(), "2026-09-29T09:00:00+08:00")).toMatchObject({ light: "yellow", text: "临期" });
    expect(light(task(), "2026-09-30T18:00:00+08:00")).toMatchObject({ light: "red", text: "已超期（不足 1 个工作日）" });
    // The National Day holiday does not count: on Oct 9 it is 2 working days late (Oct 8, Oct 9).
    expect(light(task(), "2026-10-09T10:00:00+08:00")).toMatchObject({ light: "red", text: "超期 2 个工作日", overdueWorkingDays: 2 });
  });
  it("a missed 签收时限 is yellow", () => {
    const t = task({ state: "pending_accept", acceptDueAt: at("2026-09-25T17:30:00+08:00") });
    expect(light(t, "2026-09-28T10:00:00+08:00")).toMatchObject({ light: "yellow", text: "签收超时", acceptOverdue: true });
  });
  it("a task paused for 补正 is never red", () => {
    const t = task({ state: "awaiting_info", pausedAt: at("2026-09-30T17:00:00+08:00") });
    expect(light(t, "2026-10-12T10:00:00+08:00").light).toBe("yellow");
    expect(light(task({ state: "awaiting_info", pausedAt: at("2026-09-20T10:00:00+08:00") }), "2026-10-12T10:00:00+08:00").light).toBe("green");
  });
  it("a task done late, or ever red, stays red in its record", () => {
    expect(light(task({ state: "completed", completedAt: at("2026-10-08T10:00:00+08:00") }), "2026-11-01T10:00:00+08:00")).toMatchObject({
      light: "red",
      text: "超期办结（超期 1 个工作日）",
    });
    expect(light(task({ state: "completed", everRed: true, completedAt: at("2026-09-30T12:00:00+08:00") }), "2026-11-01T10:00:00+08:00").light).toBe("red");
    expect(light(task({ state: "completed", completedAt: at("2026-09-29T12:00:00+08:00") }), "2026-11-01T10:00:00+08:00")).toMatchObject({
      light: "green",
      text: "按时办结",
    });
  });
});
