import { Hono, type Context } from "hono";
import { z } from "zod";
import { runCommand } from "../../../commands/context";
import { requestApprover } from "../../../commands/requestApprover";
import { requestCreator } from "../../../commands/requestCreator";
import { planRequest } from "../../../commands/requestPlanner";
import { taskAccepter } from "../../../commands/taskAccepter";
import { userSettingsUpdater } from "../../../commands/userSettingsUpdater";
import { findDepartmentByCode, findDepartmentById } from "../../../db/repositories/org";
import { inboundTasks, outboundRequests } from "../../../db/repositories/queues";
import { requestDetail, requestTimeline } from "../../../db/repositories/views";
import { CLASSIFICATIONS, DUE_SOON_MS, PRIORITIES, OPEN_TASK_STATES, TASK_STATES, type TaskState } from "../../../domain/types";
import { departmentsOf, type UserActor } from "../../../policies/actor";
import { presentMe } from "../../../presenters/me";
import { presentPlan } from "../../../presenters/plan";
import { supervisionsOfTasks } from "../../../db/repositories/supervisions";
import { presentInboxPage, presentRequestDetail, presentRequestItem } from "../../../presenters/request";
import { loadLightClock } from "../../../commands/escalationPolicy";
import type { AppEnv } from "../../env";
import { errorBody } from "../../errors";
import { sessionAuth } from "../../middleware/session-auth";
import {
  CreatedRequestSchema,
  InboxItemSchema,
  MeWithCsrfSchema,
  page,
  PlanSchema,
  RequestDetailSchema,
  RequestItemSchema,
  RequestResultSchema,
  SettingsSchema,
  TaskResultSchema,
} from "../../schemas";
import { describe, jsonBody, queryParams } from "../../validation";
import { taskPath } from "./paths";

/** The filters of 部门收件 and 部门发件 (and the board's cells): the same words in both lists. */
export const listQuery = z.object({
  state: z
    .string()
    .optional()
    .transform((s) => (s ? s.split(",").map((x) => x.trim()) : undefined))
    .pipe(z.array(z.enum(TASK_STATES, { message: `state 只能是 ${TASK_STATES.join("、")}（可用逗号分隔多个）` })).optional())
    .meta({ description: "状态，逗号分隔；收件默认为未结状态，发件默认为全部" }),
  department: z.string().optional().meta({ description: "看哪个本人所在部门（编码）；默认本人所属部门" }),
  due: z.enum(["overdue", "soon"], { message: "due 只能是 overdue（已超期）或 soon（一天内到期）" }).optional().meta({ description: "overdue 已超期；soon 一天内到期" }),
  category: z.string().trim().min(1).optional().meta({ description: "类别，如 证照核查" }),
  from: z.string().trim().min(1).optional().meta({ description: "收件：发起部门编码" }),
  to: z.string().trim().min(1).optional().meta({ description: "发件：承办部门编码" }),
  q: z.string().trim().min(1).max(100, "q 最长 100 字").optional().meta({ description: "标题或内容中的文字，或事项编号" }),
  cursor: z.string().optional().meta({ description: "上一页应答中的 next" }),
  limit: z.coerce.number({ message: "limit 须为 1 到 100 的整数" }).int().min(1).max(100).default(20).meta({ description: "每页条数，1 到 100，默认 20" }),
});
type ListQuery = z.output<typeof listQuery>;

const decision = z.object({ comment: z.string().max(2000, "意见最长 2000 字").optional() });
const accept = z.object({ assigneeOpenId: z.string().trim().min(1).optional().meta({ description: "指定经办人（本部门经办人的 openId）；不填时负责人、收件员签收后再指派" }) });
/** The structured 发起 form: the parts chosen instead of written (the mini-app's form validates with this too). */
export const requestForm = z.object({
  departments: z
    .array(z.string().trim().min(1, "部门编码不能为空"), { message: "departments 须为部门编码的列表，如 [\"city-amr\", \"city-tax\"]" })
    .max(10, "一次最多向 10 个部门发起")
    .meta({ description: "承办部门编码，多个为联办（第一个主办）；空列表由路由规则决定" }),
  content: z.string({ message: "请填写 content：需要对方部门协助办理的内容" }).trim().min(1, "content 不能为空：写明需要对方部门协助办理的内容").max(2000, "内容最长 2000 字"),
  category: z.string().trim().max(50, "类别最长 50 字").optional().meta({ description: "类别，如 证照核查" }),
  dueDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "dueDate 须为日期 YYYY-MM-DD，如 2026-12-10")
    .optional()
    .meta({ description: "要求的办结日期（当日下班前）；不填按规则时限，不能晚于规则允许的" }),
  priority: z.enum(PRIORITIES, { message: "priority 只能是 normal（普通）、urgent（紧急）或 critical（特急）" }).optional(),
});
const raise = z
  .object({
    text: z.string().trim().min(1, "text 不能为空：写法与聊天中 /发起 之后的内容相同").max(4000, "内容最长 4000 字").optional().meta({ description: "与聊天中 /发起 之后的内容相同" }),
    form: requestForm.optional().meta({ description: "结构化表单，代替 text" }),
    classification: z.enum(CLASSIFICATIONS, { message: `classification 只能是 ${CLASSIFICATIONS.join("、")}` }).optional().meta({ description: "sensitive 涉密：聊天中不显示内容" }),
  })
  .refine((v) => (v.text === undefined) !== (v.form === undefined), {
    message: "请填写 text（与聊天中 /发起 之后的内容相同）或 form（结构化表单）二者之一",
    path: ["text"],
  });
const RAISE_EXAMPLE = { text: "@市监局 核查某公司营业执照 截止:3个工作日" };

const auth = sessionAuth();
const numberParam = { number: "事项编号，如 XT-2026-000001" };

/** Which of the person's departments a list is for: ?department=code, else their own; null when not theirs. */
async function listDepartment(c: Context<AppEnv>, actor: UserActor, code: string | undefined) {
  if (!code) return actor.departmentId;
  const d = await findDepartmentByCode(c.get("deps").db.kysely, code);
  return d && (departmentsOf(actor).includes(d.id) || d.id === actor.departmentId) ? d.id : null;
}

/** The deadline window of `due`: 超期 = past due and not paused for 补正; 临期 = due within the coming day, not yet past. */
function dueWindow(now: number, due: ListQuery["due"]) {
  if (due === "overdue") return { dueBefore: new Date(now), runningOnly: true };
  if (due === "soon") return { dueAfter: new Date(now), dueBefore: new Date(now + DUE_SOON_MS) };
  return {};
}

async function departmentOrThrow(c: Context<AppEnv>, code: string | undefined, what: string) {
  if (!code) return undefined;
  const d = await findDepartmentByCode(c.get("deps").db.kysely, code);
  if (!d) return c.json(errorBody("not_found", `找不到${what} ${code}：请使用部门编码，可从 GET /api/departments 获取。`), 404);
  return d;
}

/** The people's API (mini-app and integrations acting for a person). Every route checks the session and the policies. */
// The check sits on each route: a `use("*")` here would also cover /api/admin and /api/auth once mounted at /api.
export const requestRoutes = new Hono<AppEnv>()
  // The CSRF token is readable only by same-origin pages (no CORS), so a reloaded mini-app can get it back.
  .get(
    "/me",
    describe({ tag: "视图", auth: "session", summary: "当前登录人", description: "姓名、所属部门与角色、正在生效的代理（我委托的与我代理的，用于提示横幅）；用会话登录时还返回 csrfToken。", responses: { 200: { description: "当前登录人", schema: MeWithCsrfSchema } } }),
    auth,
    async (c) => c.json({ ...(await presentMe(c.get("deps").db.kysely, c.get("actor") as UserActor, c.get("deps").now())), csrfToken: c.get("csrfToken") ?? null }),
  )
  .put(
    "/me/settings",
    describe({
      tag: "视图",
      auth: "session",
      summary: "个人设置",
      description: "修改自己的设置：dailyDigest 每日待办提醒（开 true / 关 false）。改动记入组织留痕。",
      responses: { 200: { description: "修改后的设置", schema: SettingsSchema } },
    }),
    auth,
    jsonBody(z.object({ dailyDigest: z.boolean({ message: "dailyDigest 只能是 true（接收每日待办提醒）或 false（不接收）" }) }), { dailyDigest: false }),
    async (c) => {
      const r = await runCommand(c.get("deps"), c.get("actor"), userSettingsUpdater, { dailyDigest: c.req.valid("json").dailyDigest });
      return c.json({ dailyDigest: r.dailyDigest });
    },
  )
  .post(
    "/requests/preview",
    describe({
      tag: "操作",
      auth: "session",
      summary: "发起前试算",
      description: "以当前登录人所属部门发起，按路由规则算出承办部门、规则、办理要求与截止时间，不写入任何数据。",
      responses: { 200: { description: "试算结果", schema: PlanSchema } },
    }),
    auth,
    jsonBody(raise, RAISE_EXAMPLE),
    async (c) => {
      const deps = c.get("deps");
      const actor = c.get("actor") as UserActor;
      const from = await findDepartmentById(deps.db.kysely, actor.departmentId);
      const body = c.req.valid("json");
      return c.json(presentPlan(await planRequest(deps, deps.db.kysely, { text: body.text ?? "", form: body.form, fromDepartment: from.code })));
    },
  )
  .post(
    "/requests",
    describe({
      tag: "操作",
      auth: "session",
      summary: "发起协同事项",
      description:
        "与聊天中的 /发起 相同：可写 @部门、#类别、截止:3个工作日、!紧急；不写部门时由路由规则决定。也可用 form 结构化填写（部门编码、内容、类别、办结日期、紧急程度），经同一路由与时限规则。需要本部门负责人审批的，先进入待审批。",
      responses: { 201: { description: "已发起", schema: CreatedRequestSchema } },
    }),
    auth,
    jsonBody(raise, RAISE_EXAMPLE),
    async (c) => {
      const body = c.req.valid("json");
      const source = c.req.header("authorization") ? "api" : "miniapp";
      const r = await runCommand(c.get("deps"), c.get("actor"), requestCreator, { text: body.text ?? "", form: body.form, classification: body.classification, source });
      return c.json(
        {
          number: r.request.number,
          status: r.request.status as TaskState,
          dueAt: r.request.dueAt.toISOString(),
          targets: r.plan.targets.map((d) => ({ code: d.code, name: d.name, role: d.id === r.plan.lead.id ? ("lead" as const) : ("supporting" as const) })),
        },
        201,
      );
    },
  )
  .get(
    "/requests/:number",
    describe({
      tag: "视图",
      auth: "session",
      summary: "事项详情",
      description: "各承办部门的任务（主办/协办、状态、截止、经办人、结果）、办理过程与补充说明，以及查看人此刻可做的操作。事项不存在与无权查看答复相同（404）。",
      params: numberParam,
      responses: { 200: { description: "事项详情", schema: RequestDetailSchema } },
    }),
    auth,
    async (c) => {
      const d = await requestDetail(c.get("deps").db.kysely, c.get("actor"), c.req.param("number"));
      // Not there and not visible answer the same: a sensitive request's existence is not revealed.
      if (!d) return c.json(errorBody("not_found", `找不到协同事项 ${c.req.param("number")}。`), 404);
      const clock = await loadLightClock(c.get("deps").db.kysely, c.get("deps"));
      const supervisions = await supervisionsOfTasks(c.get("deps").db.kysely, d.tasks.map((t) => t.id));
      return c.json(presentRequestDetail(d, await requestTimeline(c.get("deps").db.kysely, d.id), c.get("actor"), clock, supervisions));
    },
  )
  .get(
    "/inbox",
    describe({
      tag: "视图",
      auth: "session",
      summary: "部门收件",
      description: "发给本部门的任务，按截止时间先后；可按状态、超期/临期、类别、发起部门、文字或编号筛选，用 cursor 翻页。",
      responses: { 200: { description: "一页任务", schema: page(InboxItemSchema) }, 404: { description: "没有 from 所指的发起部门" } },
    }),
    auth,
    queryParams(listQuery, "/api/inbox?state=pending_accept,in_progress&due=overdue&limit=20"),
    async (c) => {
      const q = c.req.valid("query");
      const actor = c.get("actor") as UserActor;
      const departmentId = await listDepartment(c, actor, q.department);
      if (departmentId === null) return c.json(errorBody("forbidden", "您只能查看自己所在部门的收件。"), 403);
      const from = await departmentOrThrow(c, q.from, "发起部门");
      if (from instanceof Response) return from;
      const deps = c.get("deps");
      const result = await inboundTasks(deps.db.kysely, {
        viewer: actor,
        departmentId,
        states: q.state ?? OPEN_TASK_STATES,
        cursor: q.cursor,
        limit: q.limit,
        ...(from ? { fromDepartmentId: from.id } : {}),
        ...dueWindow(deps.now().getTime(), q.due),
        ...(q.category ? { category: q.category } : {}),
        ...(q.q ? { text: q.q } : {}),
      });
      return c.json(presentInboxPage(result, await loadLightClock(deps.db.kysely, deps)));
    },
  )
  .get(
    "/outbox",
    describe({
      tag: "视图",
      auth: "session",
      summary: "部门发件",
      description: "本部门发起的事项，最新的在前；可按状态、超期/临期、类别、承办部门、文字或编号筛选，用 cursor 翻页。",
      responses: { 200: { description: "一页事项", schema: page(RequestItemSchema) }, 404: { description: "没有 to 所指的承办部门" } },
    }),
    auth,
    queryParams(listQuery, "/api/outbox?state=in_progress&to=city-amr&limit=20"),
    async (c) => {
      const q = c.req.valid("query");
      const actor = c.get("actor") as UserActor;
      const departmentId = await listDepartment(c, actor, q.department);
      if (departmentId === null) return c.json(errorBody("forbidden", "您只能查看自己所在部门的发件。"), 403);
      const to = await departmentOrThrow(c, q.to, "承办部门");
      if (to instanceof Response) return to;
      const deps = c.get("deps");
      const result = await outboundRequests(deps.db.kysely, {
        viewer: actor,
        departmentId,
        cursor: q.cursor,
        limit: q.limit,
        ...(q.state ? { states: q.state } : {}),
        ...(to ? { toDepartmentId: to.id } : {}),
        // 超期 and 临期 concern what is still open.
        ...(q.due ? { states: (q.state ?? OPEN_TASK_STATES).filter((s) => OPEN_TASK_STATES.includes(s)) } : {}),
        ...dueWindow(deps.now().getTime(), q.due),
        ...(q.category ? { category: q.category } : {}),
        ...(q.q ? { text: q.q } : {}),
      });
      const clock = await loadLightClock(c.get("deps").db.kysely, c.get("deps"));
      return c.json({ items: result.items.map((r) => presentRequestItem(r, clock)), next: result.next });
    },
  )
  .post(
    "/requests/:number/:decision{approve|reject}",
    describe({
      tag: "操作",
      auth: "session",
      summary: "审批：同意或驳回",
      description: "发起部门负责人对需要审批的事项同意（发往承办部门）或驳回（附理由）。",
      params: { ...numberParam, decision: "approve 同意，reject 驳回" },
      responses: { 200: { description: "事项的新状态", schema: RequestResultSchema } },
    }),
    auth,
    jsonBody(decision, { comment: "同意" }),
    async (c) => {
      const r = await runCommand(c.get("deps"), c.get("actor"), requestApprover, {
        request: { requestNumber: c.req.param("number") },
        decision: c.req.param("decision") as "approve" | "reject",
        comment: c.req.valid("json").comment,
      });
      return c.json({ number: r.request.number, status: r.request.status as TaskState, ...(r.actedAs ? { actedAs: r.actedAs } : {}) });
    },
  )
  .post(
    "/tasks/:id{[0-9]+}/accept",
    describe({
      tag: "操作",
      auth: "session",
      summary: "签收（可同时指定经办人）",
      description: "承办部门负责人或收件员签收任务；经办人本人签收时即为经办人。",
      params: { id: "任务 id（事项详情中 tasks[].id）" },
      responses: { 200: { description: "任务的新状态", schema: TaskResultSchema } },
    }),
    auth,
    taskPath,
    jsonBody(accept, { assigneeOpenId: "ou_wangfang" }),
    async (c) => {
      const b = c.req.valid("json");
      const r = await runCommand(c.get("deps"), c.get("actor"), taskAccepter, {
        task: { taskId: Number(c.req.param("id")) },
        assignee: b.assigneeOpenId ? { openId: b.assigneeOpenId } : undefined,
      });
      return c.json({ taskId: r.task.id, state: r.task.state, ...(r.actedAs ? { actedAs: r.actedAs } : {}) });
    },
  );
