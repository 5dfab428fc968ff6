import type { SupervisionListRow } from "../db/repositories/supervisions";
import type { SupervisionInstruction, SupervisionRow } from "../db/tables";
import { PRIORITY_LABELS, type Priority, type TaskState } from "../domain/types";
import { presentLight, type LightClock } from "./light";
import { dateTimeFormat } from "../domain/intl";

const iso = (d: Date | string) => new Date(d).toISOString();

/** "12月3日" in the offices' time zone. */
function day(at: Date | string, timeZone: string): string {
  const parts = dateTimeFormat("en-US", { timeZone, month: "numeric", day: "numeric" }).formatToParts(new Date(at));
  const part = (t: string) => parts.find((p) => p.type === t)?.value ?? "";
  return `${part("month")}月${part("day")}日`;
}

/** 督办 status in words: 未督办 / 督办中（自 12月3日 起，2 条意见）/ 已销号. */
export function supervisionStatus(
  open: { openedAt: Date | string; instructions: SupervisionInstruction[] } | null,
  closedCount: number,
  timeZone: string,
) {
  if (open) {
    const n = open.instructions.length;
    return {
      status: "open" as const,
      text: `督办中（自 ${day(open.openedAt, timeZone)} 起${n > 0 ? `，${n} 条意见` : "，系统自动督办"}）`,
      since: iso(open.openedAt),
      instructions: n,
    };
  }
  if (closedCount > 0) return { status: "closed" as const, text: "已销号", since: null, instructions: 0 };
  return { status: "none" as const, text: "未督办", since: null, instructions: 0 };
}

/** One 督办 record as the request page shows it. */
export function presentSupervision(s: SupervisionRow) {
  return {
    id: s.id,
    openedBy: s.openedByName,
    system: s.openedById === null,
    openedAt: iso(s.openedAt),
    closedAt: s.closedAt ? iso(s.closedAt) : null,
    closeReason: s.closeReason,
    reopenedCount: s.reopenedCount,
    instructions: s.instructions.map((i) => ({ by: i.by, text: i.text, at: iso(i.at) })),
  };
}

/** A line of the 督办 list. Supervisors see every request (visibility rule), so titles are shown as they are. */
export function presentSupervisionItem(r: SupervisionListRow, clock: LightClock) {
  return {
    taskId: r.id,
    number: r.number,
    title: r.title,
    priority: r.priority as Priority,
    priorityLabel: PRIORITY_LABELS[r.priority as Priority],
    state: r.state as TaskState,
    toDepartment: { code: r.toCode, name: r.toName },
    fromDepartment: { code: r.fromCode, name: r.fromName },
    assignee: r.assigneeName,
    dueAt: iso(r.dueAt),
    ...presentLight(r, clock),
    supervision: supervisionStatus(
      r.supervisedSince ? { openedAt: r.supervisedSince, instructions: (r.supervisionInstructions ?? []) as SupervisionInstruction[] } : null,
      Number(r.closedSupervisions ?? 0),
      clock.settings.timeZone,
    ),
  };
}
