import type { Transaction } from "kysely";
import { ESCALATION_STEP_LABELS, type EscalationStep } from "../domain/escalation";
import { appendAuditBatch, requestChain, type AuditRecordInput } from "../db/repositories/audit";
import {
  claimDueSteps,
  loadStepSubjects,
  roleHoldersByDepartment,
  supervisorOpenIds,
} from "../db/repositories/escalations";
import { enqueueMessages, type OutgoingMessage } from "../db/repositories/outbox";
import { openSystemSupervisions } from "../db/repositories/supervisions";
import type { Database } from "../db/tables";
import type { SystemActor } from "../policies/actor";
import type { Deps } from "./context";
import { groupNotices, recipientsOf, type NoticeItem, type Recipients } from "./deadlineNotices";
import { loadTimeSettings } from "./escalationPolicy";

export const DEADLINE_ACTOR: SystemActor = { kind: "system", name: "系统（时限督办）" };

export interface FireResult {
  /** steps claimed (sent and skipped) */
  claimed: number;
  sent: number;
  messages: number;
}

/**
 * Fires the escalation steps due now, up to `limit`: claims them (no other server can), appends one audit record
 * per step as a system action, and queues one message per recipient, all in the caller's transaction.
 */
export async function fireDueEscalations(deps: Deps, trx: Transaction<Database>, limit: number): Promise<FireResult> {
  const now = deps.now();
  const claimed = await claimDueSteps(trx, now, limit);
  if (claimed.length === 0) return { claimed: 0, sent: 0, messages: 0 };
  const subjects = new Map((await loadStepSubjects(trx, [...new Set(claimed.map((c) => c.taskId))])).map((s) => [s.taskId, s]));
  const items: NoticeItem[] = [];
  for (const c of claimed) {
    const subject = subjects.get(c.taskId);
    if (subject && c.outcome === "sent") items.push({ step: c.step as EscalationStep, subject });
  }
  const recipients = await loadRecipients(trx, items);
  const time = await loadTimeSettings(trx, deps);
  const messages: OutgoingMessage[] = groupNotices(items, recipients, now, time);
  const audits: AuditRecordInput[] = claimed.flatMap((c) => {
    const s = subjects.get(c.taskId);
    if (!s) return [];
    const step = c.step as EscalationStep;
    const to = c.outcome === "sent" ? recipientsOf({ step, subject: s }, recipients) : [];
    return [
      {
        chain: requestChain(s.requestId),
        requestId: s.requestId,
        taskId: s.taskId,
        actorId: null,
        actorName: DEADLINE_ACTOR.name,
        action: `escalation.${step}`,
        fromState: s.state,
        toState: s.state,
        data: { step, label: ESCALATION_STEP_LABELS[step], outcome: c.outcome, deadline: new Date(c.armedFor).toISOString(), notified: to.map((r) => r.id) },
        at: now,
      },
    ];
  });
  // The 督办 step puts the task on the 督办 list: it opens a 督办 record (unless a supervisor already opened one).
  const supervised = await openSystemSupervisions(
    trx,
    items.filter((i) => i.step === "supervise").map((i) => ({ taskId: i.subject.taskId, requestId: i.subject.requestId })),
    DEADLINE_ACTOR.name,
    now,
  );
  for (const s of supervised) {
    const state = subjects.get(s.taskId)?.state ?? null;
    audits.push({
      chain: requestChain(s.requestId),
      requestId: s.requestId,
      taskId: s.taskId,
      actorId: null,
      actorName: DEADLINE_ACTOR.name,
      action: "supervision.open",
      fromState: state,
      toState: state,
      data: { label: "系统自动督办", supervisionId: s.id },
      at: now,
    });
  }
  await appendAuditBatch(trx, audits);
  await enqueueMessages(trx, messages, now);
  return { claimed: claimed.length, sent: items.length, messages: messages.length };
}

async function loadRecipients(trx: Transaction<Database>, items: NoticeItem[]): Promise<Recipients> {
  const depts = [...new Set(items.flatMap((i) => [i.subject.departmentId, i.subject.fromDepartmentId]))];
  const heads = await roleHoldersByDepartment(trx, depts, ["head"]);
  const office = await roleHoldersByDepartment(trx, depts, ["dispatcher", "head"]);
  const chats = new Map(items.map((i) => [i.subject.departmentId, i.subject.departmentChatId]));
  const supervisors = items.some((i) => i.step === "supervise") ? await supervisorOpenIds(trx) : [];
  const people = (ids: string[] | undefined) => (ids ?? []).map((id) => ({ type: "open_id" as const, id }));
  return {
    inbox: (d) => {
      const chat = chats.get(d);
      return chat ? [{ type: "chat_id", id: chat }] : people(office.get(d));
    },
    heads: (d) => people(heads.get(d)),
    supervisors: () => people(supervisors),
  };
}
