import { whichRequestCard } from "../presenters/chatFileCard";
import type { Deps } from "../../src/commands/context";
import type { Executor } from "../../src/db/client";
import { EVALUATION_LABELS, TASK_STATE_LABELS, PRIORITY_LABELS, type TaskState } from "../../src/domain/types";
import type { OutboxRow } from "../../src/db/tables";
import { loadLightClock } from "../../src/commands/escalationPolicy";
import { presentLight } from "../../src/presenters/light";
import { departmentResults } from "../../src/commands/taskCompleter";
import type { CardRenderer } from "../core/dispatch";
import type { BotReply } from "../core/types";
import { approvalCard, completionCard, deadlineNoticeCard, extensionCard, handlerCard, rectificationCard, reviewCard, supervisionCard, taskCard, type CardFiles, type RectificationView, type TaskView } from "../presenters/cards";
import { rectificationCardKey, rectificationPayload } from "../../src/commands/rectificationNotices";

export interface RenderedMessage {
  msgType: "text" | "interactive";
  /** the JSON string the platform's `content` field takes */
  content: string;
  /** reply to this message instead of sending a new one */
  replyTo: string | null;
}

const asCard = (card: Record<string, unknown>) => ({ msgType: "interactive" as const, content: JSON.stringify(card), replyTo: null });
const asText = (text: string) => ({ msgType: "text" as const, content: JSON.stringify({ text }), replyTo: null });

/** Topics whose card shows the request's 附件 (count, link, the result's names): read when the card is sent. */
export const CARD_FILE_TOPICS: ReadonlySet<string> = new Set(["task.announced", "task.card", "task.completed", "task.completion_card", "task.assigned", "task.sent_back", "task.review_requested"]);

/** A request's files as a card shows them, as they are now; a sensitive request's names never leave the database. */
export async function cardFilesOf(db: Executor, requestId: number, publicUrl: string | undefined): Promise<CardFiles> {
  const request = await db.selectFrom("requests").select(["number", "classification"]).where("id", "=", requestId).executeTakeFirstOrThrow();
  const files = await db.selectFrom("attachments").select(["name", "attachedTo"]).where("requestId", "=", requestId).orderBy("id").execute();
  return {
    count: files.length,
    resultNames: request.classification === "sensitive" ? [] : files.filter((f) => f.attachedTo === "completion").map((f) => f.name),
    pageUrl: publicUrl ? `${publicUrl}/app/#r/${request.number}` : null,
  };
}

/** An outbox row as the platform message it becomes. Payloads were shaped by src/commands/notifications.ts. */
export function renderOutboxMessage(row: OutboxRow, files?: CardFiles): RenderedMessage {
  const p: Record<string, any> = { ...(row.payload as Record<string, any>), ...(files ? { files } : {}) };
  switch (row.topic) {
    case "bot.reply": {
      const reply = p.reply as BotReply;
      const r = "card" in reply ? asCard(reply.card) : asText(reply.text);
      return { ...r, replyTo: (p.replyTo as string | undefined) ?? null };
    }
    case "task.announced":
    case "task.card":
      return asCard(taskCard(taskViewOf(p, row.topic)));
    case "request.approval_requested":
    case "request.approval_card":
      return asCard(approvalCard({ ...taskViewOf(p, row.topic), targets: p.targets ?? [], decidedBy: p.decidedBy ?? null }));
    case "task.completed":
    case "task.completion_card":
      return asCard(
        completionCard({ ...taskViewOf(p, row.topic), result: p.result ?? "", supportingResults: p.supportingResults ?? [], rating: p.rating ?? null }),
      );
    case "task.supervised":
    case "task.reopened":
      return asCard(
        supervisionCard({
          reopened: row.topic === "task.reopened",
          number: p.number,
          title: p.title,
          departmentName: p.departmentName ?? "",
          instruction: p.instruction ?? p.text,
          supervisor: p.supervisor ?? "",
          dueAt: p.dueAt,
          lightText: p.lightText,
        }),
      );
    case "task.assigned":
    case "task.sent_back":
      return asCard(handlerCard({ ...taskViewOf(p, row.topic), text: p.text ?? null }));
    case "task.review_requested":
      return asCard(reviewCard({ ...taskViewOf(p, row.topic), result: p.result ?? "", reviewPending: true, submittedBy: p.submittedBy ?? null }));
    case "rectification.opened":
    case "rectification.answered":
    case "rectification.card":
      return asCard(rectificationCard(rectificationViewOf(p, row.cardKey === rectificationCardKey(p.taskId))));
    case "task.extension_requested":
      return asCard(
        extensionCard({
          number: p.number,
          title: p.title,
          taskId: p.taskId,
          extensionId: p.extensionId,
          departmentName: p.departmentName ?? "",
          sensitive: Boolean(p.sensitive),
          previousDueAt: p.previousDueAt,
          requestedDueAt: p.requestedDueAt,
          reason: p.reason ?? null,
          state: "pending",
        }),
      );
    case "audit.checkpoint":
    case "calendar.missing_year":
    case "delegation.set":
    case "org.handover":
    case "org.sync":
      return asText(p.text);
    case "chatfile.which_request":
      return { ...asCard(whichRequestCard({ file: p.file, choices: p.choices ?? [], owner: p.owner })), replyTo: (p.replyTo as string | undefined) ?? null };
    case "deadline.notice":
    case "bulletin.monthly":
      return asCard(deadlineNoticeCard({ title: p.title, supervise: Boolean(p.supervise), lines: (p.items as Array<{ line: string }>).map((i) => i.line) }));
    default:
      return asText(`【${p.number}】${p.title}\n${p.text}`);
  }
}

function rectificationViewOf(p: Record<string, any>, forRequester: boolean): RectificationView {
  return {
    number: p.number,
    title: p.title,
    taskId: p.taskId,
    departmentName: p.departmentName ?? "",
    sensitive: Boolean(p.sensitive),
    score: p.score,
    label: p.label,
    comment: p.comment ?? null,
    rectificationDueAt: p.rectificationDueAt,
    rectificationState: p.rectificationState ?? "open",
    rectificationStateLabel: p.rectificationStateLabel ?? "待整改",
    answer: p.answer ?? null,
    onTime: p.onTime ?? null,
    verdictComment: p.verdictComment ?? null,
    decisionLabel: p.decisionLabel ?? null,
    decisionComment: p.decisionComment ?? null,
    forRequester,
  };
}

function taskViewOf(p: Record<string, any>, topic: string): TaskView {
  return {
    requestId: p.requestId,
    number: p.number,
    title: p.title,
    sensitive: Boolean(p.sensitive),
    body: p.body ?? null,
    priorityLabel: p.priorityLabel,
    taskId: p.taskId,
    departmentName: p.departmentName ?? "",
    taskRole: p.taskRole ?? "lead",
    state: p.state,
    stateLabel: p.stateLabel ?? TASK_STATE_LABELS[p.state as TaskState] ?? p.state,
    dueAt: p.dueAt,
    acceptDueAt: p.acceptDueAt ?? null,
    ...(p.light ? { light: p.light, lightText: p.lightText } : {}),
    fromDepartmentName: p.fromDepartmentName,
    requesterName: p.requesterName,
    note: topic === "task.card" ? p.text : null,
    readOnly: Boolean(p.readOnly),
    originalDueAt: p.originalDueAt ?? null,
    extensionCount: p.extensionCount ?? 0,
    ...(p.files ? { files: p.files as CardFiles } : {}),
  };
}

/** Cards as they are now, from the database: what a click answers with. */
export function createCardRenderer(deps: Deps): CardRenderer {
  const db = deps.db.kysely;
  async function view(taskId: number) {
    const t = await db
      .selectFrom("tasks")
      .innerJoin("requests", "requests.id", "tasks.requestId")
      .innerJoin("departments as target", "target.id", "tasks.departmentId")
      .innerJoin("departments as origin", "origin.id", "requests.fromDepartmentId")
      .innerJoin("users", "users.id", "requests.requesterId")
      .select([
        "tasks.id as taskId",
        "tasks.state",
        "tasks.role",
        "tasks.dueAt",
        "tasks.result",
        "tasks.acceptDueAt",
        "tasks.dueSoonAt",
        "tasks.everRed",
        "tasks.pausedAt",
        "tasks.completedAt",
        "tasks.reviewPending",
        "tasks.originalDueAt",
        "tasks.extensionCount",
        "requests.id as requestId",
        "requests.number",
        "requests.title",
        "requests.body",
        "requests.classification",
        "requests.priority",
        "target.name as departmentName",
        "origin.name as fromDepartmentName",
        "users.name as requesterName",
      ])
      .where("tasks.id", "=", taskId)
      .executeTakeFirstOrThrow();
    const sensitive = t.classification === "sensitive";
    const v: TaskView = {
      requestId: t.requestId,
      number: t.number,
      title: sensitive ? `涉密事项 ${t.number}（请在小程序中查看）` : t.title,
      sensitive,
      body: sensitive ? null : t.body,
      priorityLabel: PRIORITY_LABELS[t.priority],
      taskId: t.taskId,
      departmentName: t.departmentName,
      taskRole: t.role,
      state: t.state,
      stateLabel: TASK_STATE_LABELS[t.state],
      dueAt: new Date(t.dueAt).toISOString(),
      ...presentLight(t, await loadLightClock(db, deps)),
      fromDepartmentName: t.fromDepartmentName,
      requesterName: t.requesterName,
      originalDueAt: new Date(t.originalDueAt).toISOString(),
      extensionCount: t.extensionCount,
      files: await cardFilesOf(db, t.requestId, deps.config.publicUrl),
    };
    return { v, result: t.result, reviewPending: t.reviewPending };
  }
  /** The latest of these steps on the task: who took it and what they wrote. */
  async function lastStep(taskId: number, actions: string[]) {
    return db
      .selectFrom("auditEvents")
      .select(["actorName", "action", "data"])
      .where("taskId", "=", taskId)
      .where("action", "in", actions)
      .orderBy("seq", "desc")
      .executeTakeFirst();
  }
  return {
    async task(taskId, opts) {
      const { v } = await view(taskId);
      return taskCard({ ...v, readOnly: opts?.readOnly ?? false });
    },
    async approval(requestId) {
      const tasks = await db
        .selectFrom("tasks")
        .innerJoin("departments", "departments.id", "tasks.departmentId")
        .select(["tasks.id", "departments.name"])
        .where("requestId", "=", requestId)
        .orderBy("tasks.id")
        .execute();
      const { v } = await view(tasks[0]!.id);
      const decided = await db
        .selectFrom("auditEvents")
        .select("actorName")
        .where("requestId", "=", requestId)
        .where("action", "in", ["approve", "reject"])
        .orderBy("seq", "desc")
        .executeTakeFirst();
      return approvalCard({ ...v, targets: tasks.map((t) => t.name), decidedBy: decided?.actorName ?? null });
    },
    async handler(taskId) {
      const { v, reviewPending } = await view(taskId);
      return handlerCard({ ...v, reviewPending });
    },
    async review(taskId) {
      const { v, result, reviewPending } = await view(taskId);
      const submitted = await lastStep(taskId, ["complete"]);
      const decided = reviewPending ? undefined : await lastStep(taskId, ["confirmCompletion", "sendBack"]);
      const comment = (decided?.data as { comment?: string | null } | undefined)?.comment;
      const decision = decided
        ? `${decided.action === "sendBack" ? "已退回重办" : "已确认办结"}（${decided.actorName}）${comment && !v.sensitive ? `：${comment}` : ""}`
        : null;
      const rejected = (decided?.data as { rejectedResult?: string } | undefined)?.rejectedResult;
      return reviewCard({ ...v, result: result ?? rejected ?? "", reviewPending, submittedBy: submitted?.actorName ?? null, decision });
    },
    async completion(taskId) {
      const { v, result } = await view(taskId);
      const e = await db.selectFrom("evaluations").select(["score", "comment"]).where("taskId", "=", taskId).executeTakeFirst();
      // The merged answer stays whole when the card is re-rendered after a rating.
      const tasks = await db.selectFrom("tasks").selectAll().where("requestId", "=", v.requestId).orderBy("id").execute();
      const supportingResults = v.taskRole === "lead" ? await departmentResults(db, tasks, taskId) : [];
      return completionCard({ ...v, result: result ?? "", supportingResults, rating: e ? { score: e.score, label: EVALUATION_LABELS[e.score]!, comment: e.comment } : null });
    },
    async rectification(taskId) {
      const { v } = await view(taskId);
      const request = await db.selectFrom("requests").selectAll().where("id", "=", v.requestId).executeTakeFirstOrThrow();
      const item = await db.selectFrom("rectifications").selectAll().where("taskId", "=", taskId).executeTakeFirstOrThrow();
      return rectificationCard({ ...v, ...(await rectificationPayload(db, request, item)), forRequester: true });
    },
    async extension(taskId, extensionId) {
      const { v } = await view(taskId);
      const e = await db
        .selectFrom("taskExtensions")
        .leftJoin("users", "users.id", "taskExtensions.decidedBy")
        .select(["taskExtensions.previousDueAt", "taskExtensions.requestedDueAt", "taskExtensions.reason", "taskExtensions.state", "taskExtensions.grantedDueAt", "taskExtensions.decisionComment", "users.name as decidedBy"])
        .where("taskExtensions.id", "=", extensionId)
        .where("taskExtensions.taskId", "=", taskId)
        .executeTakeFirstOrThrow();
      const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);
      return extensionCard({
        number: v.number,
        title: v.title,
        taskId,
        extensionId,
        departmentName: v.departmentName,
        sensitive: v.sensitive,
        previousDueAt: iso(e.previousDueAt)!,
        requestedDueAt: iso(e.requestedDueAt)!,
        reason: v.sensitive ? null : e.reason,
        state: e.state,
        decidedBy: e.decidedBy,
        grantedDueAt: iso(e.grantedDueAt),
        decisionComment: v.sensitive ? null : e.decisionComment,
      });
    },
  };
}
