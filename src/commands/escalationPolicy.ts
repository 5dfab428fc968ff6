import { computeDueAt, type DeadlineSettings, type WorkCalendar } from "../domain/calendar";
import { resolvePolicy, type EscalationPolicy, type PolicySettings, type StoredPolicy, type TimeSettings } from "../domain/escalation";
import type { Priority } from "../domain/types";
import type { Executor } from "../db/client";
import type { Deps } from "./context";
import { loadWorkCalendar } from "./calendarLoader";
import { snapshotOf } from "../db/repositories/orgCache";

/** The escalation policies admins imported, as stored now. */
export async function loadStoredPolicies(db: Executor): Promise<StoredPolicy[]> {
  const snap = snapshotOf(db);
  if (snap) return snap.policies;
  const rows = await db.selectFrom("escalationPolicies").select(["ruleCode", "priority", "settings"]).execute();
  return rows.map((r) => ({ ruleCode: r.ruleCode, priority: r.priority, settings: r.settings as PolicySettings }));
}

export async function loadTimeSettings(db: Executor, deps: Deps): Promise<TimeSettings> {
  return { cal: await loadWorkCalendar(db), deadline: deps.config.deadline, hours: deps.config.workingHours };
}

export interface PolicySubject {
  ruleCode: string | null;
  /** the rule's own 签收时限 (rules[].action.acceptWorkingDays) */
  ruleAcceptWorkingDays?: number | undefined;
  priority: Priority;
}

export function policyOf(stored: readonly StoredPolicy[], deps: Deps, s: PolicySubject): EscalationPolicy {
  return resolvePolicy(stored, { ruleCode: s.ruleCode, priority: s.priority, acceptWorkingDays: s.ruleAcceptWorkingDays }, deps.config.escalation);
}

/** 签收时限 for a task reaching a department at `at`: N working days later under its policy, never after its 办结时限. */
export async function acceptDeadline(db: Executor, deps: Deps, s: PolicySubject & { dueAt: Date; at: Date }): Promise<Date> {
  const policy = policyOf(await loadStoredPolicies(db), deps, s);
  const cal = await loadWorkCalendar(db);
  const accept = computeDueAt(s.at, policy.acceptWorkingDays, cal, deps.config.deadline).dueAt;
  return accept.getTime() < s.dueAt.getTime() ? accept : s.dueAt;
}

/** The rule code and its own 签收时限 for a task routed by rule row `ruleId`. */
export async function ruleOf(db: Executor, ruleId: number | null): Promise<{ ruleCode: string | null; ruleAcceptWorkingDays?: number | undefined }> {
  if (ruleId === null) return { ruleCode: null };
  const r = await db.selectFrom("routingRules").select(["code", "action"]).where("id", "=", ruleId).executeTakeFirst();
  return r ? { ruleCode: r.code, ruleAcceptWorkingDays: r.action.acceptWorkingDays } : { ruleCode: null };
}

/** The clock the traffic lights are read on: now, on the working calendar as stored. */
export async function loadLightClock(db: Executor, deps: Deps): Promise<{ now: Date; cal: WorkCalendar; settings: DeadlineSettings }> {
  return { now: deps.now(), cal: await loadWorkCalendar(db), settings: deps.config.deadline };
}
