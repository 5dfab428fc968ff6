import { settleNumber } from "../db/repositories/numbering";
import { assertTransition, deriveRequestStatus, isOpenState, TRANSITIONS, type TaskAction } from "../domain/taskTransitions";
import { DomainError, TASK_STATE_LABELS, type TaskState } from "../domain/types";
import { appendAudit, requestChain } from "../db/repositories/audit";
import { ratingFlags } from "../db/repositories/evaluations";
import { findDepartmentById } from "../db/repositories/org";
import { enqueueMessages, type OutgoingMessage } from "../db/repositories/outbox";
import { closeSupervision } from "../db/repositories/supervisions";
import { acceptDeadline, ruleOf } from "./escalationPolicy";
import { inboundCardKey, refreshInboundCard } from "./notifications";
import type { RequestRow, TaskRow, TaskUpdate } from "../db/tables";
import { actorName, actorUserId } from "../policies/actor";
import { actingAs, authorize, can, canView } from "../policies/task";
import type { CommandContext, Deps } from "./context";

/**
 * How a person names a task: by its id (mini-app, cards) or by the request number (chat), plus the
 * department when a joint request has several tasks the person could mean.
 */
export type TaskRef = { taskId: number } | { requestNumber: string; departmentCode?: string | undefined };

export interface LockedTask {
  request: RequestRow;
  task: TaskRow;
  /** "X（代 Y）" when the actor acted as a deputy (代理) */
  actedAs?: string;
  /** every task of the request, locked, `task` included */
  tasks: TaskRow[];
}

export const NUMBER_EXAMPLE = "XT-2026-000001";

/**
 * Finds the task and locks its request and all of the request's tasks (always in that order, so two
 * commands never deadlock). Everything read after this is current until commit.
 */
export async function lockTask(ctx: CommandContext, ref: TaskRef, action: TaskAction): Promise<LockedTask> {
  const { trx } = ctx;
  let requestId: number;
  if ("taskId" in ref) {
    const t = await trx.selectFrom("tasks").select("requestId").where("id", "=", ref.taskId).executeTakeFirst();
    if (!t) throw new DomainError("not_found", TASK_NOT_FOUND(ref.taskId));
    requestId = t.requestId;
  } else {
    requestId = (await lockRequestByNumber(ctx, ref.requestNumber)).id;
  }
  const { request, tasks } = await lockRequest(ctx, requestId, "taskId" in ref ? ref : undefined);
  const picked = "taskId" in ref ? tasks.find((t) => t.id === ref.taskId)! : await pickTask(ctx, request, tasks, ref, action);
  // A completed task's rating, 整改 and 申诉 are flags the transition table's guards read (the evaluator looks
  // its rating up itself, to name who rated).
  const task = picked.state === "completed" && action !== "evaluate" ? { ...picked, ...(await ratingFlags(trx, picked.id)) } : picked;
  const locked = { request, task, tasks };
  await assertMayAct(ctx, locked, action);
  return locked;
}

/**
 * The checks every task command makes before it looks at its input, in this order: may the actor's role take
 * the action (the refusal names the role needed), then does the task's state allow it (naming who moved it
 * there), then the table's guards. Commands check their own rules (lead/supporting order, limits) after this.
 */
export async function assertMayAct(ctx: CommandContext, locked: LockedTask, action: TaskAction): Promise<void> {
  const { request, task } = locked;
  authorize(ctx.actor, action, { request, task }, request.number);
  // A deputy allowed only through a delegation acts as the delegator, named "X（代 Y）", from here to commit.
  const acting = actingAs(ctx.actor, action, { request, task });
  if (acting) {
    ctx.actor = acting;
    locked.actedAs = acting.name;
  }
  try {
    assertTransition(action, task.state, task);
  } catch (err) {
    throw await withWhoDidIt(ctx, task, action, err);
  }
}

/** The answer for a request that does not exist and for one the person may not see: the same, so nothing leaks. */
function notFound(number: string): DomainError {
  return new DomainError("not_found", `找不到编号为 ${number} 的协同事项，或您无权查看。`, { example: `/查询 ${NUMBER_EXAMPLE}` });
}

export async function lockRequestByNumber(ctx: CommandContext, number: string): Promise<RequestRow> {
  const normalized = number.trim().toUpperCase();
  const r = await ctx.trx.selectFrom("requests").selectAll().where("number", "=", normalized).executeTakeFirst();
  if (!r) throw notFound(number);
  return r;
}

const TASK_NOT_FOUND = (id: number) => `找不到任务 ${id}，或您无权查看。`;

/** Locks a request and its tasks; a person who may not see it is told it is not found (jobs and tokens see all). */
export async function lockRequest(ctx: CommandContext, requestId: number, ref?: { taskId: number }): Promise<{ request: RequestRow; tasks: TaskRow[] }> {
  await settleNumber(ctx.trx); // a request created in this transaction is read with its number
  const request = await ctx.trx.selectFrom("requests").selectAll().where("id", "=", requestId).forUpdate().executeTakeFirstOrThrow();
  const tasks = await ctx.trx.selectFrom("tasks").selectAll().where("requestId", "=", requestId).orderBy("id").forUpdate().execute();
  if (ctx.actor.kind === "user" && !canView(ctx.actor, request, tasks)) {
    throw ref ? new DomainError("not_found", TASK_NOT_FOUND(ref.taskId)) : notFound(request.number);
  }
  return { request, tasks };
}

/** In a joint request, the task the actor can act on; asks which department when that is not clear. */
async function pickTask(
  ctx: CommandContext,
  request: RequestRow,
  tasks: TaskRow[],
  ref: { departmentCode?: string | undefined },
  action: TaskAction,
): Promise<TaskRow> {
  let candidates = tasks;
  if (ref.departmentCode) {
    const dept = await ctx.trx.selectFrom("departments").select("id").where("code", "=", ref.departmentCode).executeTakeFirst();
    candidates = tasks.filter((t) => t.departmentId === dept?.id);
    if (candidates.length === 0) throw new DomainError("not_found", `协同事项 ${request.number} 没有发给该部门的任务。`);
  }
  if (candidates.length === 1) return candidates[0]!;
  const subject = (t: TaskRow) => ({ request, task: t });
  const allowed = candidates.filter((t) => can(ctx.actor, action, subject(t)));
  const inState = allowed.filter((t) => TRANSITIONS[action].from.includes(t.state));
  if (inState.length === 1) return inState[0]!;
  if (allowed.length === 1) return allowed[0]!;
  if (allowed.length === 0) return candidates.find((t) => t.role === "lead") ?? candidates[0]!;
  const names = await ctx.trx
    .selectFrom("departments")
    .select(["name", "aliases"])
    .where("id", "in", (inState.length > 0 ? inState : allowed).map((t) => t.departmentId))
    .execute();
  const first = names[0];
  throw new DomainError(
    "ambiguous_task",
    `协同事项 ${request.number} 有多个承办部门（${names.map((n) => n.name).join("、")}），请指明是哪个部门的任务。`,
    { example: `/${TRANSITIONS[action].label} ${request.number} @${first?.aliases[0] ?? first?.name ?? "部门"}` },
  );
}

export interface TransitionSpec {
  action: TaskAction;
  /** defaults to the table's `to` (null = unchanged) */
  to?: TaskState;
  patch?: Omit<TaskUpdate, "state" | "updatedAt">;
  data?: Record<string, unknown>;
  /** what to tell whom, built from the task and request as they are after the change */
  messages?: (moved: TaskRow, request: RequestRow) => Promise<OutgoingMessage[]>;
  /** skip the policy check (the caller checked something stricter or different) */
  authorized?: boolean;
}

/**
 * The one way a task changes: checks the transition table and the policy, writes the task, re-derives the
 * request's status, appends the audit record and queues the messages, all in the caller's transaction.
 */
export async function applyTransition(deps: Deps, ctx: CommandContext, locked: LockedTask, spec: TransitionSpec): Promise<TaskRow> {
  const { request, task } = locked;
  const at = deps.now();
  if (!spec.authorized) authorize(ctx.actor, spec.action, { request, task }, request.number);
  try {
    assertTransition(spec.action, task.state, task);
  } catch (err) {
    throw await withWhoDidIt(ctx, task, spec.action, err);
  }
  const to = spec.to ?? TRANSITIONS[spec.action].to ?? task.state;
  // Reaching a department's inbox (approved, transferred, resubmitted) starts its 签收时限 clock.
  const clockPatch: TaskUpdate =
    to === "pending_accept" && (task.state !== to || spec.action === "transfer")
      ? { acceptDueAt: await acceptDeadline(ctx.trx, deps, { ...(await ruleOf(ctx.trx, task.ruleId)), priority: request.priority, dueAt: new Date(task.dueAt), at }) }
      : {};
  // Done late is red for good, even when no sweep saw it overdue.
  if (to === "completed" && at.getTime() > new Date(task.dueAt).getTime()) clockPatch.everRed = true;
  const updated = await ctx.trx
    .updateTable("tasks")
    .set({ ...spec.patch, ...clockPatch, state: to, updatedAt: at })
    .where("id", "=", task.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  locked.tasks = locked.tasks.map((t) => (t.id === updated.id ? updated : t));
  locked.task = updated;
  await refreshRequestStatus(ctx, locked, at);
  await appendAudit(ctx.trx, {
    chain: requestChain(request.id),
    requestId: request.id,
    taskId: task.id,
    actorId: actorUserId(ctx.actor),
    actorName: actorName(ctx.actor),
    action: spec.action,
    fromState: task.state,
    toState: to,
    data: { ...spec.data, ...(await departmentsOfStep(ctx, task, updated)) },
    at,
  });
  if ((to === "completed" || to === "cancelled") && task.state !== to) await closeOpenSupervision(ctx, updated, TRANSITIONS[spec.action].label, at);
  const messages = spec.messages ? await spec.messages(updated, locked.request) : [];
  // The cards departments were shown follow the task (inboxes this change re-announces it to are skipped).
  if (to !== task.state || updated.departmentId !== task.departmentId) {
    const announced = messages.filter((m) => m.cardKey === inboundCardKey(task.id)).map((m) => m.to);
    const note = `${actorName(ctx.actor)} ${TRANSITIONS[spec.action].label}`;
    messages.push(...(await refreshInboundCard(ctx.trx, locked.request, updated, note, announced)));
  }
  await enqueueMessages(ctx.trx, messages, at);
  return updated;
}

/** 销号: a task done (办结, 确认办结) or cancelled closes its open 督办 in the same transaction, audited. */
async function closeOpenSupervision(ctx: CommandContext, task: TaskRow, reason: string, at: Date): Promise<void> {
  const closed = await closeSupervision(ctx.trx, task.id, at, reason);
  if (!closed) return;
  await appendAudit(ctx.trx, {
    chain: requestChain(task.requestId),
    requestId: task.requestId,
    taskId: task.id,
    actorId: actorUserId(ctx.actor),
    actorName: actorName(ctx.actor),
    action: "supervision.close",
    fromState: task.state,
    toState: task.state,
    data: { label: "督办已销号", reason, supervisionId: closed.id },
    at,
  });
}

/**
 * The department the task was with when the step was taken (and the one it moved to, for 转办 and 指定), as
 * named then: the trail shows each entry as it was, whatever the task's department and names become later.
 */
async function departmentsOfStep(ctx: CommandContext, before: TaskRow, after: TaskRow): Promise<Record<string, string>> {
  const from = await findDepartmentById(ctx.trx, before.departmentId);
  if (after.departmentId === before.departmentId) return { departmentCode: from.code, departmentName: from.name };
  const to = await findDepartmentById(ctx.trx, after.departmentId);
  return { departmentCode: from.code, departmentName: from.name, toDepartmentCode: to.code, toDepartmentName: to.name };
}

export async function refreshRequestStatus(ctx: CommandContext, locked: LockedTask, at: Date): Promise<void> {
  const status = deriveRequestStatus(locked.tasks.map((t) => t.state));
  const closed = !locked.tasks.some((t) => isOpenState(t.state)) && status !== "returned";
  // The request is due when its last task is (a 补正 pause moves a task's deadline).
  const dueAt = new Date(Math.max(...locked.tasks.map((t) => new Date(t.dueAt).getTime())));
  locked.request = await ctx.trx
    .updateTable("requests")
    .set({ status, dueAt, updatedAt: at, closedAt: closed ? (locked.request.closedAt ?? at) : null })
    .where("id", "=", locked.request.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

const STAYING_ACTIONS = (Object.keys(TRANSITIONS) as TaskAction[]).filter((a) => TRANSITIONS[a].to === null);

/** Turns a bare "wrong state" refusal into "already done by X" when someone else just moved the task. */
async function withWhoDidIt(ctx: CommandContext, task: TaskRow, attempted: TaskAction, err: unknown): Promise<unknown> {
  if (!(err instanceof DomainError) || err.code !== "invalid_state") return err;
  const last = await ctx.trx
    .selectFrom("auditEvents")
    .select(["actorName", "action", "createdAt"])
    .where("taskId", "=", task.id)
    .where("toState", "=", task.state)
    // Who moved it, not who last urged or commented on it where it stands.
    .where("action", "not in", STAYING_ACTIONS)
    .orderBy("seq", "desc")
    .limit(1)
    .executeTakeFirst();
  if (!last) return err;
  const label = TRANSITIONS[last.action as TaskAction]?.label ?? last.action;
  const done = `该任务已由 ${last.actorName} ${label}，当前状态为「${TASK_STATE_LABELS[task.state]}」`;
  return new DomainError("already_done", last.action === attempted ? `${done}，无需重复操作。` : `${done}。${err.message}`);
}
