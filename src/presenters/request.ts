import type { RequestDetail, requestTimeline } from "../db/repositories/views";
import { reopenWindow, type TaskAction } from "../domain/taskTransitions";
import { APPEAL_STATE_LABELS, DISPUTE_DECISION_LABELS, RECTIFICATION_STATE_LABELS } from "../domain/rectification";
import { EVALUATION_LABELS, type Classification, type Priority, type TaskState } from "../domain/types";
import type { Actor } from "../policies/actor";
import { availableActions } from "../policies/task";
import type { SupervisionRow } from "../db/tables";
import { presentLight, type LightClock, type LightRow } from "./light";
import { presentSupervision, supervisionStatus } from "./supervision";
import { presentTimeline } from "./timeline";

const lightOnly = ({ light, lightText }: ReturnType<typeof presentLight>) => ({ light, lightText });

type Timeline = Awaited<ReturnType<typeof requestTimeline>>;

/** Actions on one department's task; the others concern the whole request and are listed once. */
const TASK_LEVEL: readonly TaskAction[] = [
  "accept",
  "assign",
  "return",
  "transfer",
  "resubmit",
  "arbitrate",
  "requestInfo",
  "supplyInfo",
  "complete",
  "confirmCompletion",
  "sendBack",
  "evaluate",
  "rectify",
  "confirmRectification",
  "disputeRectification",
  "decideDispute",
  "appeal",
  "decideAppeal",
  "supervise",
  "reopen",
  "requestExtension",
  "decideExtension",
];
/** While a result waits for the head's review, that decision comes first. */
const REVIEW_FIRST: readonly TaskAction[] = ["confirmCompletion", "sendBack", ...TASK_LEVEL.filter((a) => a !== "confirmCompletion" && a !== "sendBack")];
const REQUEST_LEVEL: readonly TaskAction[] = ["approve", "reject", "withdraw", "urge", "comment"];

/**
 * A request as the mini-app shows it, tasks per department with lead/supporting and deadlines, and the actions
 * the viewer may take now (the same policies the commands enforce), so the page offers only those.
 */
export function presentRequestDetail(d: RequestDetail, timeline: Timeline | undefined, viewer: Actor, clock: LightClock, supervisions: readonly SupervisionRow[] = []) {
  const request = { requesterId: d.requesterId, fromDepartmentId: d.fromDepartmentId, classification: d.classification as Classification };
  const actionsOn = (t: RequestDetail["tasks"][number], list: readonly TaskAction[]) => availableActions(viewer, { request, task: t }, list);
  const requestActions = REQUEST_LEVEL.filter((a) => d.tasks.some((t) => actionsOn(t, [a]).length > 0));
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
    actions: requestActions,
    tasks: d.tasks.map((t) => ({
      id: t.id,
      department: t.departmentName,
      departmentCode: t.departmentCode,
      role: t.role,
      state: t.state,
      dueAt: t.dueAt.toISOString(),
      originalDueAt: new Date(t.originalDueAt).toISOString(),
      extensionCount: t.extensionCount,
      extensions: d.extensions
        .filter((e) => e.taskId === t.id)
        .map((e) => ({
          id: e.id,
          state: e.state,
          label: EXTENSION_STATE_LABELS[e.state],
          previousDueAt: new Date(e.previousDueAt).toISOString(),
          requestedDueAt: new Date(e.requestedDueAt).toISOString(),
          grantedDueAt: e.grantedDueAt ? new Date(e.grantedDueAt).toISOString() : null,
          reason: e.reason,
          decisionComment: e.decisionComment,
          createdAt: new Date(e.createdAt).toISOString(),
        })),
      ...presentLight(t, clock),
      assignee: t.assigneeName,
      result: t.result,
      reviewPending: t.reviewPending,
      arbitrationPending: t.arbitrationPending,
      evaluation: t.evaluationScore === null ? null : { score: t.evaluationScore, label: EVALUATION_LABELS[t.evaluationScore] ?? String(t.evaluationScore), comment: t.evaluationComment },
      // 重新督办 is offered only while its window after completion is open (the command checks it again).
      actions: actionsOn({ ...t, evaluated: t.evaluationScore !== null }, t.reviewPending ? REVIEW_FIRST : TASK_LEVEL).filter(
        (a) => a !== "reopen" || reopenWindow(t.completedAt ? new Date(t.completedAt) : null, clock.now, clock.cal, clock.settings).open,
      ),
      ...supervisionOf(supervisions.filter((s) => s.taskId === t.id), clock),
      rectification: presentRectification(t),
      appeal: t.appeal === null ? null : { state: t.appeal, label: APPEAL_STATE_LABELS[t.appeal], reason: t.appealReason, decisionComment: t.appealDecisionComment, excluded: t.evaluationExcludedAt !== null },
    })),
    timeline: timeline ? presentTimeline(timeline) : [],
    comments: (timeline?.comments ?? []).map((x) => ({ id: x.id, kind: x.kind, body: x.body, author: x.authorName, at: new Date(x.createdAt).toISOString() })),
  };
}

const EXTENSION_STATE_LABELS = { pending: "待审批", approved: "已同意", refused: "不同意" } as const;

/** A task's 督办 status and records, for the request page. */
function supervisionOf(rows: readonly SupervisionRow[], clock: LightClock) {
  const open = rows.find((s) => s.closedAt === null) ?? null;
  return {
    supervision: supervisionStatus(open, rows.filter((s) => s.closedAt !== null).length, clock.settings.timeZone),
    supervisions: rows.map(presentSupervision),
  };
}

/** The 整改 item of a task as the request page shows it: state, due, answer (on time or not), verdict, decision. */
function presentRectification(t: RequestDetail["tasks"][number]) {
  if (t.rectification === null || t.rectificationDueAt === null) return null;
  const due = new Date(t.rectificationDueAt);
  const answeredAt = t.rectificationAnsweredAt ? new Date(t.rectificationAnsweredAt) : null;
  return {
    state: t.rectification,
    label: RECTIFICATION_STATE_LABELS[t.rectification],
    dueAt: due.toISOString(),
    answer: t.rectificationAnswer,
    answeredAt: answeredAt?.toISOString() ?? null,
    onTime: answeredAt ? answeredAt.getTime() <= due.getTime() : null,
    disputeReason: t.rectificationVerdictComment,
    decision: t.rectificationDecision,
    decisionLabel: t.rectificationDecision ? DISPUTE_DECISION_LABELS[t.rectificationDecision] : null,
    decisionComment: t.rectificationDecisionComment,
  };
}

/**
 * A line of a department's inbox. The lists hold only what the viewer may open (the visibility rule is in their
 * SQL), so nothing here is masked or filtered.
 */
export function presentInboxItem(
  t: { id: number; number: string; title: string; category: string | null; state: TaskState; dueAt: Date; role: string; fromCode: string; fromName: string } & LightRow,
  clock: LightClock,
) {
  return {
    taskId: t.id,
    number: t.number,
    title: t.title,
    state: t.state,
    role: t.role as "lead" | "supporting",
    category: t.category,
    dueAt: new Date(t.dueAt).toISOString(),
    ...presentLight(t, clock),
    fromDepartment: { code: t.fromCode, name: t.fromName },
  };
}

/** A page of a department's inbox. */
export function presentInboxPage(page: { items: Array<Parameters<typeof presentInboxItem>[0]>; next: string | null }, clock: LightClock) {
  return { items: page.items.map((t) => presentInboxItem(t, clock)), next: page.next };
}

/** A line of 部门发件 / 我发起的: requests the viewer's department (or the viewer) raised. */
export function presentRequestItem(
  r: { number: string; title: string; status: string; priority: string; category: string | null; dueAt: Date; createdAt: Date; closedAt?: Date | null },
  clock: LightClock,
) {
  return {
    number: r.number,
    title: r.title,
    status: r.status as TaskState,
    priority: r.priority as Priority,
    category: r.category,
    dueAt: new Date(r.dueAt).toISOString(),
    ...lightOnly(presentLight({ state: r.status, dueAt: r.dueAt, completedAt: r.closedAt ?? null }, clock)),
    createdAt: new Date(r.createdAt).toISOString(),
  };
}

/** A request as the supervisors' search lists it: the list item, its 密级, who raised it and who handles it. */
export function presentSearchItem(
  r: Parameters<typeof presentRequestItem>[0] & { classification: string },
  parties: { from: { code: string; name: string }; targets: Array<{ code: string; name: string }> },
  clock: LightClock,
) {
  return {
    ...presentRequestItem(r, clock),
    classification: r.classification as Classification,
    fromDepartment: parties.from,
    departments: parties.targets,
  };
}
