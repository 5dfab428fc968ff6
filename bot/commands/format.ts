import { TASK_STATE_LABELS, type TaskState } from "../../src/domain/types";
import type { ListedItem } from "../../src/db/repositories/views";
import { formatLocalTime } from "../presenters/cards";

// Chat text presenters shared by the commands.

export function stateLabel(s: string): string {
  return TASK_STATE_LABELS[s as TaskState] ?? s;
}

export function shownTitle(item: { title: string; classification: string; number: string }): string {
  return item.classification === "sensitive" ? "（涉密事项）" : item.title;
}

export function listLines(items: ListedItem[], now: Date): string[] {
  return items.map((i) => {
    const late = new Date(i.dueAt).getTime() < now.getTime() && ["pending_accept", "in_progress", "awaiting_info", "pending_approval"].includes(i.state);
    return `· ${i.number} ${shownTitle(i)}｜${i.departmentName}｜${stateLabel(i.state)}｜截止 ${formatLocalTime(new Date(i.dueAt).toISOString())}${late ? "（已超期）" : ""}`;
  });
}
