import { sql } from "kysely";
import type { Light } from "../../domain/trafficLight";
import { DomainError, DUE_SOON_MS, type TaskState } from "../../domain/types";
import { OPEN_TASK_STATES } from "../../domain/types";
import type { Actor } from "../../policies/actor";
import type { ExpressionBuilder } from "kysely";
import type { Executor } from "../client";
import type { Database } from "../tables";
import { visibleTo } from "./visibility";

// The lists people work from. Each is keyset-paginated (a cursor, never OFFSET) and has an index made for it
// in the initial migration; test/bench/explain.ts shows the plans on 100,000 requests.

export interface Page<T> {
  items: T[];
  /** pass back to get the next page; null on the last page */
  next: string | null;
}

const PAGE_MAX = 100;

/** The filters 部门收件 and 部门发件 share. */
export interface ListFilters {
  /** who is looking: the list holds only what they may open (src/policies/visibility.ts) */
  viewer: Actor;
  /** only items due before this instant (overdue: now; due soon: now + the reminder window) */
  dueBefore?: Date;
  /** only items due at or after this instant (due soon excludes the overdue) */
  dueAfter?: Date;
  /** leave out what is paused for 补正: its clock stands still, so it is never overdue */
  runningOnly?: boolean;
  category?: string;
  /** a fragment of the title or body, or a request number */
  text?: string;
  /** only requests raised at or after / before these instants (事项检索's date range) */
  createdFrom?: Date;
  createdBefore?: Date;
  /** only requests whose 红黄绿灯 is this one now (as presentRequestItem shows it) */
  light?: { light: Light; now: Date };
  /** the previous page's `next` */
  cursor?: string | null;
  limit?: number;
}

/** 部门收件: a department's tasks in the given states, earliest deadline first. Cursor = "dueAt|id". */
export async function inboundTasks(
  db: Executor,
  q: ListFilters & { departmentId: number; states: readonly TaskState[]; fromDepartmentId?: number },
) {
  const limit = Math.min(q.limit ?? 20, PAGE_MAX);
  const after = decodeCursor(q.cursor, "dueAt");
  const rows = await db
    .selectFrom("tasks")
    .innerJoin("requests", "requests.id", "tasks.requestId")
    .innerJoin("departments as origin", "origin.id", "requests.fromDepartmentId")
    .select([
      "tasks.id",
      "tasks.requestId",
      "tasks.state",
      "tasks.dueAt",
      "tasks.assigneeId",
      "tasks.role",
      "tasks.acceptDueAt",
      "tasks.dueSoonAt",
      "tasks.everRed",
      "tasks.pausedAt",
      "tasks.completedAt",
      "requests.number",
      "requests.title",
      "requests.category",
      "requests.classification",
      "requests.requesterId",
      "requests.fromDepartmentId",
      "origin.code as fromCode",
      "origin.name as fromName",
    ])
    .where("tasks.departmentId", "=", q.departmentId)
    .where("tasks.state", "in", q.states as TaskState[])
    .where(visibleTo(q.viewer, { tasksOfDepartment: q.departmentId }))
    // On the task's own copy, so tasks_dept_from_due_idx finds the page in deadline order without the requests.
    .$if(q.fromDepartmentId !== undefined, (qb) => qb.where("tasks.fromDepartmentId", "=", q.fromDepartmentId!))
    .$if(q.dueBefore !== undefined, (qb) => qb.where("tasks.dueAt", "<", q.dueBefore!))
    .$if(!!q.runningOnly, (qb) => qb.where("tasks.state", "<>", "awaiting_info"))
    .$if(q.dueAfter !== undefined, (qb) => qb.where("tasks.dueAt", ">=", q.dueAfter!))
    .$if(!!q.category, (qb) => qb.where("requests.category", "=", q.category!))
    .$if(!!q.text, (qb) =>
      looksLikeNumber(q.text!)
        ? qb.where("requests.number", "=", q.text!.trim().toUpperCase())
        : qb.where((eb) => eb.or([eb("requests.title", "ilike", likeFragment(q.text!)), eb("requests.body", "ilike", likeFragment(q.text!))])),
    )
    // A row comparison, so the (department_id, due_at, id) index scan starts right after the cursor.
    .$if(after !== null, (qb) => qb.where((eb) => eb(eb.refTuple("tasks.dueAt", "tasks.id"), ">", eb.tuple(new Date(after!.key), after!.id))))
    .orderBy("tasks.dueAt")
    .orderBy("tasks.id")
    .limit(limit + 1)
    .execute();
  return page(rows, limit, (r) => [new Date(r.dueAt).toISOString(), r.id]);
}

/** 部门发件 / 我发起的: requests from a department (or by one person), newest first. Cursor = "id". */
export async function outboundRequests(
  db: Executor,
  q: ListFilters & {
    departmentId?: number;
    requesterId?: number;
    /** request statuses (derived from its tasks); all when omitted */
    states?: readonly TaskState[];
    /** only requests with a task for this department */
    toDepartmentId?: number;
  },
) {
  const limit = Math.min(q.limit ?? 20, PAGE_MAX);
  const after = decodeCursor(q.cursor, "none");
  const rows = await db
    .selectFrom("requests")
    .select(["id", "number", "title", "status", "dueAt", "createdAt", "classification", "requesterId", "fromDepartmentId", "category", "priority", "closedAt"])
    .where(visibleTo(q.viewer))
    .$if(q.departmentId !== undefined, (qb) => qb.where("fromDepartmentId", "=", q.departmentId!))
    .$if(q.requesterId !== undefined, (qb) => qb.where("requesterId", "=", q.requesterId!))
    .$if(q.states !== undefined, (qb) => qb.where("status", "in", q.states as TaskState[]))
    .$if(q.toDepartmentId !== undefined, (qb) =>
      qb.where((eb) => eb.exists(eb.selectFrom("tasks").select("tasks.id").whereRef("tasks.requestId", "=", "requests.id").where("tasks.departmentId", "=", q.toDepartmentId!))),
    )
    .$if(q.dueBefore !== undefined, (qb) => qb.where("dueAt", "<", q.dueBefore!))
    .$if(!!q.runningOnly, (qb) => qb.where("status", "<>", "awaiting_info"))
    .$if(q.dueAfter !== undefined, (qb) => qb.where("dueAt", ">=", q.dueAfter!))
    .$if(q.createdFrom !== undefined, (qb) => qb.where("createdAt", ">=", q.createdFrom!))
    .$if(q.createdBefore !== undefined, (qb) => qb.where("createdAt", "<", q.createdBefore!))
    .$if(q.light !== undefined, (qb) => qb.where(requestLightIs(q.light!.light, q.light!.now)))
    .$if(!!q.category, (qb) => qb.where("category", "=", q.category!))
    .$if(!!q.text, (qb) =>
      looksLikeNumber(q.text!)
        ? qb.where("number", "=", q.text!.trim().toUpperCase())
        : qb.where((eb) => eb.or([eb("title", "ilike", likeFragment(q.text!)), eb("body", "ilike", likeFragment(q.text!))])),
    )
    .$if(after !== null, (qb) => qb.where("id", "<", after!.id))
    .orderBy("id", "desc")
    .limit(limit + 1)
    .execute();
  return page(rows, limit, (r) => ["", r.id]);
}

/**
 * A request's 红黄绿灯 in SQL, the same as src/domain/trafficLight.ts gives for the request's own status and
 * deadline (presentRequestItem): red = running past its deadline, or closed after it; yellow = within the last
 * day before it, or paused for 补正 with the deadline near or past; green = the rest.
 */
function requestLightIs(light: Light, now: Date) {
  const soon = new Date(now.getTime() + DUE_SOON_MS);
  return (eb: ExpressionBuilder<Database, "requests">) => {
    const running = eb("status", "in", ["pending_approval", "pending_accept", "in_progress", "partially_completed"] as never[]);
    const red = eb.or([
      eb.and([running, eb("dueAt", "<", now)]),
      eb.and([eb("status", "=", "completed"), eb(sql<Date>`coalesce(${sql.ref("closedAt")}, ${now})`, ">", sql.ref<Date>("dueAt"))]),
    ]);
    const yellow = eb.or([
      eb.and([running, eb("dueAt", ">=", now), eb("dueAt", "<=", soon)]),
      eb.and([eb("status", "=", "awaiting_info"), eb("dueAt", "<=", soon)]),
    ]);
    if (light === "red") return red;
    if (light === "yellow") return yellow;
    return eb.not(eb.or([red, yellow]));
  };
}

/** A request number (XT-2026-000123) is looked up by its index, not searched for in titles. */
function looksLikeNumber(text: string): boolean {
  return /^[A-Za-z]+-\d{4}-\d+$/.test(text.trim());
}

/** `%fragment%` for ILIKE, with the fragment's own wildcards taken literally. */
function likeFragment(text: string): string {
  return `%${text.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
}

/** 我的任务: open tasks assigned to a person, earliest deadline first. */
export async function assignedOpenTasks(db: Executor, assigneeId: number, limit = 50) {
  return db
    .selectFrom("tasks")
    .select(["id", "requestId", "state", "dueAt", "departmentId"])
    .where("assigneeId", "=", assigneeId)
    .where("state", "in", [...OPEN_TASK_STATES])
    .orderBy("dueAt")
    .orderBy("id")
    .limit(Math.min(limit, PAGE_MAX))
    .execute();
}

/** Deadline sweep: open tasks due before `until` (overdue, or within the reminder window). */
export async function openTasksDueBefore(db: Executor, until: Date, limit = 500) {
  return db
    .selectFrom("tasks")
    .select(["id", "requestId", "departmentId", "state", "dueAt", "assigneeId"])
    .where("state", "in", [...OPEN_TASK_STATES])
    .where("dueAt", "<", until)
    .orderBy("dueAt")
    .orderBy("id")
    .limit(limit)
    .execute();
}

export function page<T>(rows: T[], limit: number, keyOf: (r: T) => [string, number]): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, next: rows.length > limit && last ? encodeCursor(...keyOf(last)) : null };
}

function encodeCursor(key: string, id: number): string {
  return Buffer.from(`${key}|${id}`).toString("base64url");
}

const ID_MAX = 2_147_483_647;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * Only what `encodeCursor` wrote is accepted: re-encoding gives the same text, the id is a PostgreSQL integer,
 * and the key is what this list sorts by (an instant as toISOString writes it, or nothing). Anything else is
 * answered "invalid cursor" rather than reaching the database.
 */
export function decodeCursor(cursor: string | null | undefined, key: "dueAt" | "none"): { key: string; id: number } | null {
  if (!cursor) return null;
  const text = Buffer.from(cursor, "base64url").toString();
  const [k, id, ...rest] = text.split("|");
  const n = Number(id);
  const keyOk = key === "none" ? k === "" : k !== undefined && ISO_INSTANT.test(k) && !Number.isNaN(Date.parse(k)) && new Date(k).toISOString() === k;
  const canonical = Buffer.from(text).toString("base64url") === cursor && String(n) === id;
  if (!canonical || !keyOk || rest.length > 0 || !Number.isInteger(n) || n < 1 || n > ID_MAX) {
    throw new DomainError("invalid_cursor", "翻页参数 cursor 无效：请原样使用上一页返回的 next 值，或去掉 cursor 从第一页开始。", {
      example: "cursor=<上一页应答中的 next>",
    });
  }
  return { key: k!, id: n };
}
