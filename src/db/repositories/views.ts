import type { AppealState, DisputeDecision, RectificationState } from "../../domain/rectification";
import type { TaskFlags } from "../../domain/taskTransitions";
import { sql, type ExpressionBuilder } from "kysely";
import { DUE_SOON_MS, OPEN_TASK_STATES, type TaskState } from "../../domain/types";
import { departmentsOf, hasDepartmentRole, hasGlobalRole, type Actor } from "../../policies/actor";
import { canView, viewerScope } from "../../policies/visibility";
import type { Executor } from "../client";
import { visibleTo } from "./visibility";

// Read models the chat and the mini-app show. Visibility is decided by the one rule (src/policies/visibility.ts):
// `canView` for a loaded request, `visibleTo` in the SQL of every list, never here.

export interface RequestDetail {
  id: number;
  number: string;
  title: string;
  body: string;
  status: string;
  classification: string;
  priority: string;
  dueAt: Date;
  createdAt: Date;
  requesterName: string;
  fromDepartmentName: string;
  requesterId: number;
  fromDepartmentId: number;
  /** every 延期申请 on the request's tasks, oldest first */
  extensions: Array<{
    id: number;
    taskId: number;
    state: "pending" | "approved" | "refused";
    previousDueAt: Date;
    requestedDueAt: Date;
    grantedDueAt: Date | null;
    reason: string;
    decisionComment: string | null;
    createdAt: Date;
    decidedAt: Date | null;
  }>;
  tasks: Array<
    {
      id: number;
      departmentId: number;
      departmentCode: string;
      departmentName: string;
      assigneeId: number | null;
      role: string;
      state: TaskState;
      dueAt: Date;
      assigneeName: string | null;
      result: string | null;
      evaluationScore: number | null;
      evaluationComment: string | null;
      /** 整改 item opened by a 差评, and the rating's 申诉 (null: none) */
      rectification: RectificationState | null;
      rectificationDueAt: Date | null;
      rectificationAnswer: string | null;
      rectificationAnsweredAt: Date | null;
      rectificationVerdictComment: string | null;
      rectificationDecision: DisputeDecision | null;
      rectificationDecisionComment: string | null;
      appeal: AppealState | null;
      appealReason: string | null;
      appealDecisionComment: string | null;
      evaluationExcludedAt: Date | null;
      /** 延期: the deadline first committed, and how many extensions were granted */
      originalDueAt: Date;
      extensionCount: number;
      acceptDueAt: Date | null;
      dueSoonAt: Date | null;
      everRed: boolean;
      pausedAt: Date | null;
      completedAt: Date | null;
    } & TaskFlags
  >;
}

/** A request with its tasks, or null when it does not exist or the actor may not see it (both look the same). */
export async function requestDetail(db: Executor, actor: Actor, number: string): Promise<RequestDetail | null> {
  const r = await db
    .selectFrom("requests")
    .innerJoin("users", "users.id", "requests.requesterId")
    .innerJoin("departments", "departments.id", "requests.fromDepartmentId")
    .selectAll("requests")
    .select(["users.name as requesterName", "departments.name as fromDepartmentName"])
    .where("number", "=", number.trim().toUpperCase())
    .executeTakeFirst();
  if (!r) return null;
  const tasks = await db
    .selectFrom("tasks")
    .innerJoin("departments", "departments.id", "tasks.departmentId")
    .leftJoin("users", "users.id", "tasks.assigneeId")
    .leftJoin("evaluations", "evaluations.taskId", "tasks.id")
    .leftJoin("rectifications", "rectifications.taskId", "tasks.id")
    .select([
      "evaluations.score as evaluationScore",
      "evaluations.comment as evaluationComment",
      "evaluations.appealState as appeal",
      "evaluations.appealReason",
      "evaluations.appealDecisionComment",
      "evaluations.excludedAt as evaluationExcludedAt",
      "rectifications.state as rectification",
      "rectifications.dueAt as rectificationDueAt",
      "rectifications.answer as rectificationAnswer",
      "rectifications.answeredAt as rectificationAnsweredAt",
      "rectifications.verdictComment as rectificationVerdictComment",
      "rectifications.decision as rectificationDecision",
      "rectifications.decisionComment as rectificationDecisionComment",
      "tasks.id",
      "tasks.departmentId",
      "tasks.assigneeId",
      "tasks.role",
      "tasks.state",
      "tasks.dueAt",
      "tasks.result",
      "tasks.reviewPending",
      "tasks.arbitrationPending",
      "tasks.arbitrated",
      "tasks.transferCount",
      "tasks.acceptDueAt",
      "tasks.dueSoonAt",
      "tasks.everRed",
      "tasks.pausedAt",
      "tasks.completedAt",
      "tasks.originalDueAt",
      "tasks.extensionCount",
      "departments.code as departmentCode",
      "departments.name as departmentName",
      "users.name as assigneeName",
    ])
    .where("tasks.requestId", "=", r.id)
    .orderBy("tasks.role")
    .orderBy("tasks.id")
    .execute();
  if (!canView(actor, r, tasks)) return null;
  const extensions = tasks.length
    ? await db
        .selectFrom("taskExtensions")
        .select(["id", "taskId", "state", "previousDueAt", "requestedDueAt", "grantedDueAt", "reason", "decisionComment", "createdAt", "decidedAt"])
        .where("taskId", "in", tasks.map((t) => t.id))
        .orderBy("id")
        .execute()
    : [];
  return {
    extensions,
    id: r.id,
    number: r.number,
    title: r.title,
    body: r.body,
    status: r.status,
    classification: r.classification,
    priority: r.priority,
    dueAt: r.dueAt,
    createdAt: r.createdAt,
    requesterName: r.requesterName,
    fromDepartmentName: r.fromDepartmentName,
    requesterId: r.requesterId,
    fromDepartmentId: r.fromDepartmentId,
    tasks,
  };
}

export interface ListedItem {
  taskId?: number;
  number: string;
  title: string;
  classification: string;
  state: string;
  dueAt: Date;
  departmentName: string;
  /** the submitted result (待确认办结) */
  result?: string | null;
  acceptDueAt?: Date | null;
  dueSoonAt?: Date | null;
  everRed?: boolean;
  pausedAt?: Date | null;
  completedAt?: Date | null;
}

const LIST_LIMIT = 10;

/** /我的: my open requests, and open tasks assigned to me. */
export async function myOpenItems(db: Executor, actor: Actor) {
  if (actor.kind !== "user") return { requests: [], tasks: [] };
  const userId = actor.id;
  const requests = await db
    .selectFrom("requests")
    .innerJoin("departments", "departments.id", "requests.fromDepartmentId")
    .select(["number", "title", "classification", "status as state", "dueAt", "departments.name as departmentName"])
    .where("requesterId", "=", userId)
    .where("closedAt", "is", null)
    .where(visibleTo(actor))
    .orderBy("requests.id", "desc")
    .limit(LIST_LIMIT)
    .execute();
  const tasks = await db
    .selectFrom("tasks")
    .innerJoin("requests", "requests.id", "tasks.requestId")
    .innerJoin("departments", "departments.id", "tasks.departmentId")
    .select(["requests.number", "requests.title", "requests.classification", "tasks.state", "tasks.dueAt", "departments.name as departmentName"])
    .select(["tasks.acceptDueAt", "tasks.dueSoonAt", "tasks.everRed", "tasks.pausedAt", "tasks.completedAt"])
    .where("assigneeId", "=", userId)
    .where("tasks.state", "in", [...OPEN_TASK_STATES])
    .where(visibleTo(actor))
    .orderBy("tasks.dueAt")
    .orderBy("tasks.id")
    .limit(LIST_LIMIT)
    .execute();
  return { requests: requests as ListedItem[], tasks: tasks as ListedItem[] };
}

type PendingWork = Record<
  "approvals" | "toAccept" | "toAssign" | "toHandle" | "toConfirm" | "toSupply" | "toRectify" | "toConfirmRectification" | "toDecide",
  ListedItem[]
>;

/**
 * /待办: what waits for this person — approvals, tasks to accept, to assign a handler to, to handle, material to
 * supply — and, for a deputy (代理), what waits for each person they stand in for (within the delegation's category).
 */
export async function pendingWorkFor(db: Executor, actor: Actor, limit = LIST_LIMIT): Promise<PendingWork> {
  const own = await ownPendingWork(db, actor, limit, null);
  if (actor.kind !== "user" || !actor.deputyFor?.length) return own;
  for (const d of actor.deputyFor) {
    const theirs = await ownPendingWork(db, d.delegator, limit, d.category);
    for (const key of Object.keys(own) as Array<keyof PendingWork>) {
      own[key] = [...own[key], ...theirs[key].filter((t) => !own[key].some((o) => o.taskId === t.taskId))];
    }
  }
  return own;
}

async function ownPendingWork(db: Executor, actor: Actor, limit: number, category: string | null): Promise<PendingWork> {
  if (actor.kind !== "user") return { approvals: [], toAccept: [], toAssign: [], toHandle: [], toConfirm: [], toSupply: [], toRectify: [], toConfirmRectification: [], toDecide: [] };
  const depts = departmentsOf(actor);
  const headOf = depts.filter((d) => hasDepartmentRole(actor, "head", d));
  const officeOf = depts.filter((d) => hasDepartmentRole(actor, "head", d) || hasDepartmentRole(actor, "dispatcher", d));
  const base = () =>
    db
      .selectFrom("tasks")
      .innerJoin("requests", "requests.id", "tasks.requestId")
      .innerJoin("departments", "departments.id", "tasks.departmentId")
      .select(["tasks.id as taskId", "requests.number", "requests.title", "requests.classification", "tasks.state", "tasks.dueAt", "departments.name as departmentName"])
      .select(["tasks.acceptDueAt", "tasks.dueSoonAt", "tasks.everRed", "tasks.pausedAt", "tasks.completedAt", "tasks.result"])
      .where(visibleTo(actor))
      .$if(category !== null, (q) => q.where("requests.category", "=", category!))
      // equal deadlines in the order raised: without the tie-break the order was the plan's, and changed with it
      .orderBy("tasks.dueAt")
      .orderBy("tasks.id")
      .limit(limit);
  const approvals = headOf.length
    ? await base().where("requests.fromDepartmentId", "in", headOf).where("tasks.state", "=", "pending_approval").execute()
    : [];
  const toAccept = officeOf.length ? await base().where("tasks.departmentId", "in", officeOf).where("tasks.state", "=", "pending_accept").execute() : [];
  // Mine, and — where I am a handler — those accepted without naming anyone (any handler may take them up).
  const handlerOf = depts.filter((d) => hasDepartmentRole(actor, "handler", d));
  const toHandle = await base()
    .where("tasks.state", "=", "in_progress")
    // A result submitted for review waits for the head (toConfirm), not for the handler.
    .where("tasks.reviewPending", "=", false)
    .where((eb) =>
      handlerOf.length > 0
        ? eb.or([eb("tasks.assigneeId", "=", actor.id), eb.and([eb("tasks.assigneeId", "is", null), eb("tasks.departmentId", "in", handlerOf)])])
        : eb("tasks.assigneeId", "=", actor.id),
    )
    .execute();
  // 待确认办结: results the department's handlers submitted, waiting for this head to confirm or send back.
  const toConfirm = headOf.length
    ? await base().where("tasks.departmentId", "in", headOf).where("tasks.state", "=", "in_progress").where("tasks.reviewPending", "=", true).execute()
    : [];
  const toSupply = await base().where("requests.requesterId", "=", actor.id).where("tasks.state", "=", "awaiting_info").execute();
  // 待分办: accepted by the office without naming a handler.
  const toAssign = officeOf.length
    ? await base().where("tasks.departmentId", "in", officeOf).where("tasks.state", "=", "in_progress").where("tasks.assigneeId", "is", null).execute()
    : [];
  // 整改: open items of my department (head, dispatcher), answers waiting for my verdict (requester), and for
  // supervisors the disputes and appeals to decide. Each line's due is the 整改's own.
  const followUps = () =>
    db
      .selectFrom("tasks")
      .innerJoin("requests", "requests.id", "tasks.requestId")
      .innerJoin("departments", "departments.id", "tasks.departmentId")
      .innerJoin("evaluations", "evaluations.taskId", "tasks.id")
      .leftJoin("rectifications", "rectifications.taskId", "tasks.id")
      .select(["tasks.id as taskId", "requests.number", "requests.title", "requests.classification", "tasks.state", "departments.name as departmentName"])
      .select((eb) => eb.fn.coalesce("rectifications.dueAt", "tasks.dueAt").as("dueAt"))
      .select(["tasks.acceptDueAt", "tasks.dueSoonAt", "tasks.everRed", "tasks.pausedAt", "tasks.completedAt", "tasks.result"])
      .where(visibleTo(actor))
      .$if(category !== null, (q) => q.where("requests.category", "=", category!))
      .orderBy("tasks.id")
      .limit(limit);
  const toRectify = officeOf.length ? await followUps().where("rectifications.state", "=", "open").where("tasks.departmentId", "in", officeOf).execute() : [];
  const toConfirmRectification = await followUps().where("rectifications.state", "=", "answered").where("requests.requesterId", "=", actor.id).execute();
  const toDecide = hasGlobalRole(actor, "supervisor")
    ? await followUps()
        .where((eb) => eb.or([eb("rectifications.state", "=", "disputed"), eb("evaluations.appealState", "=", "pending")]))
        .execute()
    : [];
  return { approvals: dedupe(approvals), toAccept, toAssign, toHandle, toConfirm, toSupply, toRectify, toConfirmRectification, toDecide } as PendingWork;
}

/** The requesting and target departments of listed requests (targets lead first), for lists that name them. */
export async function requestParties(db: Executor, requests: ReadonlyArray<{ id: number; fromDepartmentId: number }>) {
  const ids = requests.map((r) => r.id);
  if (ids.length === 0) return new Map<number, { from: { code: string; name: string }; targets: Array<{ code: string; name: string }> }>();
  const targets = await db
    .selectFrom("tasks")
    .innerJoin("departments", "departments.id", "tasks.departmentId")
    .select(["tasks.requestId", "departments.code", "departments.name"])
    .where("tasks.requestId", "in", ids)
    .orderBy("tasks.requestId")
    .orderBy("tasks.role")
    .orderBy("tasks.id")
    .execute();
  const origins = await db
    .selectFrom("departments")
    .select(["id", "code", "name"])
    .where("id", "in", [...new Set(requests.map((r) => r.fromDepartmentId))])
    .execute();
  const originOf = new Map(origins.map((d) => [d.id, { code: d.code, name: d.name }]));
  return new Map(
    requests.map((r) => [
      r.id,
      { from: originOf.get(r.fromDepartmentId)!, targets: targets.filter((t) => t.requestId === r.id).map((t) => ({ code: t.code, name: t.name })) },
    ]),
  );
}

/** A joint request waiting for approval has several tasks; it is one approval. */
function dedupe<T extends { number: string }>(rows: T[]): T[] {
  const seen = new Set<string>();
  return rows.filter((r) => (seen.has(r.number) ? false : (seen.add(r.number), true)));
}

/**
 * The trail of a request as people read it: who did what, when, from which state to which, and the comments.
 * Each entry is shown from what it recorded, never from the task as it is now (a 转办 later must not move an
 * earlier 审批同意 to the new department). For entries older than the recorded department names, the
 * department codes the trail recorded (发起's targets, 转办's from and to) are named here.
 */
export async function requestTimeline(db: Executor, requestId: number) {
  const events = await db
    .selectFrom("auditEvents")
    .select(["seq", "action", "actorName", "fromState", "toState", "data", "createdAt", "taskId"])
    .where("chain", "=", `request:${requestId}`)
    .orderBy("seq")
    .execute();
  const taskIds = (await db.selectFrom("tasks").select("id").where("requestId", "=", requestId).orderBy("id").execute()).map((t) => t.id);
  const codes = new Set<string>();
  for (const e of events) {
    const d = e.data as Record<string, unknown>;
    for (const v of [d.fromDepartment, d.toDepartment, d.department, ...(Array.isArray(d.targets) ? d.targets : [])]) if (typeof v === "string") codes.add(v);
  }
  const named = codes.size ? await db.selectFrom("departments").select(["code", "name"]).where("code", "in", [...codes]).execute() : [];
  const departmentNames = Object.fromEntries(named.map((d) => [d.code, d.name]));
  const comments = await db
    .selectFrom("comments")
    .innerJoin("users", "users.id", "comments.authorId")
    .select(["comments.id", "comments.kind", "comments.body", "comments.createdAt", "users.name as authorName"])
    .where("requestId", "=", requestId)
    .orderBy("comments.id")
    .execute();
  return { events, comments, taskIds, departmentNames };
}

/**
 * 晾晒 board: open and overdue tasks for every (requesting department, target department) pair. `departmentIds`
 * limits it to pairs touching those departments (null = everything, for supervisors). Counts only what the
 * viewer may open, so a cell's figures agree with the tasks the cell lists.
 */
export async function boardCounts(db: Executor, viewer: Actor, now: Date, departmentIds: number[] | null, opts: { scan?: boolean } = {}) {
  // Kept counts when every task the board would count is one the viewer may open: a supervisor's whole board, or a
  // head's pairs (sent to a department they head: its office sees it; sent from it: its head sees it).
  const s = viewerScope(viewer);
  const seesAll = s.everything || (departmentIds !== null && departmentIds.every((d) => s.headOf.includes(d) && s.officeOf.includes(d)));
  if (!opts.scan && seesAll) return keptBoard(db, now, departmentIds);
  const open = [...OPEN_TASK_STATES];
  const pairs = (q: typeof db) =>
    q
      .selectFrom("tasks")
      .innerJoin("requests", "requests.id", "tasks.requestId")
      .select(["tasks.fromDepartmentId as fromId", "tasks.departmentId as toId", "tasks.dueAt", "tasks.dueSoonAt", "tasks.state"])
      .where("tasks.state", "in", open)
      .where(visibleTo(viewer));
  // Touching my departments = sent to them, plus sent from them to others: two disjoint parts, each able to use
  // its own index (an OR across the two tables could not; see test/bench/RESULTS-lists.md).
  const scoped =
    departmentIds === null
      ? pairs(db)
      : pairs(db)
          .where("tasks.departmentId", "in", departmentIds)
          .unionAll(pairs(db).where("tasks.fromDepartmentId", "in", departmentIds).where("tasks.departmentId", "not in", departmentIds));
  return db
    .selectFrom(scoped.as("x"))
    .innerJoin("departments as origin", "origin.id", "x.fromId")
    .innerJoin("departments as target", "target.id", "x.toId")
    .select((eb) => [
      "origin.code as fromCode",
      "origin.name as fromName",
      "target.code as toCode",
      "target.name as toName",
      eb.fn.countAll<string>().as("open"),
      // Paused for 补正 is never overdue: its clock stands still.
      eb.fn.countAll<string>().filterWhere((f) => f.and([f("x.dueAt", "<", now), f("x.state", "<>", "awaiting_info")])).as("overdue"),
      // 临期 (yellow): not yet due, its reminder window open (the policy's, else the last day), clock running.
      eb.fn
        .countAll<string>()
        .filterWhere((f) =>
          f.and([
            f("x.dueAt", ">=", now),
            f("x.state", "<>", "awaiting_info"),
            f(sql<Date>`coalesce(${sql.ref("x.dueSoonAt")}, ${sql.ref("x.dueAt")} - ${`${DUE_SOON_MS / 1000} seconds`}::interval)`, "<=", now),
          ]),
        )
        .as("dueSoon"),
    ])
    .groupBy(["origin.code", "origin.name", "target.code", "target.name"])
    .orderBy("origin.code")
    .orderBy("target.code")
    .execute();
}

/** 临期 starts here: the policy's reminder window when the sweep armed it, else the last day before the deadline. */
const dueSoonStart = sql<Date>`coalesce(${sql.ref("dueSoonAt")}, ${sql.ref("dueAt")} - ${`${DUE_SOON_MS / 1000} seconds`}::interval)`;

/**
 * The board from kept figures, for a viewer who may open every task it counts (see boardCounts): open counts from
 * board_counts (kept by triggers on tasks in the same transaction as every change, with how many of them run);
 * red = running − not yet due, and 临期, from the short not-yet-due range of tasks_running_due_idx. No task row is read. `departmentIds` limits it to
 * pairs touching those departments (null = all). Same figures as the general query above
 * (test/integration/boardCounts.test.ts).
 */
async function keptBoard(db: Executor, now: Date, departmentIds: number[] | null) {
  const touching = (eb: ExpressionBuilder<any, any>, t: string) =>
    departmentIds === null ? sql<boolean>`true` : eb.or([eb(`${t}.departmentId`, "in", departmentIds), eb(`${t}.fromDepartmentId`, "in", departmentIds)]);
  // Not yet due: a short range of tasks_running_due_idx. Red = running − not yet due.
  const late = db
    .selectFrom("tasks")
    .select((eb) => [
      "departmentId",
      "fromDepartmentId",
      eb.fn.countAll<string>().as("notDue"),
      eb.fn.countAll<string>().filterWhere(dueSoonStart, "<=", now).as("dueSoon"),
    ])
    .where("state", "in", ["pending_approval", "pending_accept", "in_progress"])
    .where("dueAt", ">=", now)
    .where((eb) => touching(eb, "tasks"))
    .groupBy(["departmentId", "fromDepartmentId"]);
  return db
    .selectFrom("boardCounts as b")
    .innerJoin("departments as origin", "origin.id", "b.fromDepartmentId")
    .innerJoin("departments as target", "target.id", "b.departmentId")
    .leftJoin(late.as("l"), (j) => j.onRef("l.departmentId", "=", "b.departmentId").onRef("l.fromDepartmentId", "=", "b.fromDepartmentId"))
    .select((eb) => [
      "origin.code as fromCode",
      "origin.name as fromName",
      "target.code as toCode",
      "target.name as toName",
      sql<string>`${sql.ref("b.open")}::bigint`.as("open"),
      sql<string>`(${sql.ref("b.running")} - coalesce(${sql.ref("l.notDue")}, 0))::bigint`.as("overdue"),
      eb.fn.coalesce("l.dueSoon", sql<string>`0`).as("dueSoon"),
    ])
    .where("b.open", ">", 0)
    .where((eb) => touching(eb, "b"))
    .orderBy("origin.code")
    .orderBy("target.code")
    .execute();
}
