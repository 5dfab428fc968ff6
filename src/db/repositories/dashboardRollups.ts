import { sql } from "kysely";
import { localDate, type DeadlineSettings, type WorkCalendar } from "../../domain/calendar";
import { addDays, workingHoursBetween, type FigureSide } from "../../domain/dashboardFigures";
import { localInstant, type WorkingHours } from "../../domain/workingHours";
import type { Executor } from "../client";
import { COUNTED_EVALUATIONS } from "./evaluations";

// 晾晒 figures that add up over days, per local day, department and side; counted from the tasks, the audit trail,
// 督办, ratings and 整改 of a time range. The dashboardRollup job stores closed days in department_daily_figures;
// a view reads those and counts only what they do not hold (today, and days not rolled up yet) live, with the same
// function, so both agree by construction. Figure definitions: src/domain/dashboardFigures.ts.

export interface TimeSettings {
  cal: WorkCalendar;
  deadline: DeadlineSettings;
  hours: WorkingHours;
}

export interface DayFigures {
  day: string;
  side: FigureSide;
  departmentId: number;
  volume: number;
  acceptCount: number;
  acceptOnTime: number;
  completed: number;
  completeOnTimeOriginal: number;
  completeOnTimeCommitted: number;
  everRed: number;
  returns: number;
  transfers: number;
  supervisions: number;
  ratingCount: number;
  ratingSum: number;
  badRatings: number;
  rectificationCount: number;
  rectificationOnTime: number;
  acceptHours: number[];
  completeHours: number[];
}
export type AdditiveKey = Exclude<keyof DayFigures, "day" | "side" | "departmentId" | "acceptHours" | "completeHours">;
export const ADDITIVE_KEYS: AdditiveKey[] = [
  "volume",
  "acceptCount",
  "acceptOnTime",
  "completed",
  "completeOnTimeOriginal",
  "completeOnTimeCommitted",
  "everRed",
  "returns",
  "transfers",
  "supervisions",
  "ratingCount",
  "ratingSum",
  "badRatings",
  "rectificationCount",
  "rectificationOnTime",
];

export const emptyDay = (day: string, side: FigureSide, departmentId: number): DayFigures => ({
  day,
  side,
  departmentId,
  ...(Object.fromEntries(ADDITIVE_KEYS.map((k) => [k, 0])) as Record<AdditiveKey, number>),
  acceptHours: [],
  completeHours: [],
});

const dayOf = (column: string, tz: string) => sql<string>`to_char(${sql.ref(column)} at time zone ${tz}, 'YYYY-MM-DD')`;
const num = (v: unknown) => Number(v ?? 0);

/** The start of local day `day` as an instant. */
export const dayStart = (day: string, t: TimeSettings) => localInstant(day, "00:00", t.deadline);

/**
 * Every additive figure of the instants [from, to), per local day, department and side. `to` is also "now" for
 * 整改 (one counts only once its deadline has passed).
 */
export async function countFigures(db: Executor, from: Date, to: Date, t: TimeSettings): Promise<DayFigures[]> {
  const tz = t.deadline.timeZone;
  const out = new Map<string, DayFigures>();
  const add = (day: string, toId: number, fromId: number, values: Partial<Record<AdditiveKey, number>>, hours?: { accept?: number; complete?: number }) => {
    for (const [side, id] of [["target", toId], ["requester", fromId]] as const) {
      const key = `${day}|${side}|${id}`;
      let row = out.get(key);
      if (!row) out.set(key, (row = emptyDay(day, side, id)));
      for (const [k, v] of Object.entries(values)) row[k as AdditiveKey] += v ?? 0;
      if (hours?.accept !== undefined) row.acceptHours.push(hours.accept);
      if (hours?.complete !== undefined) row.completeHours.push(hours.complete);
    }
  };

  // The queries are independent: all are sent at once (pg pipelines them on the pool; PGlite queues them).
  const volumeQ = db
    .selectFrom("tasks")
    .innerJoin("requests", "requests.id", "tasks.requestId")
    .select((eb) => [dayOf("tasks.createdAt", tz).as("day"), "tasks.departmentId as toId", "requests.fromDepartmentId as fromId", eb.fn.countAll<string>().as("n")])
    .where("tasks.createdAt", ">=", from)
    .where("tasks.createdAt", "<", to)
    .where("tasks.state", "not in", ["pending_approval", "rejected"])
    .groupBy([sql`1`, "tasks.departmentId", "requests.fromDepartmentId"])
    .execute();
  // Accepted and completed tasks one by one: their working hours need the audit trail (arrival, 补正 pauses).
  const taskCols = ["tasks.id", "tasks.requestId", "tasks.departmentId as toId", "requests.fromDepartmentId as fromId", "tasks.createdAt"] as const;
  const acceptedQ = db
    .selectFrom("tasks")
    .innerJoin("requests", "requests.id", "tasks.requestId")
    .select([...taskCols, "tasks.acceptedAt", "tasks.acceptDueAt"])
    .where("tasks.acceptedAt", ">=", from)
    .where("tasks.acceptedAt", "<", to)
    .execute();
  const completedQ = db
    .selectFrom("tasks")
    .innerJoin("requests", "requests.id", "tasks.requestId")
    .select([...taskCols, "tasks.completedAt", "tasks.dueAt", "tasks.originalDueAt", "tasks.everRed"])
    .where("tasks.completedAt", ">=", from)
    .where("tasks.completedAt", "<", to)
    .where("tasks.state", "=", "completed")
    .execute();
  const movesQ = (["return", "transfer"] as const).map((action) =>
    db
      .selectFrom("auditEvents as e")
      .innerJoin("tasks", "tasks.id", "e.taskId")
      .innerJoin("requests", "requests.id", "tasks.requestId")
      // A transfer counts for the department that handed the task on (recorded in the event), not where it is now.
      .$if(action === "transfer", (q) => q.innerJoin("departments as d", (j) => j.on(sql`d.code`, "=", sql`e.data->>'fromDepartment'`)))
      .select((eb) => [
        dayOf("e.createdAt", tz).as("day"),
        (action === "transfer" ? sql<number>`d.id` : sql<number>`tasks.department_id`).as("toId"),
        "requests.fromDepartmentId as fromId",
        eb.fn.countAll<string>().as("n"),
      ])
      .where("e.action", "=", action)
      .where("e.createdAt", ">=", from)
      .where("e.createdAt", "<", to)
      .groupBy([sql`1`, sql`2`, "requests.fromDepartmentId"])
      .execute(),
  );
  const supervisedQ = db
    .selectFrom("supervisions")
    .innerJoin("tasks", "tasks.id", "supervisions.taskId")
    .innerJoin("requests", "requests.id", "tasks.requestId")
    .select((eb) => [dayOf("supervisions.openedAt", tz).as("day"), "tasks.departmentId as toId", "requests.fromDepartmentId as fromId", eb.fn.countAll<string>().as("n")])
    .where("supervisions.openedAt", ">=", from)
    .where("supervisions.openedAt", "<", to)
    .groupBy([sql`1`, "tasks.departmentId", "requests.fromDepartmentId"])
    .execute();
  const ratingsQ = sql<{ day: string; toId: number; fromId: number; n: string; total: string; bad: string }>`
    select to_char(e.created_at at time zone ${tz}, 'YYYY-MM-DD') as day, t.department_id as "toId", r.from_department_id as "fromId",
           count(*) as n, sum(e.score) as total, count(*) filter (where e.score <= 2) as bad
    from ${COUNTED_EVALUATIONS} e join tasks t on t.id = e.task_id join requests r on r.id = t.request_id
    where e.created_at >= ${from} and e.created_at < ${to}
    group by 1, 2, 3`.execute(db);
  const rectifiedQ = db
    .selectFrom("rectifications")
    .innerJoin("requests", "requests.id", "rectifications.requestId")
    .select((eb) => [
      dayOf("rectifications.dueAt", tz).as("day"),
      "rectifications.departmentId as toId",
      "requests.fromDepartmentId as fromId",
      eb.fn.countAll<string>().as("n"),
      eb.fn
        .countAll<string>()
        .filterWhere((f) => f.and([f("rectifications.answeredAt", "is not", null), f("rectifications.answeredAt", "<=", f.ref("rectifications.dueAt"))]))
        .as("onTime"),
    ])
    .where("rectifications.dueAt", ">=", from)
    .where("rectifications.dueAt", "<", to)
    .groupBy([sql`1`, "rectifications.departmentId", "requests.fromDepartmentId"])
    .execute();

  const [volume, accepted, completed, returns, transfers, supervised, ratings, rectified] = await Promise.all([
    volumeQ,
    acceptedQ,
    completedQ,
    movesQ[0]!,
    movesQ[1]!,
    supervisedQ,
    ratingsQ,
    rectifiedQ,
  ]);
  for (const r of volume) add(r.day, r.toId, r.fromId, { volume: num(r.n) });
  const trail = await clockEvents(db, [...new Set([...accepted, ...completed].map((x) => x.requestId))]);
  for (const a of accepted) {
    const at = new Date(a.acceptedAt!);
    const arrival = arrivalOf(a.id, a.requestId, new Date(a.createdAt), at, trail);
    add(localDate(at, t.deadline), a.toId, a.fromId, { acceptCount: 1, acceptOnTime: !a.acceptDueAt || at <= new Date(a.acceptDueAt) ? 1 : 0 }, {
      accept: workingHoursBetween(arrival, at, [], t.cal, t.deadline, t.hours),
    });
  }
  for (const c of completed) {
    const at = new Date(c.completedAt!);
    const arrival = arrivalOf(c.id, c.requestId, new Date(c.createdAt), at, trail);
    add(
      localDate(at, t.deadline),
      c.toId,
      c.fromId,
      {
        completed: 1,
        completeOnTimeOriginal: at <= new Date(c.originalDueAt) ? 1 : 0,
        completeOnTimeCommitted: at <= new Date(c.dueAt) ? 1 : 0,
        everRed: c.everRed ? 1 : 0,
      },
      { complete: workingHoursBetween(arrival, at, pausesOf(c.id, c.requestId, at, trail), t.cal, t.deadline, t.hours) },
    );
  }
  for (const r of returns) add(r.day, r.toId, r.fromId, { returns: num(r.n) });
  for (const r of transfers) add(r.day, r.toId, r.fromId, { transfers: num(r.n) });
  for (const r of supervised) add(r.day, r.toId, r.fromId, { supervisions: num(r.n) });
  for (const r of ratings.rows) add(r.day, r.toId, r.fromId, { ratingCount: num(r.n), ratingSum: num(r.total), badRatings: num(r.bad) });
  for (const r of rectified) add(r.day, r.toId, r.fromId, { rectificationCount: num(r.n), rectificationOnTime: num(r.onTime) });
  return [...out.values()];
}

interface ClockEvent {
  requestId: number;
  taskId: number | null;
  fromState: string | null;
  toState: string | null;
  at: number;
}

/** The audit records that move a task's clocks: arrivals at a department (→ 待签收) and 补正 pauses. */
async function clockEvents(db: Executor, requestIds: number[]): Promise<Map<number, ClockEvent[]>> {
  const byRequest = new Map<number, ClockEvent[]>();
  for (let i = 0; i < requestIds.length; i += 1000) {
    const rows = await db
      .selectFrom("auditEvents")
      .select(["requestId", "taskId", "fromState", "toState", "createdAt"])
      .where("requestId", "in", requestIds.slice(i, i + 1000))
      .where((eb) => eb.or([eb("toState", "in", ["pending_accept", "awaiting_info"]), eb("fromState", "=", "awaiting_info")]))
      .orderBy("requestId")
      .orderBy("seq")
      .execute();
    for (const r of rows) {
      const list = byRequest.get(r.requestId!) ?? [];
      list.push({ requestId: r.requestId!, taskId: r.taskId, fromState: r.fromState, toState: r.toState, at: new Date(r.createdAt).getTime() });
      byRequest.set(r.requestId!, list);
    }
  }
  return byRequest;
}

/** The last time the task reached its department (待签收) at or before `until`; its creation when the trail has none. */
function arrivalOf(taskId: number, requestId: number, createdAt: Date, until: Date, trail: Map<number, ClockEvent[]>): Date {
  let at = createdAt.getTime();
  for (const e of trail.get(requestId) ?? []) {
    if ((e.taskId === taskId || e.taskId === null) && e.toState === "pending_accept" && e.at <= until.getTime() && e.at > at) at = e.at;
  }
  return new Date(at);
}

/** The task's 补正 pauses (待补正 until it left that state), up to `until`. */
function pausesOf(taskId: number, requestId: number, until: Date, trail: Map<number, ClockEvent[]>): Array<{ from: Date; to: Date }> {
  const events = (trail.get(requestId) ?? []).filter((e) => e.taskId === taskId && e.at <= until.getTime());
  const out: Array<{ from: Date; to: Date }> = [];
  let start: number | null = null;
  for (const e of events) {
    if (e.toState === "awaiting_info" && start === null) start = e.at;
    else if (e.fromState === "awaiting_info" && e.toState !== "awaiting_info" && start !== null) {
      out.push({ from: new Date(start), to: new Date(e.at) });
      start = null;
    }
  }
  if (start !== null) out.push({ from: new Date(start), to: until });
  return out;
}

// ---- the stored rollup -------------------------------------------------------------------------------

/** Counts the local days [firstDay, lastDay] and stores them (replacing what was stored), in the caller's transaction. */
export async function rollUpDays(trx: Executor, firstDay: string, lastDay: string, t: TimeSettings, now: Date): Promise<number> {
  const rows = await countFigures(trx, dayStart(firstDay, t), dayStart(addDays(lastDay, 1), t), t);
  const days: string[] = [];
  for (let d = firstDay; d <= lastDay; d = addDays(d, 1)) days.push(d);
  await trx.deleteFrom("departmentDailyFigures").where("day", ">=", firstDay).where("day", "<=", lastDay).execute();
  for (let i = 0; i < rows.length; i += 500) {
    await trx
      .insertInto("departmentDailyFigures")
      .values(rows.slice(i, i + 500).map((r) => ({ ...r, acceptHours: JSON.stringify(r.acceptHours), completeHours: JSON.stringify(r.completeHours) })))
      .execute();
  }
  await trx
    .insertInto("dashboardRollupDays")
    .values(days.map((day) => ({ day, computedAt: now })))
    .onConflict((oc) => oc.column("day").doUpdateSet({ computedAt: now }))
    .execute();
  return rows.length;
}

export interface FigureDaysOptions {
  /** only this side's rows (default both) */
  side?: FigureSide;
  /**
   * false: without the working hours of each acceptance and completion (empty lists), for views that show no
   * median or p90 (the weekly trends); reading them is most of a long period's cost
   */
  hours?: boolean;
}

/**
 * The additive figures of the local days [firstDay, lastDay] as of `now`: closed days from the rollup, days it
 * does not hold yet and today counted live, days after today empty.
 */
export async function figureDays(db: Executor, firstDay: string, lastDay: string, now: Date, t: TimeSettings, opts: FigureDaysOptions = {}): Promise<DayFigures[]> {
  const today = localDate(now, t.deadline);
  const lastClosed = lastDay < today ? lastDay : addDays(today, -1);
  const out: DayFigures[] = [];
  if (firstDay <= lastClosed) {
    const stored = await db
      .selectFrom("departmentDailyFigures")
      .select(["day", "side", "departmentId", ...ADDITIVE_KEYS])
      .$if(opts.hours !== false, (q) => q.select(["acceptHours", "completeHours"]))
      .where("day", ">=", firstDay)
      .where("day", "<=", lastClosed)
      .$if(opts.side !== undefined, (q) => q.where("side", "=", opts.side!))
      .execute();
    for (const r of stored) {
      const h = r as Partial<Pick<DayFigures, "acceptHours" | "completeHours">>;
      out.push({ ...r, acceptHours: (h.acceptHours ?? []).map(Number), completeHours: (h.completeHours ?? []).map(Number) });
    }
    const held = new Set((await db.selectFrom("dashboardRollupDays").select("day").where("day", ">=", firstDay).where("day", "<=", lastClosed).execute()).map((r) => r.day));
    const missing: string[] = [];
    for (let d = firstDay; d <= lastClosed; d = addDays(d, 1)) if (!held.has(d)) missing.push(d);
    if (missing.length) {
      const wanted = new Set(missing);
      const live = await countFigures(db, dayStart(missing[0]!, t), dayStart(addDays(missing[missing.length - 1]!, 1), t), t);
      out.push(...live.filter((r) => wanted.has(r.day)));
    }
  }
  if (firstDay <= today && today <= lastDay) out.push(...(await countFigures(db, dayStart(today, t), now, t)));
  return opts.side === undefined ? out : out.filter((r) => r.side === opts.side);
}

/**
 * 在办 and 红灯 now, per department, for one side (open states; red = past the 办结时限 and not paused for 补正).
 * 在办 sums board_counts (open tasks per department pair, kept by triggers on tasks in the same transaction as every
 * change, with how many of them run); 红灯 = running − not yet due, the short not-yet-due range of
 * tasks_running_due_idx (open tasks whose clock runs, by deadline, with both departments). No task row is read, so it stays quick with millions of tasks.
 */
export async function openCounts(db: Executor, now: Date, side: FigureSide): Promise<Array<{ side: FigureSide; departmentId: number; open: number; red: number }>> {
  const col = side === "target" ? ("departmentId" as const) : ("fromDepartmentId" as const);
  const open = await db
    .selectFrom("boardCounts")
    .select((eb) => [`${col} as departmentId` as "departmentId", eb.fn.sum<string>("open").as("open"), eb.fn.sum<string>("running").as("running")])
    .groupBy(col)
    .having((eb) => eb.fn.sum("open"), ">", 0)
    .execute();
  const notDue = await db
    .selectFrom("tasks")
    .select((eb) => [`${col} as departmentId` as "departmentId", eb.fn.countAll<string>().as("n")])
    .where("state", "in", ["pending_approval", "pending_accept", "in_progress"])
    .where("dueAt", ">=", now)
    .groupBy(col)
    .execute();
  const notDueOf = new Map(notDue.map((r) => [r.departmentId, num(r.n)]));
  return open.map((o) => ({ side, departmentId: o.departmentId, open: num(o.open), red: num(o.running) - (notDueOf.get(o.departmentId) ?? 0) }));
}
