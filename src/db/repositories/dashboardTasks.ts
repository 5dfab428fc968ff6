import { sql, type ExpressionBuilder } from "kysely";
import type { FigureSide } from "../../domain/dashboardFigures";
import type { Actor } from "../../policies/actor";
import type { Executor } from "../client";
import type { Database } from "../tables";
import { visibleTo } from "./visibility";

// The tasks behind a 晾晒 figure: the same conditions as src/db/repositories/dashboardRollups.ts counts with, as a
// list, so that a number and the tasks it opens agree. Every row carries whether the viewer may open its request
// (src/policies/visibility.ts): titles of sensitive requests are hidden from the others, the rows still count.

export const FIGURE_TASK_KINDS = [
  "volume",
  "acceptCount",
  "acceptLate",
  "completed",
  "completeLateOriginal",
  "completeLateCommitted",
  "open",
  "red",
  "everRed",
  "returns",
  "transfers",
  "supervisions",
  "ratings",
  "badRatings",
  "rectifications",
  "rectificationsLate",
] as const;
export type FigureTaskKind = (typeof FIGURE_TASK_KINDS)[number];

export interface FigureTaskFilter {
  kind: FigureTaskKind;
  side: FigureSide;
  department: { id: number; code: string };
  /** [from, to): the period's instants, `to` no later than now */
  from: Date;
  to: Date;
  now: Date;
  offset: number;
  limit: number;
}

export interface FigureTaskRow {
  taskId: number;
  number: string;
  title: string;
  classification: string;
  visible: boolean;
  state: string;
  fromCode: string;
  fromName: string;
  toCode: string;
  toName: string;
  createdAt: Date;
  acceptDueAt: Date | null;
  acceptedAt: Date | null;
  originalDueAt: Date;
  dueAt: Date;
  completedAt: Date | null;
  everRed: boolean;
  score: number | null;
  at: Date;
}

const OPEN = ["pending_approval", "pending_accept", "in_progress", "awaiting_info"] as const;

export async function figureTasks(db: Executor, viewer: Actor, f: FigureTaskFilter): Promise<FigureTaskRow[]> {
  const visible = visibleTo(viewer);
  let q = db
    .selectFrom("tasks as t")
    .innerJoin("requests", "requests.id", "t.requestId")
    .innerJoin("departments as fd", "fd.id", "requests.fromDepartmentId")
    .innerJoin("departments as td", "td.id", "t.departmentId")
    .leftJoin(sql<{ taskId: number; score: number; createdAt: Date }>`(select task_id, score, created_at from evaluations where excluded_at is null)`.as("ev"), "ev.taskId", "t.id")
    .select([
      "t.id as taskId",
      "requests.number",
      "requests.title",
      "requests.classification",
      "t.state",
      "fd.code as fromCode",
      "fd.name as fromName",
      "td.code as toCode",
      "td.name as toName",
      "t.createdAt",
      "t.acceptDueAt",
      "t.acceptedAt",
      "t.originalDueAt",
      "t.dueAt",
      "t.completedAt",
      "t.everRed",
      "ev.score",
    ])
    .select((eb) => sql<boolean>`(${visible(eb as unknown as ExpressionBuilder<Database, "requests">)})`.as("visible"));
  const k = f.kind;
  // Which department a row belongs to: the one that handles it, or the one that sent it; a transfer belongs to the
  // department that handed it on (recorded in the event).
  if (f.side === "requester") q = q.where("requests.fromDepartmentId", "=", f.department.id);
  else if (k !== "transfers" && k !== "rectifications" && k !== "rectificationsLate") q = q.where("t.departmentId", "=", f.department.id);
  const inRange = (col: string) => sql<boolean>`${sql.ref(col)} >= ${f.from} and ${sql.ref(col)} < ${f.to}`;

  let rows;
  if (k === "returns" || k === "transfers") {
    let e = q
      .innerJoin("auditEvents as ae", "ae.taskId", "t.id")
      .select("ae.createdAt as at")
      .where("ae.action", "=", k === "returns" ? "return" : "transfer")
      .where(inRange("ae.createdAt"));
    if (k === "transfers" && f.side === "target") e = e.where(sql<boolean>`ae.data->>'fromDepartment' = ${f.department.code}`);
    rows = await e.orderBy("ae.createdAt").orderBy("ae.id").offset(f.offset).limit(f.limit).execute();
  } else if (k === "supervisions") {
    rows = await q.innerJoin("supervisions as s", "s.taskId", "t.id").select("s.openedAt as at").where(inRange("s.openedAt")).orderBy("s.openedAt").orderBy("s.id").offset(f.offset).limit(f.limit).execute();
  } else if (k === "rectifications" || k === "rectificationsLate") {
    let r = q.innerJoin("rectifications as rc", "rc.taskId", "t.id").select("rc.dueAt as at").where(inRange("rc.dueAt"));
    if (f.side === "target") r = r.where("rc.departmentId", "=", f.department.id);
    if (k === "rectificationsLate") r = r.where(sql<boolean>`(rc.answered_at is null or rc.answered_at > rc.due_at)`);
    rows = await r.orderBy("rc.dueAt").orderBy("rc.id").offset(f.offset).limit(f.limit).execute();
  } else if (k === "ratings" || k === "badRatings") {
    let r = q.select(sql<Date>`ev.created_at`.as("at")).where(inRange("ev.createdAt"));
    if (k === "badRatings") r = r.where("ev.score", "<=", 2);
    rows = await r.orderBy(sql`ev.created_at`).orderBy("t.id").offset(f.offset).limit(f.limit).execute();
  } else if (k === "open" || k === "red") {
    let r = q.select("t.dueAt as at").where("t.state", "in", [...OPEN]);
    if (k === "red") r = r.where("t.dueAt", "<", f.now).where("t.state", "<>", "awaiting_info");
    rows = await r.orderBy("t.dueAt").orderBy("t.id").offset(f.offset).limit(f.limit).execute();
  } else if (k === "volume") {
    rows = await q
      .select("t.createdAt as at")
      .where(inRange("t.createdAt"))
      .where("t.state", "not in", ["pending_approval", "rejected"])
      .orderBy("t.createdAt")
      .orderBy("t.id")
      .offset(f.offset)
      .limit(f.limit)
      .execute();
  } else if (k === "acceptCount" || k === "acceptLate") {
    let r = q.select(sql<Date>`t.accepted_at`.as("at")).where(inRange("t.acceptedAt"));
    if (k === "acceptLate") r = r.where(sql<boolean>`t.accept_due_at is not null and t.accepted_at > t.accept_due_at`);
    rows = await r.orderBy("t.acceptedAt").orderBy("t.id").offset(f.offset).limit(f.limit).execute();
  } else {
    let r = q.select(sql<Date>`t.completed_at`.as("at")).where(inRange("t.completedAt")).where("t.state", "=", "completed");
    if (k === "completeLateOriginal") r = r.where(sql<boolean>`t.completed_at > t.original_due_at`);
    if (k === "completeLateCommitted") r = r.where(sql<boolean>`t.completed_at > t.due_at`);
    if (k === "everRed") r = r.where("t.everRed", "=", true);
    rows = await r.orderBy("t.completedAt").orderBy("t.id").offset(f.offset).limit(f.limit).execute();
  }
  return rows.map((r) => ({ ...r, visible: Boolean(r.visible), score: r.score === null || r.score === undefined ? null : Number(r.score), at: new Date(r.at as Date) }) as FigureTaskRow);
}
