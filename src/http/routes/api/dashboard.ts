import { Hono, type Context } from "hono";
import { z } from "zod";
import { loadTimeSettings } from "../../../commands/escalationPolicy";
import { localDate } from "../../../domain/calendar";
import {
  addDays,
  daysInclusive,
  FIGURE_KEYS,
  figureDefinitions,
  lastWeeks,
  periodOf,
  RANKING_METHOD,
  type FigureSide,
  type Period,
} from "../../../domain/dashboardFigures";
import { dayStart, figureDays, openCounts, type TimeSettings } from "../../../db/repositories/dashboardRollups";
import { figureTasks, type FigureTaskRow } from "../../../db/repositories/dashboardTasks";
import { findDepartmentByCode, listDepartments } from "../../../db/repositories/org";
import { boardCounts } from "../../../db/repositories/views";
import type { UserActor } from "../../../policies/actor";
import { DASHBOARD_FORBIDDEN, dashboardScope, inScope, mayReadBulletin, type DashboardScope } from "../../../policies/dashboard";
import { bulletinFor } from "../../../commands/bulletinSender";
import { renderBulletinPage } from "../../../presenters/bulletinPage";
import { csvResponse } from "../../../presenters/csv";
import { figuresByDepartment, figuresOf, rankDepartments, type Figures } from "../../../presenters/dashboard";
import type { AppEnv } from "../../env";
import { errorBody } from "../../errors";
import { sessionAuth } from "../../middleware/session-auth";
import { describe, queryParams } from "../../validation";
import {
  BulletinQuery,
  BulletinSchema,
  DashboardFiguresSchema,
  FiguresQuery,
  FigureTasksQuery,
  FigureTasksSchema,
  RankingQuery,
  RankingSchema,
  TrendsQuery,
  TrendsSchema,
} from "./dashboardSchemas";

// 晾晒: per-department figures for a period, the volume-fair ranking, weekly trends, the tasks behind any figure,
// CSV exports of each, and the monthly 通报 (data and printable page). The board (department-to-department
// matrix) stays in views.ts; its CSV is here. Who sees what: src/policies/dashboard.ts.

const auth = sessionAuth();
const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
const MAX_CSV_ROWS = 10_000;

type PeriodInput = { period: Period["kind"]; date?: string | undefined; from?: string | undefined; to?: string | undefined };

/** The period asked for, or the Chinese reason it is not one. */
function periodFrom(q: PeriodInput, today: string): Period | string {
  if (q.period !== "custom") return periodOf(q.period, q.date ?? today);
  if (!q.from || !q.to) return "自定义时段须同时填写 from 和 to，如 period=custom&from=2026-11-01&to=2026-11-15";
  if (q.to < q.from) return `to（${q.to}）不能早于 from（${q.from}），如 period=custom&from=2026-11-01&to=2026-11-15`;
  if (daysInclusive(q.from, q.to) > 366) return "自定义时段最长 366 天，如 period=custom&from=2026-01-01&to=2026-12-31";
  return periodOf("custom", q.from, { from: q.from, to: q.to });
}

interface Ctx {
  scope: DashboardScope;
  time: TimeSettings;
  now: Date;
  today: string;
}

async function context(c: Context<AppEnv>): Promise<Ctx | Response> {
  const scope = dashboardScope(c.get("actor"));
  if (!scope) return c.json(errorBody("forbidden", DASHBOARD_FORBIDDEN), 403);
  const deps = c.get("deps");
  const time = await loadTimeSettings(deps.db.kysely, deps);
  const now = deps.now();
  return { scope, time, now, today: localDate(now, time.deadline) };
}

const badPeriod = (c: Context<AppEnv>, message: string) =>
  c.json(errorBody("invalid_input", `请求参数有误：${message}`, { example: "/api/dashboard/figures?period=month&date=2026-11-15" }), 400);

/** Figures per department of the scope for a period and side, and their total. */
async function figuresFor(c: Context<AppEnv>, x: Ctx, period: Period, side: FigureSide) {
  const db = c.get("deps").db.kysely;
  const departments = (await listDepartments(db)).filter((d) => inScope(x.scope, d.id));
  const days = await figureDays(db, period.from, period.to, x.now, x.time, { side });
  const open = await openCounts(db, x.now, side);
  const rows = figuresByDepartment(departments, side, days, open);
  const ids = new Set(departments.map((d) => d.id));
  const total = figuresOf(
    days.filter((d) => d.side === side && ids.has(d.departmentId)),
    open.filter((o) => o.side === side && ids.has(o.departmentId)).reduce((a, o) => ({ open: a.open + o.open, red: a.red + o.red }), { open: 0, red: 0 }),
  );
  return { rows, total };
}

/** The ranking among every department (target side); a head gets only the rows of their departments. */
async function rankingFor(c: Context<AppEnv>, x: Ctx, period: Period) {
  const db = c.get("deps").db.kysely;
  const departments = await listDepartments(db);
  const days = await figureDays(db, period.from, period.to, x.now, x.time, { side: "target" });
  return rankDepartments(figuresByDepartment(departments, "target", days, [])).filter((r) => inScope(x.scope, r.departmentId));
}

async function trendsFor(c: Context<AppEnv>, x: Ctx, q: z.output<typeof TrendsQuery>) {
  const db = c.get("deps").db.kysely;
  let ids: number[] | null = x.scope.all ? null : x.scope.departmentIds;
  let department: { code: string; name: string } | null = null;
  if (q.department) {
    const d = await findDepartmentByCode(db, q.department);
    if (!d) return { error: 404 as const, message: `找不到部门 ${q.department}。` };
    if (!inScope(x.scope, d.id)) return { error: 403 as const, message: "您只能查看本人负责的部门的趋势。" };
    ids = [d.id];
    department = { code: d.code, name: d.name };
  }
  const weeks = lastWeeks(x.today, q.weeks);
  const days = (await figureDays(db, weeks[0]!.from, weeks[weeks.length - 1]!.to, x.now, x.time, { side: q.side, hours: false })).filter((d) => d.side === q.side && (ids === null || ids.includes(d.departmentId)));
  return {
    side: q.side,
    department,
    weeks: weeks.map((w) => {
      const f = figuresOf(days.filter((d) => d.day >= w.from && d.day <= w.to));
      return {
        from: w.from,
        to: w.to,
        label: `${Number(w.from.slice(5, 7))}/${Number(w.from.slice(8, 10))}`,
        volume: f.volume,
        completed: f.completed,
        completeOnTimeOriginalRate: f.completeOnTimeOriginalRate,
        acceptOnTimeRate: f.acceptOnTimeRate,
        everRed: f.everRed,
        badRatings: f.badRatings,
      };
    }),
  };
}

async function tasksFor(c: Context<AppEnv>, x: Ctx, q: z.output<typeof FigureTasksQuery>, period: Period, offset: number, limit: number) {
  const db = c.get("deps").db.kysely;
  const d = await findDepartmentByCode(db, q.department);
  if (!d) return { error: 404 as const, message: `找不到部门 ${q.department}。` };
  if (!inScope(x.scope, d.id)) return { error: 403 as const, message: "您只能查看本人负责的部门的任务。" };
  const from = dayStart(period.from, x.time);
  const end = dayStart(addDays(period.to, 1), x.time);
  const rows = await figureTasks(db, c.get("actor"), {
    kind: q.figure,
    side: q.side,
    department: { id: d.id, code: d.code },
    from,
    to: end < x.now ? end : x.now,
    now: x.now,
    offset,
    limit,
  });
  return { department: { code: d.code, name: d.name }, rows };
}

const HIDDEN_TITLE = "（涉密事项）";
const presentTask = (r: FigureTaskRow) => ({
  taskId: r.taskId,
  number: r.number,
  title: r.visible ? r.title : HIDDEN_TITLE,
  classification: r.classification as "public" | "internal" | "sensitive",
  state: r.state as z.infer<typeof FigureTasksSchema>["items"][number]["state"],
  fromDepartment: { code: r.fromCode, name: r.fromName },
  department: { code: r.toCode, name: r.toName },
  createdAt: iso(r.createdAt)!,
  acceptDueAt: iso(r.acceptDueAt),
  acceptedAt: iso(r.acceptedAt),
  originalDueAt: iso(r.originalDueAt)!,
  dueAt: iso(r.dueAt)!,
  completedAt: iso(r.completedAt),
  everRed: r.everRed,
  score: r.score,
  at: iso(r.at)!,
});

const figureCells = (f: Figures) => FIGURE_KEYS.map((k) => f[k]);
const periodExample = "/api/dashboard/figures?period=month&date=2026-11-15&side=target";

export const dashboardRoutes = new Hono<AppEnv>()
  .get(
    "/dashboard/figures",
    describe({
      tag: "晾晒",
      auth: "session",
      summary: "各部门晾晒数字",
      description: "所选时段（周、月、季度、自定义）每个部门作为承办方（side=target）或发起方（side=requester）的各项数字，附每项的定义。督查、管理员看到全部部门，部门负责人只看到本人负责的部门。",
      responses: { 200: { description: "各部门的数字", schema: DashboardFiguresSchema }, 403: { description: "不是督查、管理员或部门负责人" } },
    }),
    auth,
    queryParams(FiguresQuery, periodExample),
    async (c) => {
      const x = await context(c);
      if (x instanceof Response) return x as never;
      const q = c.req.valid("query");
      const period = periodFrom(q, x.today);
      if (typeof period === "string") return badPeriod(c, period);
      const { rows, total } = await figuresFor(c, x, period, q.side);
      return c.json({
        period,
        side: q.side,
        scope: x.scope.all ? ("all" as const) : ("mine" as const),
        asOf: x.now.toISOString(),
        definitions: figureDefinitions(q.side),
        rows: rows.map((r) => ({ department: r.department, figures: r.figures })),
        total,
      });
    },
  )
  .get(
    "/dashboard/figures.csv",
    describe({ tag: "晾晒", auth: "session", summary: "导出各部门晾晒数字（CSV）", description: "与 /api/dashboard/figures 相同的参数与数字，UTF-8（带 BOM）CSV，首行为中文表头。", responses: { 200: { description: "CSV 文件" } } }),
    auth,
    queryParams(FiguresQuery, periodExample),
    async (c) => {
      const x = await context(c);
      if (x instanceof Response) return x as never;
      const q = c.req.valid("query");
      const period = periodFrom(q, x.today);
      if (typeof period === "string") return badPeriod(c, period);
      const { rows, total } = await figuresFor(c, x, period, q.side);
      const labels = figureDefinitions(q.side).map((d) => (d.unit === "比例" ? `${d.label}（0-1）` : `${d.label}（${d.unit}）`));
      return csvResponse(`晾晒-${q.side === "target" ? "承办" : "发起"}-${period.from}至${period.to}`, ["部门编码", "部门", ...labels], [
        ...rows.map((r) => [r.department.code, r.department.name, ...figureCells(r.figures)]),
        ["", "合计", ...figureCells(total)],
      ]);
    },
  )
  .get(
    "/dashboard/ranking",
    describe({
      tag: "晾晒",
      auth: "session",
      summary: "按量修正的排名",
      description: "按办结及时率（原时限）的 Wilson 95% 下限排名，附办结数与收到任务数；部门负责人只看到本部门的名次。",
      responses: { 200: { description: "排名", schema: RankingSchema }, 403: { description: "不是督查、管理员或部门负责人" } },
    }),
    auth,
    queryParams(RankingQuery, "/api/dashboard/ranking?period=month&date=2026-11-15"),
    async (c) => {
      const x = await context(c);
      if (x instanceof Response) return x as never;
      const q = c.req.valid("query");
      const period = periodFrom(q, x.today);
      if (typeof period === "string") return badPeriod(c, period);
      const items = await rankingFor(c, x, period);
      return c.json({ period, scope: x.scope.all ? ("all" as const) : ("mine" as const), method: RANKING_METHOD, items: items.map(({ departmentId: _, ...r }) => r) });
    },
  )
  .get(
    "/dashboard/ranking.csv",
    describe({ tag: "晾晒", auth: "session", summary: "导出排名（CSV）", description: "与 /api/dashboard/ranking 相同。", responses: { 200: { description: "CSV 文件" } } }),
    auth,
    queryParams(RankingQuery, "/api/dashboard/ranking.csv?period=month&date=2026-11-15"),
    async (c) => {
      const x = await context(c);
      if (x instanceof Response) return x as never;
      const q = c.req.valid("query");
      const period = periodFrom(q, x.today);
      if (typeof period === "string") return badPeriod(c, period);
      const items = await rankingFor(c, x, period);
      return csvResponse(`晾晒排名-${period.from}至${period.to}`, ["名次", "参加排名部门数", "部门编码", "部门", "办结数", "按原时限办结数", "按时比例", "Wilson下限", "收到任务数", "称号"], items.map((r) => [r.rank, r.of, r.department.code, r.department.name, r.completed, r.onTime, r.onTimeRate, r.lowerBound, r.volume, r.label]));
    },
  )
  .get(
    "/dashboard/trends",
    describe({
      tag: "晾晒",
      auth: "session",
      summary: "最近各周趋势",
      description: "最近 N 周（默认 12 周，周一至周日）的收到任务数、办结数、办结及时率、签收及时率、曾超期数与差评数；可只看一个部门。",
      responses: { 200: { description: "每周一组数字，最早的在前", schema: TrendsSchema }, 403: { description: "无权查看" }, 404: { description: "没有该部门" } },
    }),
    auth,
    queryParams(TrendsQuery, "/api/dashboard/trends?weeks=12&department=amr"),
    async (c) => {
      const x = await context(c);
      if (x instanceof Response) return x as never;
      const t = await trendsFor(c, x, c.req.valid("query"));
      if ("error" in t) return c.json(errorBody(t.error === 404 ? "not_found" : "forbidden", t.message ?? ""), t.error);
      return c.json(t);
    },
  )
  .get(
    "/dashboard/trends.csv",
    describe({ tag: "晾晒", auth: "session", summary: "导出趋势（CSV）", description: "与 /api/dashboard/trends 相同。", responses: { 200: { description: "CSV 文件" } } }),
    auth,
    queryParams(TrendsQuery, "/api/dashboard/trends.csv?weeks=12"),
    async (c) => {
      const x = await context(c);
      if (x instanceof Response) return x as never;
      const t = await trendsFor(c, x, c.req.valid("query"));
      if ("error" in t) return c.json(errorBody(t.error === 404 ? "not_found" : "forbidden", t.message ?? ""), t.error);
      return csvResponse(`晾晒趋势-${t.department?.code ?? "全部"}`, ["周一", "周日", "收到任务", "办结数", "办结及时率（原时限，0-1）", "签收及时率（0-1）", "曾超期", "差评"], t.weeks.map((w) => [w.from, w.to, w.volume, w.completed, w.completeOnTimeOriginalRate, w.acceptOnTimeRate, w.everRed, w.badRatings]));
    },
  )
  .get(
    "/dashboard/tasks",
    describe({
      tag: "晾晒",
      auth: "session",
      summary: "数字背后的任务",
      description: "某部门某项数字（figure）在所选时段由哪些任务构成，条件与计数完全相同；涉密事项对无权查看的人隐去标题。用 cursor 翻页。",
      responses: { 200: { description: "一页任务", schema: FigureTasksSchema }, 403: { description: "无权查看" }, 404: { description: "没有该部门" } },
    }),
    auth,
    queryParams(FigureTasksQuery, "/api/dashboard/tasks?figure=completeLateOriginal&department=amr&period=month&date=2026-11-15"),
    async (c) => {
      const x = await context(c);
      if (x instanceof Response) return x as never;
      const q = c.req.valid("query");
      const period = periodFrom(q, x.today);
      if (typeof period === "string") return badPeriod(c, period);
      const offset = Math.max(0, Number.parseInt(q.cursor ?? "0", 10) || 0);
      const r = await tasksFor(c, x, q, period, offset, q.limit + 1);
      if ("error" in r) return c.json(errorBody(r.error === 404 ? "not_found" : "forbidden", r.message ?? ""), r.error);
      const more = r.rows.length > q.limit;
      return c.json({ figure: q.figure, period, department: r.department, items: r.rows.slice(0, q.limit).map(presentTask), next: more ? String(offset + q.limit) : null });
    },
  )
  .get(
    "/dashboard/tasks.csv",
    describe({ tag: "晾晒", auth: "session", summary: "导出数字背后的任务（CSV）", description: "与 /api/dashboard/tasks 相同的条件，不分页（至多 10000 行）；涉密事项对无权查看的人隐去标题。", responses: { 200: { description: "CSV 文件" } } }),
    auth,
    queryParams(FigureTasksQuery, "/api/dashboard/tasks.csv?figure=completed&department=amr&period=month&date=2026-11-15"),
    async (c) => {
      const x = await context(c);
      if (x instanceof Response) return x as never;
      const q = c.req.valid("query");
      const period = periodFrom(q, x.today);
      if (typeof period === "string") return badPeriod(c, period);
      const r = await tasksFor(c, x, q, period, 0, MAX_CSV_ROWS);
      if ("error" in r) return c.json(errorBody(r.error === 404 ? "not_found" : "forbidden", r.message ?? ""), r.error);
      return csvResponse(
        `晾晒任务-${r.department.code}-${q.figure}-${period.from}至${period.to}`,
        ["编号", "标题", "密级", "状态", "发起部门", "承办部门", "创建时间", "签收时限", "签收时间", "原办结时限", "办结时限", "办结时间", "曾超期", "评价", "计入时间"],
        r.rows.map(presentTask).map((t) => [t.number, t.title, t.classification, t.state, t.fromDepartment.name, t.department.name, t.createdAt, t.acceptDueAt, t.acceptedAt, t.originalDueAt, t.dueAt, t.completedAt, t.everRed ? "是" : "否", t.score, t.at]),
      );
    },
  )
  .get(
    "/dashboard/board.csv",
    describe({ tag: "晾晒", auth: "session", summary: "导出部门间看板（CSV）", description: "与 /api/board 相同的格子：每对（发起部门，承办部门）此刻在办、超期、临期的任务数。", responses: { 200: { description: "CSV 文件" } } }),
    auth,
    async (c) => {
      const x = await context(c);
      if (x instanceof Response) return x as never;
      const deps = c.get("deps");
      const actor = c.get("actor") as UserActor;
      const cells = await boardCounts(deps.db.kysely, actor, x.now, x.scope.all ? null : x.scope.departmentIds);
      return csvResponse(`部门间看板-${x.today}`, ["发起部门编码", "发起部门", "承办部门编码", "承办部门", "在办", "超期", "临期"], cells.map((r) => [r.fromCode, r.fromName, r.toCode, r.toName, Number(r.open), Number(r.overdue), Number(r.dueSoon)]));
    },
  )
  .get(
    "/dashboard/bulletin",
    describe({
      tag: "晾晒",
      auth: "session",
      summary: "月度通报",
      description: "某月的通报：排名最前（骏马）与最后（蜗牛）的部门、仍未办结的超期任务、已超期的整改事项。督查与管理员可查看。",
      responses: { 200: { description: "通报", schema: BulletinSchema }, 403: { description: "不是督查或管理员" } },
    }),
    auth,
    queryParams(BulletinQuery, "/api/dashboard/bulletin?month=2026-11"),
    async (c) => {
      if (!mayReadBulletin(c.get("actor"))) return c.json(errorBody("forbidden", "月度通报只有督查和管理员可以查看。"), 403);
      const b = await bulletinFor(c.get("deps"), c.get("actor"), c.req.valid("query").month);
      return c.json(b);
    },
  )
  .get(
    "/dashboard/bulletin.html",
    describe({ tag: "晾晒", auth: "session", summary: "月度通报（打印页）", description: "与 /api/dashboard/bulletin 相同的通报，服务端生成的可打印页面（A4 打印样式）。", responses: { 200: { description: "HTML 页面" } } }),
    auth,
    queryParams(BulletinQuery, "/api/dashboard/bulletin.html?month=2026-11"),
    async (c) => {
      if (!mayReadBulletin(c.get("actor"))) return c.json(errorBody("forbidden", "月度通报只有督查和管理员可以查看。"), 403);
      const b = await bulletinFor(c.get("deps"), c.get("actor"), c.req.valid("query").month);
      return c.html(renderBulletinPage(b));
    },
  );
