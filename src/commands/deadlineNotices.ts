import { localDate, workingDaysBetween } from "../domain/calendar";
import { ESCALATION_STEP_LABELS, type EscalationStep, type TimeSettings } from "../domain/escalation";
import { overdueText } from "../domain/trafficLight";
import type { StepSubjectRow } from "../db/repositories/escalations";
import type { OutgoingMessage } from "../db/repositories/outbox";
import { chatTitle } from "./notifications";

// What the deadline sweep tells people. Every line names the request number; several notices to one
// recipient in one sweep become one message.

type To = OutgoingMessage["to"];

export interface NoticeItem {
  step: EscalationStep;
  subject: StepSubjectRow;
}

export interface Recipients {
  /** a department's inbox: its work group, else its dispatchers and heads */
  inbox(departmentId: number): To[];
  heads(departmentId: number): To[];
  supervisors(): To[];
}

/** Who hears of a step: 签收 and 临期 go to the handler (or the department before one is named); 超期 adds the
 * target head; 督办 goes to the supervisors and the requesting department's head. */
export function recipientsOf(item: NoticeItem, r: Recipients): To[] {
  const s = item.subject;
  const handler: To[] = s.assigneeOpenId ? [{ type: "open_id", id: s.assigneeOpenId }] : r.inbox(s.departmentId);
  switch (item.step) {
    case "accept_overdue":
      return r.inbox(s.departmentId);
    case "due_soon":
      return handler;
    case "overdue":
      return [...handler, ...r.heads(s.departmentId)];
    case "supervise":
      return [...r.supervisors(), ...r.heads(s.fromDepartmentId)];
  }
}

export function noticeLine(item: NoticeItem, now: Date, t: TimeSettings): string {
  const s = item.subject;
  const title = chatTitle(s);
  const due = formatTime(new Date(s.dueAt), t);
  switch (item.step) {
    case "accept_overdue":
      return `【签收超时】${s.number} ${title}：签收时限 ${formatTime(new Date(s.acceptDueAt ?? s.dueAt), t)} 已过，请尽快签收（/签收 ${s.number}）。`;
    case "due_soon":
      return `【临期】${s.number} ${title}：将于 ${due} 到期，请抓紧办理。`;
    case "overdue":
      return `【超期】${s.number} ${title}（${s.departmentName}）：已于 ${due} 超过办结时限，请尽快办结。`;
    case "supervise": {
      const days = workingDaysBetween(localDate(new Date(s.dueAt), t.deadline), localDate(now, t.deadline), t.cal);
      return `【督办】${s.number} ${title}（${s.departmentName}）：${overdueText(days)}仍未办结（截止 ${due}），请督促办理。`;
    }
  }
}

/** One message per recipient, listing every notice for them, most urgent first. */
export function groupNotices(items: NoticeItem[], r: Recipients, now: Date, t: TimeSettings): OutgoingMessage[] {
  const order: EscalationStep[] = ["supervise", "overdue", "accept_overdue", "due_soon"];
  const collator = numberCollator();
  const byRecipient = new Map<string, { to: To; items: NoticeItem[]; seen: Set<string> }>();
  const lineOf = new Map<NoticeItem, string>();
  for (const item of items) {
    lineOf.set(item, noticeLine(item, now, t));
    for (const to of recipientsOf(item, r)) {
      const key = `${to.type}:${to.id}`;
      const entry = byRecipient.get(key) ?? { to, items: [], seen: new Set<string>() };
      const id = `${item.step}:${item.subject.taskId}`;
      if (!entry.seen.has(id)) {
        entry.seen.add(id);
        entry.items.push(item);
      }
      byRecipient.set(key, entry);
    }
  }
  return [...byRecipient.values()].map(({ to, items: mine }) => {
    mine.sort((a, b) => order.indexOf(a.step) - order.indexOf(b.step) || collator.compare(a.subject.number, b.subject.number));
    const supervise = mine.some((i) => i.step === "supervise");
    const lines = mine.map((i) => lineOf.get(i)!);
    const only = mine.length === 1 ? mine[0]!.subject : null;
    return {
      topic: "deadline.notice",
      to,
      payload: {
        title: supervise ? "督办通知" : mine.length === 1 ? ESCALATION_STEP_LABELS[mine[0]!.step] : `时限提醒（${mine.length} 项）`,
        supervise,
        text: lines.join("\n"),
        items: mine.map((i, n) => ({ number: i.subject.number, taskId: i.subject.taskId, step: i.step, stepLabel: ESCALATION_STEP_LABELS[i.step], line: lines[n] })),
      },
      requestId: only?.requestId ?? null,
      taskId: only?.taskId ?? null,
    };
  });
}

let collatorCache: Intl.Collator | undefined;
/** Orders as localeCompare does; one collator for all comparisons (localeCompare is slow over thousands). */
function numberCollator(): Intl.Collator {
  collatorCache ??= new Intl.Collator();
  return collatorCache;
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();
/** Formatted instants per time zone: deadlines repeat (most fall at the end of a working day). */
const formatted = new Map<string, string>();

export function formatTime(d: Date, t: TimeSettings): string {
  const key = `${t.deadline.timeZone}|${d.getTime()}`;
  const hit = formatted.get(key);
  if (hit !== undefined) return hit;
  if (formatted.size >= 10_000) formatted.clear();
  const text = formatTimeUncached(d, t);
  formatted.set(key, text);
  return text;
}

function formatTimeUncached(d: Date, t: TimeSettings): string {
  const date = localDate(d, t.deadline);
  let fmt = timeFormats.get(t.deadline.timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat("en-GB", { timeZone: t.deadline.timeZone, hour: "2-digit", minute: "2-digit", hour12: false });
    timeFormats.set(t.deadline.timeZone, fmt);
  }
  const time = fmt.format(d);
  return `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日 ${time}`;
}
