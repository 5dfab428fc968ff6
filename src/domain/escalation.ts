import { z } from "zod";
import { localDate, type DeadlineSettings, type WorkCalendar } from "./calendar";
import type { Priority, TaskState } from "./types";
import { localInstant, nextWorkingMoment, subtractWorkingHours, workingDayOffset, type WorkingHours } from "./workingHours";

// The escalation policy: when each deadline step happens for a task, and who hears of it. Pure: the sweep asks
// planSteps() "when is each step due for this task as it is now", stores the answer, and fires what is due.

export const ESCALATION_STEPS = ["accept_overdue", "due_soon", "overdue", "supervise"] as const;
export type EscalationStep = (typeof ESCALATION_STEPS)[number];
export const ESCALATION_STEP_LABELS: Record<EscalationStep, string> = {
  accept_overdue: "签收超时",
  due_soon: "临期提醒",
  overdue: "超期",
  supervise: "督办",
};

export interface EscalationPolicy {
  /** 签收时限 in working days after the task reaches the department */
  acceptWorkingDays: number;
  /** the 临期 reminder: at `at` on the n-th working day before the due day, or n working hours before the deadline */
  dueSoon: { workingDaysBefore: number; at?: string | undefined } | { workingHoursBefore: number };
  /** tell the handler and the target head when the task goes overdue */
  overdueNotice: boolean;
  /** 督办 to the supervisors when still open this many working days after the due day; null = never */
  superviseAfterWorkingDays: number | null;
}

export const DEFAULT_ESCALATION_POLICY: EscalationPolicy = {
  acceptWorkingDays: 1,
  dueSoon: { workingDaysBefore: 1 },
  overdueNotice: true,
  superviseAfterWorkingDays: 2,
};

/** What the priority changes in the default (特急: the reminder 4 working hours before the deadline). */
export const PRIORITY_POLICY_DEFAULTS: Partial<Record<Priority, Partial<EscalationPolicy>>> = {
  critical: { dueSoon: { workingHoursBefore: 4 } },
};

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "时间格式为 HH:mm，例如 09:00");

/** The settings part of an imported policy: every field optional, laid over the defaults. */
export const policySettings = z
  .object({
    acceptWorkingDays: z.number().int().min(1, "签收时限至少 1 个工作日").max(30).optional(),
    dueSoon: z
      .union([
        z.object({ workingDaysBefore: z.number().int().min(1).max(10), at: hhmm.optional() }).strict(),
        z.object({ workingHoursBefore: z.number().min(0.5).max(72) }).strict(),
      ], { message: "dueSoon 写作 {\"workingDaysBefore\":1,\"at\":\"09:00\"} 或 {\"workingHoursBefore\":4}" })
      .optional(),
    overdueNotice: z.boolean().optional(),
    superviseAfterWorkingDays: z.number().int().min(1, "督办须在到期日之后至少 1 个工作日，不督办写 null").max(30).nullable().optional(),
  })
  .strict();
export type PolicySettings = z.infer<typeof policySettings>;

export interface StoredPolicy {
  ruleCode: string | null;
  priority: Priority | null;
  settings: PolicySettings;
}

/**
 * The policy of one task: the defaults, then the priority's defaults, then the stored policies from general to
 * specific (no scope, priority only, rule only, rule and priority); each sets only the fields it names.
 */
export function resolvePolicy(
  stored: readonly StoredPolicy[],
  task: { ruleCode: string | null; priority: Priority; acceptWorkingDays?: number | undefined },
  base: EscalationPolicy = DEFAULT_ESCALATION_POLICY,
): EscalationPolicy {
  const rank = (p: StoredPolicy) => (p.ruleCode ? 2 : 0) + (p.priority ? 1 : 0);
  const applicable = stored
    .filter((p) => (p.ruleCode === null || p.ruleCode === task.ruleCode) && (p.priority === null || p.priority === task.priority))
    .sort((a, b) => rank(a) - rank(b));
  let policy: EscalationPolicy = { ...base, ...PRIORITY_POLICY_DEFAULTS[task.priority] };
  for (const p of applicable) policy = { ...policy, ...definedOnly(p.settings) };
  // A rule's own acceptWorkingDays (in its action) is the most specific of all.
  if (task.acceptWorkingDays) policy = { ...policy, acceptWorkingDays: task.acceptWorkingDays };
  return policy;
}

function definedOnly(s: PolicySettings): Partial<EscalationPolicy> {
  return Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined)) as Partial<EscalationPolicy>;
}

export interface TimeSettings {
  cal: WorkCalendar;
  deadline: DeadlineSettings;
  hours: WorkingHours;
}

/** When the 临期 window opens: the reminder's moment before it is moved into working hours. */
export function dueSoonAt(dueAt: Date, policy: EscalationPolicy, t: TimeSettings): Date {
  const d = policy.dueSoon;
  if ("workingHoursBefore" in d) return subtractWorkingHours(dueAt, d.workingHoursBefore, t.cal, t.deadline, t.hours);
  const date = workingDayOffset(localDate(dueAt, t.deadline), -d.workingDaysBefore, t.cal);
  const at = localInstant(date, d.at ?? t.hours.start, t.deadline);
  return at.getTime() < dueAt.getTime() ? at : dueAt;
}

export interface PlannedStep {
  step: EscalationStep;
  /** the deadline this step was computed from */
  armedFor: Date;
  /** when it fires: always inside working hours */
  fireAt: Date;
}

export interface StepSubject {
  state: TaskState;
  dueAt: Date;
  acceptDueAt: Date | null;
}

/** The states in which a task's clocks run and its steps may fire (not before approval, not during 补正). */
export const SWEPT_STATES: readonly TaskState[] = ["pending_accept", "in_progress"];

/** The steps a task has now, each with its firing time. A task whose clock does not run has none. */
export function planSteps(task: StepSubject, policy: EscalationPolicy, t: TimeSettings): PlannedStep[] {
  if (!SWEPT_STATES.includes(task.state)) return [];
  const shift = (d: Date) => nextWorkingMoment(d, t.cal, t.deadline, t.hours);
  const steps: PlannedStep[] = [];
  if (task.state === "pending_accept" && task.acceptDueAt && task.acceptDueAt.getTime() < task.dueAt.getTime()) {
    steps.push({ step: "accept_overdue", armedFor: task.acceptDueAt, fireAt: shift(task.acceptDueAt) });
  }
  steps.push({ step: "due_soon", armedFor: task.dueAt, fireAt: shift(dueSoonAt(task.dueAt, policy, t)) });
  if (policy.overdueNotice) steps.push({ step: "overdue", armedFor: task.dueAt, fireAt: shift(task.dueAt) });
  const n = policy.superviseAfterWorkingDays;
  if (n !== null && n !== undefined) {
    const date = workingDayOffset(localDate(task.dueAt, t.deadline), n, t.cal);
    steps.push({ step: "supervise", armedFor: task.dueAt, fireAt: shift(localInstant(date, t.hours.start, t.deadline)) });
  }
  return steps;
}
