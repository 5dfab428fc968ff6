import { DEFAULT_DEADLINE_SETTINGS } from "../domain/calendar";
import { TASK_STATE_LABELS, PRIORITY_LABELS } from "../domain/types";
import { presentLight } from "../presenters/light";
import { loadWorkCalendar } from "./calendarLoader";
import type { Executor } from "../db/client";
import { findDepartmentById, findUserName, loadUserActor, usersWithRole } from "../db/repositories/org";
import { deputiesOf } from "../db/repositories/delegations";
import type { OutgoingMessage } from "../db/repositories/outbox";
import type { RequestRow, TaskRow } from "../db/tables";
import { canView } from "../policies/visibility";

type To = OutgoingMessage["to"];

/**
 * Builds the outbox messages commands queue. The payload is platform-neutral: the bot's chat presenters
 * turn each topic into a card or text. Sensitive requests carry no body text, not even the title, and reach only
 * people who may open them (see `viewersAmong`).
 */
export async function messageFor(
  db: Executor,
  topic: string,
  to: To[],
  request: RequestRow,
  task: TaskRow | null,
  extra: { text: string; cardKey?: string } & Record<string, unknown>,
): Promise<OutgoingMessage[]> {
  const dept = task ? await findDepartmentById(db, task.departmentId) : null;
  const from = await findDepartmentById(db, request.fromDepartmentId);
  const requester = { name: await findUserName(db, request.requesterId) };
  const { cardKey, ...rest } = extra;
  const sensitive = request.classification === "sensitive";
  to = await withDeputies(db, to, request, new Date((task ?? request).updatedAt));
  if (sensitive) to = await viewersAmong(db, request, to);
  const payload = {
    requestId: request.id,
    number: request.number,
    title: chatTitle(request),
    body: sensitive ? null : request.body,
    sensitive,
    fromDepartmentName: from.name,
    requesterName: requester.name,
    priority: request.priority,
    priorityLabel: PRIORITY_LABELS[request.priority],
    ...(task
      ? {
          taskId: task.id,
          departmentName: dept?.name,
          taskRole: task.role,
          state: task.state,
          stateLabel: TASK_STATE_LABELS[task.state],
          dueAt: new Date(task.dueAt).toISOString(),
          ...(await taskLight(db, task)),
          // 延期: task cards show the first deadline once it moved
          ...(task.extensionCount > 0 ? { originalDueAt: new Date(task.originalDueAt).toISOString(), extensionCount: task.extensionCount } : {}),
        }
      : { state: request.status, dueAt: new Date(request.dueAt).toISOString() }),
    ...rest,
  };
  return to.map((r) => ({
    topic,
    to: r,
    payload,
    cardKey: cardKey ?? null,
    requestId: request.id,
    taskId: task?.id ?? null,
  }));
}

/**
 * What reaches a person who delegates (代理) also reaches their deputy in force at the change (`at`, the changed
 * row's updatedAt on the injectable clock), for a delegation covering the request's category.
 */
async function withDeputies(db: Executor, to: To[], request: RequestRow, at: Date): Promise<To[]> {
  const openIds = to.filter((r) => r.type === "open_id").map((r) => r.id);
  if (openIds.length === 0) return to;
  const people = await db.selectFrom("users").select("id").where("openId", "in", openIds).execute();
  const deputies = await deputiesOf(db, people.map((p) => p.id), at, request.category);
  const extra = deputies.filter((d) => !to.some((r) => r.type === "open_id" && r.id === d.openId));
  return [...to, ...[...new Set(extra.map((d) => d.openId))].map((id) => ({ type: "open_id" as const, id }))];
}

/**
 * A sensitive request's number reaches only those who may open it (src/policies/visibility.ts): a department's
 * work group becomes that department's dispatchers and heads in private chat (a group holds everyone in the
 * department), and each person is kept only when the rule lets them see the request as it is now. A group
 * xietong cannot map to a department is dropped, since who reads it is unknown.
 */
export async function viewersAmong(db: Executor, request: RequestRow, to: To[]): Promise<To[]> {
  const tasks = await db.selectFrom("tasks").select(["departmentId", "assigneeId"]).where("requestId", "=", request.id).execute();
  const people: string[] = [];
  for (const r of to) {
    if (r.type === "open_id") {
      people.push(r.id);
      continue;
    }
    const dept = await db.selectFrom("departments").select("id").where("chatId", "=", r.id).executeTakeFirst();
    if (dept) people.push(...(await usersWithRole(db, dept.id, ["dispatcher", "head"])).map((p) => p.openId));
  }
  const kept: To[] = [];
  for (const openId of new Set(people)) {
    const actor = await loadUserActor(db, { openId });
    if (actor && canView(actor, request, tasks)) kept.push({ type: "open_id", id: openId });
  }
  return kept;
}

/**
 * The light as of the change being announced (the task's updatedAt is that moment, on the injectable clock).
 * Chat payloads carry no configuration, so the offices' default time zone counts the working days.
 */
async function taskLight(db: Executor, task: TaskRow) {
  const clock = { now: new Date(task.updatedAt), cal: await loadWorkCalendar(db), settings: DEFAULT_DEADLINE_SETTINGS };
  return presentLight(task, clock);
}

export async function userRecipient(db: Executor, userId: number): Promise<To> {
  const u = await db.selectFrom("users").select("openId").where("id", "=", userId).executeTakeFirstOrThrow();
  return { type: "open_id", id: u.openId };
}

/** A department's inbox: its work group when it has one, else each dispatcher and head in private chat. */
export async function departmentRecipients(db: Executor, departmentId: number): Promise<To[]> {
  const dept = await findDepartmentById(db, departmentId);
  if (dept.chatId) return [{ type: "chat_id", id: dept.chatId }];
  return peopleRecipients(db, departmentId, ["dispatcher", "head"]);
}

export async function peopleRecipients(db: Executor, departmentId: number | null, roles: string[]): Promise<To[]> {
  const people = await usersWithRole(db, departmentId, roles);
  return people.map((p) => ({ type: "open_id" as const, id: p.openId }));
}

/** Announces a task to its department's inbox with the card that later state changes patch. */
export async function announceTask(db: Executor, request: RequestRow, task: TaskRow, text: string): Promise<OutgoingMessage[]> {
  return messageFor(db, "task.announced", await departmentRecipients(db, task.departmentId), request, task, {
    text,
    cardKey: inboundCardKey(task.id),
  });
}

export function inboundCardKey(taskId: number): string {
  return `task:${taskId}:inbound`;
}

/** The title as chat may show it: sensitive requests show no body text, so not even its first sentence. */
export function chatTitle(request: Pick<RequestRow, "title" | "classification" | "number">): string {
  return request.classification === "sensitive" ? `涉密事项 ${request.number}（请在小程序中查看）` : request.title;
}

/**
 * After a task changes, the card its department was shown is brought up to date (patched, not re-sent):
 * the same recipients, the same cardKey, the task as it is now.
 */
export async function refreshInboundCard(
  db: Executor,
  request: RequestRow,
  task: TaskRow,
  note: string,
  skip: ReadonlyArray<To> = [],
): Promise<OutgoingMessage[]> {
  const key = inboundCardKey(task.id);
  const same = (a: To, b: To) => a.type === b.type && a.id === b.id;
  const shown = (await db.selectFrom("outbox").select(["recipientType", "recipientId"]).distinct().where("cardKey", "=", key).execute())
    .map((r) => ({ type: r.recipientType, id: r.recipientId }))
    .filter((r) => !skip.some((x) => same(x, r)));
  if (shown.length === 0) return [];
  // Inboxes the task has left (transferred away) see what happened, with no buttons.
  const inbox = await departmentRecipients(db, task.departmentId);
  const current = request.classification === "sensitive" ? await viewersAmong(db, request, inbox) : inbox;
  const mine = shown.filter((r) => current.some((c) => same(c, r)));
  const former = shown.filter((r) => !current.some((c) => same(c, r)));
  return [
    ...(mine.length ? await messageFor(db, "task.card", mine, request, task, { text: note, cardKey: key }) : []),
    ...(former.length ? await messageFor(db, "task.card", former, request, task, { text: note, cardKey: key, readOnly: true }) : []),
  ];
}
