import { computeDueAt, localDate } from "./calendar";
import type { TimeSettings } from "./escalation";
import { localInstant, workingDayOffset } from "./workingHours";

// 整改 (rectification) after a 差评 and 申诉 (appeal) of a rating: their states, words and clock. Pure rules.

/**
 * open: waits for the rated department's answer; answered: waits for the requester's verdict; confirmed: closed
 * by the requester; disputed: waits for a supervisor; resolved: a supervisor decided the dispute.
 */
export const RECTIFICATION_STATES = ["open", "answered", "confirmed", "disputed", "resolved"] as const;
export type RectificationState = (typeof RECTIFICATION_STATES)[number];
export const RECTIFICATION_STATE_LABELS: Record<RectificationState, string> = {
  open: "待整改",
  answered: "待发起人确认",
  confirmed: "已确认整改",
  disputed: "有异议，待督查裁定",
  resolved: "督查已裁定",
};

/** upheld: the requester's objection stands (the 整改 was not enough); not_upheld: the 整改 stands. */
export const DISPUTE_DECISIONS = ["upheld", "not_upheld"] as const;
export type DisputeDecision = (typeof DISPUTE_DECISIONS)[number];
export const DISPUTE_DECISION_LABELS: Record<DisputeDecision, string> = { upheld: "异议成立", not_upheld: "异议不成立" };

/** pending: waits for a supervisor; excluded: the rating no longer counts in statistics; kept: it still counts. */
export const APPEAL_STATES = ["pending", "excluded", "kept"] as const;
export type AppealState = (typeof APPEAL_STATES)[number];
export const APPEAL_STATE_LABELS: Record<AppealState, string> = { pending: "申诉待督查裁定", excluded: "申诉成立，该评价不计入统计", kept: "申诉不成立，评价维持" };

/** A rating of this score or lower opens a 整改 item. */
export const RECTIFY_AT_OR_BELOW = 2;
export const DEFAULT_RECTIFY_WORKING_DAYS = 5;

export interface RectificationClock {
  dueAt: Date;
  /** the 临期 reminder: the start of working hours on the working day before the due day */
  remindAt: Date;
}

/** Due at the end of the N-th working day after the rating; reminded the working morning before the due day. */
export function rectificationClock(openedAt: Date, workingDays: number, t: TimeSettings): RectificationClock {
  const dueAt = computeDueAt(openedAt, workingDays, t.cal, t.deadline).dueAt;
  const dayBefore = workingDayOffset(localDate(dueAt, t.deadline), -1, t.cal);
  const remind = localInstant(dayBefore, t.hours.start, t.deadline);
  // With a one-day 整改 the day before is the rating day itself: remind at once (the sweep waits for office hours).
  return { dueAt, remindAt: remind.getTime() < openedAt.getTime() ? openedAt : remind };
}
