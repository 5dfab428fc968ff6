import type { Transaction } from "kysely";
import { DISPUTE_DECISION_LABELS, RECTIFICATION_STATE_LABELS } from "../domain/rectification";
import { EVALUATION_LABELS } from "../domain/types";
import { appendAuditBatch, requestChain, type AuditRecordInput } from "../db/repositories/audit";
import type { Executor } from "../db/client";
import { enqueueMessages, type OutgoingMessage } from "../db/repositories/outbox";
import { claimDueReminders, claimOverdue, type ClaimedNotice } from "../db/repositories/rectifications";
import type { Database, RectificationRow, RequestRow } from "../db/tables";
import type { SystemActor } from "../policies/actor";
import type { Deps } from "./context";
import { formatLocal } from "./taskUrger";
import { messageFor, peopleRecipients } from "./notifications";

export const RECTIFICATION_ACTOR: SystemActor = { kind: "system", name: "系统（整改督办）" };

/** The requester's card about a 整改 item (answered, then confirmed / disputed / decided), patched in place. */
export function rectificationCardKey(taskId: number): string {
  return `rectification:${taskId}:requester`;
}

/** What the 整改 cards and notices show of an item. Sensitive requests carry none of the words people wrote. */
export async function rectificationPayload(db: Executor, request: RequestRow, item: RectificationRow) {
  const e = await db.selectFrom("evaluations").select(["score", "comment"]).where("id", "=", item.evaluationId).executeTakeFirstOrThrow();
  const words = (s: string | null) => (request.classification === "sensitive" ? null : s);
  const answeredAt = item.answeredAt ? new Date(item.answeredAt) : null;
  return {
    rectificationState: item.state,
    rectificationStateLabel: RECTIFICATION_STATE_LABELS[item.state],
    score: e.score,
    label: EVALUATION_LABELS[e.score] ?? String(e.score),
    comment: words(e.comment),
    rectificationDueAt: new Date(item.dueAt).toISOString(),
    answer: words(item.answer),
    answeredAt: answeredAt?.toISOString() ?? null,
    onTime: answeredAt ? answeredAt.getTime() <= new Date(item.dueAt).getTime() : null,
    verdictComment: words(item.verdictComment),
    decision: item.decision,
    decisionLabel: item.decision ? DISPUTE_DECISION_LABELS[item.decision] : null,
    decisionComment: words(item.decisionComment),
  };
}

export interface NoticeResult {
  reminders: number;
  overdue: number;
}

/**
 * The 整改 sweep's steps due now: the 临期 reminder to the rated department's heads, and the overdue notice to
 * them and the supervisors. Each item's step is claimed by one UPDATE (a second server finds nothing), audited as
 * a system action and queued, in the caller's transaction.
 */
export async function fireRectificationNotices(deps: Deps, trx: Transaction<Database>, limit: number): Promise<NoticeResult> {
  const now = deps.now();
  const reminders = await claimDueReminders(trx, now, limit);
  const overdue = await claimOverdue(trx, now, limit);
  const messages: OutgoingMessage[] = [];
  const audits: AuditRecordInput[] = [];
  const supervisors = overdue.length ? await peopleRecipients(trx, null, ["supervisor"]) : [];
  const tz = deps.config.deadline.timeZone;
  for (const [step, claimed] of [["due_soon", reminders], ["overdue", overdue]] as const) {
    for (const c of claimed as ClaimedNotice[]) {
      const request = await trx.selectFrom("requests").selectAll().where("id", "=", c.requestId).executeTakeFirstOrThrow();
      const task = await trx.selectFrom("tasks").selectAll().where("id", "=", c.taskId).executeTakeFirstOrThrow();
      const heads = await peopleRecipients(trx, c.departmentId, ["head"]);
      const to = step === "due_soon" ? heads : [...heads, ...supervisors];
      const due = formatLocal(new Date(c.dueAt), tz);
      const text =
        step === "due_soon"
          ? `【整改临期】${request.number}：差评整改将于 ${due} 到期，请尽快答复整改情况（/整改 ${request.number} 整改内容）。`
          : `【整改超期】${request.number}：差评整改已于 ${due} 到期，承办部门仍未答复整改情况，请督促落实。`;
      const sent = await messageFor(trx, "rectification.notice", to, request, task, { text });
      messages.push(...sent);
      audits.push({
        chain: requestChain(request.id),
        requestId: request.id,
        taskId: task.id,
        actorId: null,
        actorName: RECTIFICATION_ACTOR.name,
        action: `rectification.${step}`,
        // The task's state does not move: recorded as no transition, so "who moved it" never names the sweep.
        fromState: null,
        toState: null,
        data: { step, label: step === "due_soon" ? "整改临期提醒" : "整改超期通知", deadline: new Date(c.dueAt).toISOString(), notified: sent.map((m) => m.to.id) },
        at: now,
      });
    }
  }
  await appendAuditBatch(trx, audits);
  await enqueueMessages(trx, messages, now);
  return { reminders: reminders.length, overdue: overdue.length };
}
