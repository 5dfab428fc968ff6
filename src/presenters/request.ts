import type { RequestDetail, requestTimeline } from "../db/repositories/views";
import { TRANSITIONS, type TaskAction } from "../domain/taskTransitions";
import { TASK_STATE_LABELS, type TaskState } from "../domain/types";

type Timeline = Awaited<ReturnType<typeof requestTimeline>>;
const label = (action: string) => (action === "create" ? "发起" : (TRANSITIONS[action as TaskAction]?.label ?? action));
const stateLabel = (s: string | null) => (s ? (TASK_STATE_LABELS[s as TaskState] ?? s) : null);

/** A request as the mini-app shows it, tasks per department with lead/supporting and deadlines. */
export function presentRequestDetail(d: RequestDetail, timeline?: Timeline) {
  return {
    number: d.number,
    title: d.title,
    body: d.body,
    status: d.status,
    priority: d.priority,
    classification: d.classification,
    dueAt: d.dueAt.toISOString(),
    createdAt: d.createdAt.toISOString(),
    requester: d.requesterName,
    fromDepartment: d.fromDepartmentName,
    tasks: d.tasks.map((t) => ({
      id: t.id,
      department: t.departmentName,
      role: t.role,
      state: t.state,
      dueAt: t.dueAt.toISOString(),
      assignee: t.assigneeName,
      result: t.result,
    })),
    timeline: (timeline?.events ?? []).map((e) => ({
      seq: e.seq,
      at: new Date(e.createdAt).toISOString(),
      actor: e.actorName,
      action: label(e.action),
      department: e.departmentName,
      from: stateLabel(e.fromState),
      to: stateLabel(e.toState),
      note: (e.data.reason ?? e.data.result ?? e.data.comment ?? e.data.question ?? e.data.content ?? null) as string | null,
    })),
    comments: (timeline?.comments ?? []).map((x) => ({ id: x.id, kind: x.kind, body: x.body, author: x.authorName, at: new Date(x.createdAt).toISOString() })),
  };
}

/** A line of a department's inbox; the title of a sensitive request is shown only to those who may see it. */
export function presentInboxItem(t: { id: number; number: string; title: string; state: string; dueAt: Date; role: string }, visible: boolean) {
  return {
    taskId: t.id,
    number: t.number,
    title: visible ? t.title : "（涉密事项）",
    state: t.state,
    role: t.role,
    dueAt: new Date(t.dueAt).toISOString(),
  };
}
