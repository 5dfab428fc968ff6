import { Hono, type MiddlewareHandler } from "hono";
import { z } from "zod";
import { loadLightClock } from "../../../commands/escalationPolicy";
import { runCommand } from "../../../commands/context";
import { taskReopener } from "../../../commands/taskReopener";
import { taskSupervisor } from "../../../commands/taskSupervisor";
import { findDepartmentByCode } from "../../../db/repositories/org";
import { supervisionList } from "../../../db/repositories/supervisions";
import { overdueCutoff } from "../../../domain/trafficLight";
import { PRIORITIES } from "../../../domain/types";
import { canSearchAllRequests, canSeeSupervisionList, REQUEST_SEARCH_REFUSAL, SUPERVISION_LIST_REFUSAL } from "../../../policies/supervision";
import { presentSupervisionItem } from "../../../presenters/supervision";
import { outboundRequests } from "../../../db/repositories/queues";
import { requestParties } from "../../../db/repositories/views";
import { localInstant } from "../../../domain/calendar";
import { TASK_STATES } from "../../../domain/types";
import { presentSearchItem } from "../../../presenters/request";
import type { AppEnv } from "../../env";
import { errorBody } from "../../errors";
import { sessionAuth } from "../../middleware/session-auth";
import { page, SearchItemSchema, SupervisedSchema, SupervisionItemSchema, TaskResultSchema } from "../../schemas";
import { describe, jsonBody, queryParams } from "../../validation";
import { taskPath } from "./paths";

// 督办: the supervisors' list of red tasks and tasks under 督办, their instruction on a task, and reopening a
// completed task whose result is not acceptable.

const auth = sessionAuth();
const required = (what: string, max = 2000) =>
  z
    .string({ message: `请填写${what}` })
    .trim()
    .min(1, `请填写${what}`)
    .max(max, `${what}最长 ${max} 字`);

const listQuery = z.object({
  to: z.string().trim().min(1, "to 须为承办部门编码").optional().meta({ description: "承办部门编码" }),
  from: z.string().trim().min(1, "from 须为发起部门编码").optional().meta({ description: "发起部门编码" }),
  overdueDays: z.coerce
    .number({ message: "overdueDays 须为 0 到 365 的整数" })
    .int("overdueDays 须为 0 到 365 的整数")
    .min(0, "overdueDays 须为 0 到 365 的整数")
    .max(365, "overdueDays 须为 0 到 365 的整数")
    .optional()
    .meta({ description: "只看超期至少 N 个工作日的" }),
  priority: z.enum(PRIORITIES, { message: "priority 只能是 normal、urgent 或 critical" }).optional().meta({ description: "normal 普通、urgent 紧急、critical 特急" }),
  open: z.enum(["true", "false"], { message: "open 只能是 true 或 false" }).optional().meta({ description: "true：只看督办中的" }),
  cursor: z.string().optional().meta({ description: "上一页应答中的 next" }),
  limit: z.coerce.number({ message: "limit 须为 1 到 100 的整数" }).int().min(1).max(100).default(20).meta({ description: "每页条数，1 到 100，默认 20" }),
});

const day = (name: string) =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, `${name} 须为日期 YYYY-MM-DD，如 2026-11-23`)
    .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), `${name} 不是有效日期，如 2026-11-23`)
    .optional();

/** 事项检索: the filters a supervisor (or admin) searches every request with. */
export const searchQuery = z
  .object({
    q: z.string().trim().min(1).max(100, "q 最长 100 字").optional().meta({ description: "事项编号（如 XT-2026-000001），或标题、内容中的文字" }),
    from: z.string().trim().min(1, "from 须为发起部门编码").optional().meta({ description: "发起部门编码" }),
    to: z.string().trim().min(1, "to 须为承办部门编码").optional().meta({ description: "承办部门编码" }),
    state: z
      .string()
      .optional()
      .transform((s) => (s ? s.split(",").map((x) => x.trim()) : undefined))
      .pipe(z.array(z.enum(TASK_STATES, { message: `state 只能是 ${TASK_STATES.join("、")}（可用逗号分隔多个）` })).optional())
      .meta({ description: "事项状态，逗号分隔" }),
    light: z.enum(["green", "yellow", "red"], { message: "light 只能是 green（绿灯）、yellow（黄灯）或 red（红灯）" }).optional().meta({ description: "红黄绿灯" }),
    createdFrom: day("createdFrom").meta({ description: "发起日期起（含），YYYY-MM-DD" }),
    createdTo: day("createdTo").meta({ description: "发起日期止（含），YYYY-MM-DD" }),
    category: z.string().trim().min(1).optional().meta({ description: "类别" }),
    cursor: z.string().optional().meta({ description: "上一页应答中的 next" }),
    limit: z.coerce.number({ message: "limit 须为 1 到 100 的整数" }).int().min(1).max(100).default(20).meta({ description: "每页条数，1 到 100，默认 20" }),
  })
  .refine((v) => !v.createdFrom || !v.createdTo || v.createdFrom <= v.createdTo, { message: "createdFrom 不能晚于 createdTo", path: ["createdTo"] });

/** Supervisors only: anyone else is told so before the query is looked at. */
const supervisorsOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!canSeeSupervisionList(c.get("actor"))) return c.json(errorBody("forbidden", SUPERVISION_LIST_REFUSAL), 403);
  await next();
};

const TASK = "/tasks/:id{[0-9]+}";
const taskParams = { id: "任务 id（事项详情中 tasks[].id，或督办清单中的 taskId）" };

export const supervisionRoutes = new Hono<AppEnv>()
  .get(
    "/supervision/search",
    describe({
      tag: "督办",
      auth: "session",
      summary: "事项检索",
      description:
        "督查人员与管理员检索全部事项：按编号（q 为 XT-2026-000001 形式时精确查找）、标题或内容中的文字、发起部门（from）、承办部门（to）、状态、红黄绿灯（light）、发起日期（createdFrom～createdTo，含两端）、类别筛选，最新的在前，用 cursor 翻页。只列出检索人有权查看的事项：涉密事项只对有权查看的人出现。",
      responses: { 200: { description: "一页事项", schema: page(SearchItemSchema) }, 403: { description: "不是督查人员或管理员" }, 404: { description: "没有 from 或 to 所指的部门" } },
    }),
    auth,
    async (c, next) => {
      if (!canSearchAllRequests(c.get("actor"))) return c.json(errorBody("forbidden", REQUEST_SEARCH_REFUSAL), 403);
      await next();
    },
    queryParams(searchQuery, "/api/supervision/search?q=营业执照&to=city-amr&light=red&createdFrom=2026-11-01&createdTo=2026-11-30"),
    async (c) => {
      const q = c.req.valid("query");
      const deps = c.get("deps");
      const db = deps.db.kysely;
      const dept = async (code: string | undefined) => (code === undefined ? undefined : ((await findDepartmentByCode(db, code)) ?? null));
      const [to, from] = [await dept(q.to), await dept(q.from)];
      if (to === null || from === null) {
        return c.json(errorBody("not_found", `找不到部门 ${to === null ? q.to : q.from}：请使用部门编码，可从 GET /api/departments 获取。`), 404);
      }
      const clock = await loadLightClock(db, deps);
      const nextDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      const result = await outboundRequests(db, {
        viewer: c.get("actor"),
        cursor: q.cursor,
        limit: q.limit,
        ...(from ? { departmentId: from.id } : {}),
        ...(to ? { toDepartmentId: to.id } : {}),
        ...(q.state ? { states: q.state } : {}),
        ...(q.light ? { light: { light: q.light, now: clock.now } } : {}),
        ...(q.createdFrom ? { createdFrom: localInstant(q.createdFrom, "00:00", clock.settings) } : {}),
        ...(q.createdTo ? { createdBefore: localInstant(nextDay(q.createdTo), "00:00", clock.settings) } : {}),
        ...(q.category ? { category: q.category } : {}),
        ...(q.q ? { text: q.q } : {}),
      });
      const parties = await requestParties(db, result.items);
      return c.json({ items: result.items.map((r) => presentSearchItem(r, parties.get(r.id)!, clock)), next: result.next });
    },
  )
  .get(
    "/supervision",
    describe({
      tag: "督办",
      auth: "session",
      summary: "督办清单",
      description:
        "督查人员的工作清单：各部门所有已超期未办结的任务（红灯），以及所有督办中的任务，截止时间早的在前，用 cursor 翻页。可按承办部门（to）、发起部门（from）、超期工作日数（overdueDays）、紧急程度（priority）筛选，open=true 只看督办中的。仅督查人员可查看。",
      responses: { 200: { description: "一页任务", schema: page(SupervisionItemSchema) }, 403: { description: "不是督查人员" }, 404: { description: "没有 from 或 to 所指的部门" } },
    }),
    auth,
    supervisorsOnly,
    queryParams(listQuery, "/api/supervision?to=city-amr&overdueDays=2&open=true"),
    async (c) => {
      const q = c.req.valid("query");
      const deps = c.get("deps");
      const db = deps.db.kysely;
      const dept = async (code: string | undefined) => (code === undefined ? undefined : ((await findDepartmentByCode(db, code)) ?? null));
      const [to, from] = [await dept(q.to), await dept(q.from)];
      if (to === null || from === null) return c.json(errorBody("not_found", `找不到部门 ${to === null ? q.to : q.from}。`), 404);
      const clock = await loadLightClock(db, deps);
      const result = await supervisionList(db, {
        viewer: c.get("actor"),
        now: clock.now,
        toDepartmentId: to?.id,
        fromDepartmentId: from?.id,
        dueBefore: q.overdueDays !== undefined ? overdueCutoff(q.overdueDays, clock.now, clock.cal, clock.settings) : undefined,
        priority: q.priority,
        onlyOpen: q.open === "true",
        cursor: q.cursor,
        limit: q.limit,
      });
      return c.json({ items: result.items.map((r) => presentSupervisionItem(r, clock)), next: result.next });
    },
  )
  .post(
    `${TASK}/supervise`,
    describe({
      tag: "督办",
      auth: "session",
      summary: "督办",
      description: "督查人员对未办结的任务下达督办意见：开启督办（已在督办中则追加意见），承办部门负责人收到督办卡片和加急提醒，经办人和发起部门负责人同时收到通知。任务办结或撤回时自动销号。",
      params: taskParams,
      responses: { 200: { description: "督办已下达", schema: SupervisedSchema } },
    }),
    auth,
    taskPath,
    jsonBody(z.object({ instruction: required("督办意见") }), { instruction: "请于本周五前办结并报送结果" }),
    async (c) => {
      const r = await runCommand(c.get("deps"), c.get("actor"), taskSupervisor, { task: { taskId: Number(c.req.param("id")) }, instruction: c.req.valid("json").instruction });
      return c.json({ taskId: r.task.id, state: r.task.state, opened: r.opened, instructions: r.instructions });
    },
  )
  .post(
    `${TASK}/reopen`,
    describe({
      tag: "督办",
      auth: "session",
      summary: "重新督办（办理结果不合格）",
      description: "办结后 10 个工作日内，督查人员认为办理结果不符合要求时，可将任务退回办理中并重新督办，须写明理由；承办部门负责人和经办人收到通知。",
      params: taskParams,
      responses: { 200: { description: "任务的新状态", schema: TaskResultSchema } },
    }),
    auth,
    taskPath,
    jsonBody(z.object({ reason: required("重新督办的理由") }), { reason: "办理结果未附核查材料，请补充后重新办结" }),
    async (c) => {
      const r = await runCommand(c.get("deps"), c.get("actor"), taskReopener, { task: { taskId: Number(c.req.param("id")) }, reason: c.req.valid("json").reason });
      return c.json({ taskId: r.task.id, state: r.task.state });
    },
  );
