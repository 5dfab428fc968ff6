import { describe, expect, it } from "vitest";
import { createWorkCalendar, DEFAULT_DEADLINE_SETTINGS } from "./calendar";
import { DEFAULT_ESCALATION_POLICY, dueSoonAt, planSteps, policySettings, resolvePolicy, type TimeSettings } from "./escalation";
import { DEFAULT_WORKING_HOURS, isWithinWorkingHours, nextWorkingMoment, subtractWorkingHours } from "./workingHours";

const cal = createWorkCalendar([]);
const t: TimeSettings = { cal, deadline: DEFAULT_DEADLINE_SETTINGS, hours: DEFAULT_WORKING_HOURS };
const at = (s: string) => new Date(s);
const local = (d: Date) => d.toLocaleString("sv-SE", { timeZone: "Asia/Shanghai" }).slice(0, 16);

describe("working hours", () => {
  it("a notice at night, at a weekend or in the National Day holiday waits for the next working morning", () => {
    expect(local(nextWorkingMoment(at("2026-09-30T20:00:00+08:00"), cal, t.deadline, t.hours))).toBe("2026-10-08 09:00");
    expect(local(nextWorkingMoment(at("2026-10-03T10:00:00+08:00"), cal, t.deadline, t.hours))).toBe("2026-10-08 09:00");
    expect(local(nextWorkingMoment(at("2026-11-27T18:00:00+08:00"), cal, t.deadline, t.hours))).toBe("2026-11-30 09:00");
    expect(local(nextWorkingMoment(at("2026-11-30T07:30:00+08:00"), cal, t.deadline, t.hours))).toBe("2026-11-30 09:00");
    expect(local(nextWorkingMoment(at("2026-11-30T17:59:00+08:00"), cal, t.deadline, t.hours))).toBe("2026-11-30 17:59");
  });
  it("a make-up Saturday is a working day; a holiday weekday is not", () => {
    expect(isWithinWorkingHours(at("2026-10-10T10:00:00+08:00"), cal, t.deadline, t.hours)).toBe(true);
    expect(isWithinWorkingHours(at("2026-10-05T10:00:00+08:00"), cal, t.deadline, t.hours)).toBe(false);
    expect(isWithinWorkingHours(at("2026-11-30T08:59:00+08:00"), cal, t.deadline, t.hours)).toBe(false);
  });
  it("counts working hours back across a night and a weekend", () => {
    expect(local(subtractWorkingHours(at("2026-11-30T17:30:00+08:00"), 4, cal, t.deadline, t.hours))).toBe("2026-11-30 13:30");
    // Monday 10:00 minus 4 h: one hour on Monday, three on Friday (until 18:00).
    expect(local(subtractWorkingHours(at("2026-11-30T10:00:00+08:00"), 4, cal, t.deadline, t.hours))).toBe("2026-11-27 15:00");
  });
});

describe("escalation steps", () => {
  const due = at("2026-09-30T17:30:00+08:00");
  it("due on the eve of National Day: 临期 on the working day before at 09:00, 超期 at the deadline, 督办 two working days after the holiday", () => {
    const steps = planSteps({ state: "in_progress", dueAt: due, acceptDueAt: null }, DEFAULT_ESCALATION_POLICY, t);
    expect(steps.map((s) => [s.step, local(s.fireAt)])).toEqual([
      ["due_soon", "2026-09-29 09:00"],
      ["overdue", "2026-09-30 17:30"],
      ["supervise", "2026-10-09 09:00"],
    ]);
  });
  it("特急: the reminder 4 working hours before the deadline", () => {
    const policy = resolvePolicy([], { ruleCode: null, priority: "critical" });
    expect(local(dueSoonAt(due, policy, t))).toBe("2026-09-30 13:30");
  });
  it("a task waiting to be accepted has the 签收 step; one paused for 补正 or not yet approved has none", () => {
    const accept = at("2026-09-28T17:30:00+08:00");
    const steps = planSteps({ state: "pending_accept", dueAt: due, acceptDueAt: accept }, DEFAULT_ESCALATION_POLICY, t);
    expect(steps[0]).toMatchObject({ step: "accept_overdue" });
    expect(local(steps[0]!.fireAt)).toBe("2026-09-28 17:30");
    expect(planSteps({ state: "awaiting_info", dueAt: due, acceptDueAt: null }, DEFAULT_ESCALATION_POLICY, t)).toEqual([]);
    expect(planSteps({ state: "pending_approval", dueAt: due, acceptDueAt: accept }, DEFAULT_ESCALATION_POLICY, t)).toEqual([]);
  });
  it("a notice falling after hours (a deadline at 20:00) waits for the next working morning", () => {
    const late = at("2026-09-30T20:00:00+08:00");
    const overdue = planSteps({ state: "in_progress", dueAt: late, acceptDueAt: null }, DEFAULT_ESCALATION_POLICY, t).find((s) => s.step === "overdue");
    expect(local(overdue!.fireAt)).toBe("2026-10-08 09:00");
  });
  it("policies apply from general to specific: priority, then rule, then rule and priority", () => {
    const stored = [
      { ruleCode: null, priority: null, settings: { superviseAfterWorkingDays: 3 } },
      { ruleCode: "licence", priority: null, settings: { acceptWorkingDays: 2 } },
      { ruleCode: "licence", priority: "urgent" as const, settings: { superviseAfterWorkingDays: 1 } },
    ];
    expect(resolvePolicy(stored, { ruleCode: null, priority: "normal" })).toMatchObject({ superviseAfterWorkingDays: 3, acceptWorkingDays: 1 });
    expect(resolvePolicy(stored, { ruleCode: "licence", priority: "normal" })).toMatchObject({ superviseAfterWorkingDays: 3, acceptWorkingDays: 2 });
    expect(resolvePolicy(stored, { ruleCode: "licence", priority: "urgent" })).toMatchObject({ superviseAfterWorkingDays: 1, acceptWorkingDays: 2 });
    expect(resolvePolicy(stored, { ruleCode: "licence", priority: "normal", acceptWorkingDays: 3 }).acceptWorkingDays).toBe(3);
  });
  it("a wrong policy is refused with a Chinese explanation", () => {
    const r = policySettings.safeParse({ dueSoon: { days: 1 } });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain("workingDaysBefore");
  });
});
