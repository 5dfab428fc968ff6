import type { requestTimeline } from "../db/repositories/views";
import { TRANSITIONS, type TaskAction } from "../domain/taskTransitions";
import { TASK_STATE_LABELS, type TaskState } from "../domain/types";

type Timeline = Awaited<ReturnType<typeof requestTimeline>>;
type Data = Record<string, unknown>;

// Entries of no transition (督办已销号, the sweep's steps) carry their own label.
const label = (action: string, d: Data) => (action === "create" ? "发起" : (TRANSITIONS[action as TaskAction]?.label ?? str(d.label) ?? action));
const stateLabel = (s: string | null) => (s ? (TASK_STATE_LABELS[s as TaskState] ?? s) : null);
const str = (v: unknown) => (typeof v === "string" ? v : undefined);

/**
 * The trail, each entry from what it recorded when it was written: the department the task was with then
 * (and, for 转办 / 指定, the one it went to). Entries written before departments were recorded by name
 * follow the recorded codes instead: 发起's targets (in task order), then each 转办's from -> to and each
 * 指定's department; an entry whose department the trail cannot tell shows none rather than today's.
 */
export function presentTimeline(timeline: Timeline) {
  const codeOf = new Map<number, string>();
  const nameOf = (code: string | undefined) => (code ? (timeline.departmentNames[code] ?? code) : null);
  return timeline.events.map((e) => {
    const d = e.data as Data;
    if (e.action === "create" && Array.isArray(d.targets) && d.targets.length === timeline.taskIds.length) {
      timeline.taskIds.forEach((id, i) => codeOf.set(id, (d.targets as string[])[i]!));
    }
    let department: string | null = null;
    let toDepartment: string | null = null;
    if (e.taskId !== null) {
      const legacyFrom = str(d.fromDepartment) ?? codeOf.get(e.taskId);
      const legacyTo = e.action === "transfer" ? str(d.toDepartment) : e.action === "arbitrate" ? str(d.department) : undefined;
      department = str(d.departmentName) ?? nameOf(legacyFrom);
      toDepartment = str(d.toDepartmentName) ?? nameOf(legacyTo);
      const movedTo = str(d.toDepartmentCode) ?? legacyTo;
      if (movedTo) codeOf.set(e.taskId, movedTo);
    }
    return {
      seq: e.seq,
      at: new Date(e.createdAt).toISOString(),
      actor: e.actorName,
      action: label(e.action, d),
      department,
      toDepartment,
      from: stateLabel(e.fromState),
      to: stateLabel(e.toState),
      note: (d.reason ?? d.result ?? d.comment ?? d.question ?? d.content ?? d.instruction ?? d.answer ?? null) as string | null,
    };
  });
}
