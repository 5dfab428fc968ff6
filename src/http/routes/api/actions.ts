import { Hono, type Context } from "hono";
import { z } from "zod";
import { commentAdder } from "../../../commands/commentAdder";
import { completionReviewer } from "../../../commands/completionReviewer";
import { runCommand, type Command } from "../../../commands/context";
import { extensionDecider } from "../../../commands/extensionDecider";
import { extensionRequester } from "../../../commands/extensionRequester";
import { infoRequester } from "../../../commands/infoRequester";
import { infoSupplier } from "../../../commands/infoSupplier";
import { requestResubmitter } from "../../../commands/requestResubmitter";
import { requestWithdrawer } from "../../../commands/requestWithdrawer";
import { taskArbitrator } from "../../../commands/taskArbitrator";
import { taskAssigner } from "../../../commands/taskAssigner";
import { taskCompleter } from "../../../commands/taskCompleter";
import { taskEvaluator } from "../../../commands/taskEvaluator";
import { taskReturner } from "../../../commands/taskReturner";
import { taskTransferrer } from "../../../commands/taskTransferrer";
import { taskUrger } from "../../../commands/taskUrger";
import type { TaskState } from "../../../domain/types";
import type { AppEnv } from "../../env";
import { sessionAuth } from "../../middleware/session-auth";
import { CommentedSchema, RequestResultSchema, TaskResultSchema, UrgedSchema } from "../../schemas";
import { describe, jsonBody } from "../../validation";
import { taskPath } from "./paths";

// Every other action of the mini-app: the same commands and policies as the chat, one thin route each.

const auth = sessionAuth();
const required = (what: string, max = 2000) =>
  z
    .string({ message: `请填写${what}` })
    .trim()
    .min(1, `请填写${what}`)
    .max(max, `${what}最长 ${max} 字`);
const departmentCode = z.string({ message: "请填写部门编码（可从 GET /api/departments 获取）" }).trim().min(1, "请填写部门编码（可从 GET /api/departments 获取）");

const taskParams = { id: "任务 id（事项详情中 tasks[].id）" };
const numberParams = { number: "事项编号，如 XT-2026-000001" };
const taskAnswer = { 200: { description: "任务的新状态", schema: TaskResultSchema } };
const requestAnswer = { 200: { description: "事项的新状态", schema: RequestResultSchema } };

// The id is checked by `taskPath` (1 to 2147483647) before any handler runs.
const taskId = (c: Context<AppEnv>) => ({ taskId: Number(c.req.param("id")) });
const numberOf = (c: Context<AppEnv>) => c.req.param("number") ?? "";

/** Runs a command as the signed-in person and answers with the task's new state. */
async function onTask<I>(c: Context<AppEnv>, command: Command<I, { task: { id: number; state: TaskState }; actedAs?: string }>, input: I) {
  const r = await runCommand(c.get("deps"), c.get("actor"), command, input);
  return c.json({ taskId: r.task.id, state: r.task.state, ...(r.actedAs ? { actedAs: r.actedAs } : {}) });
}

const TASK = "/tasks/:id{[0-9]+}";

export const actionRoutes = new Hono<AppEnv>()
  .post(
    `${TASK}/assign`,
    describe({ tag: "操作", auth: "session", summary: "指派经办人（分办）", description: "承办部门负责人或收件员为已签收的任务指定或更换经办人；新经办人收到通知，原经办人被告知无需再办。", params: taskParams, responses: taskAnswer }),
    auth,
    taskPath,
    jsonBody(z.object({ assigneeOpenId: z.string({ message: "请填写 assigneeOpenId：经办人的 openId（可从 GET /api/departments/<编码>/people 获取）" }).trim().min(1, "请填写 assigneeOpenId") }), {
      assigneeOpenId: "ou_wangfang",
    }),
    (c) => onTask(c, taskAssigner, { task: taskId(c), assignee: { openId: c.req.valid("json").assigneeOpenId } }),
  )
  .post(
    `${TASK}/return`,
    describe({ tag: "操作", auth: "session", summary: "退回", description: "不属于本部门职责时退回发起人，须写明原因。同一任务连续被两个部门退回后，由督查指定责任部门。", params: taskParams, responses: taskAnswer }),
    auth,
    taskPath,
    jsonBody(z.object({ reason: required("退回原因") }), { reason: "不属于本部门职责，建议转税务局" }),
    (c) => onTask(c, taskReturner, { task: taskId(c), reason: c.req.valid("json").reason }),
  )
  .post(
    `${TASK}/transfer`,
    describe({ tag: "操作", auth: "session", summary: "转办", description: "转给另一个部门办理（最多转办 3 次，再转需管理员），须写明原因。", params: taskParams, responses: taskAnswer }),
    auth,
    taskPath,
    jsonBody(z.object({ department: departmentCode, reason: required("转办原因") }), { department: "city-tax", reason: "属税务职责" }),
    (c) => onTask(c, taskTransferrer, { task: taskId(c), toDepartment: c.req.valid("json").department, reason: c.req.valid("json").reason }),
  )
  .post(
    `${TASK}/request-info`,
    describe({ tag: "操作", auth: "session", summary: "要求补正", description: "请发起人补充材料；补正期间截止时间暂停计算。", params: taskParams, responses: taskAnswer }),
    auth,
    taskPath,
    jsonBody(z.object({ question: required("需要补正的内容") }), { question: "请补充统一社会信用代码" }),
    (c) => onTask(c, infoRequester, { task: taskId(c), question: c.req.valid("json").question }),
  )
  .post(
    `${TASK}/extension`,
    describe({ tag: "操作", auth: "session", summary: "申请延期", description: "经办人或承办部门负责人申请延长办结时限（新时限为该工作日 17:30，须晚于当前时限），须写明理由；由发起人审批，督办中由督查人员审批。同一任务同时只能有一份待审批的申请。", params: taskParams, responses: taskAnswer }),
    auth,
    taskPath,
    jsonBody(z.object({ dueDate: required("新的办结时限（如 2026-12-31、12月31日 或 5个工作日）", 20), reason: required("延期理由") }), { dueDate: "2026-12-31", reason: "需等待省厅回函" }),
    (c) => onTask(c, extensionRequester, { task: taskId(c), due: c.req.valid("json").dueDate, reason: c.req.valid("json").reason }),
  )
  .post(
    `${TASK}/extension/decide`,
    describe({ tag: "操作", auth: "session", summary: "审批延期", description: "发起人（督办中为督查人员）同意或不同意待审批的延期申请。同意时可给出不晚于申请日期的 dueDate；不同意须写明 comment。", params: taskParams, responses: taskAnswer }),
    auth,
    taskPath,
    jsonBody(
      z.object({
        approve: z.boolean({ message: "请填写 approve：true 同意，false 不同意" }),
        dueDate: z.string().trim().max(20, "dueDate 最长 20 字").optional(),
        comment: z.string().trim().max(2000, "comment 最长 2000 字").optional(),
      }),
      { approve: true },
    ),
    (c) => onTask(c, extensionDecider, { task: taskId(c), approve: c.req.valid("json").approve, due: c.req.valid("json").dueDate || undefined, comment: c.req.valid("json").comment }),
  )
  .post(
    `${TASK}/supply-info`,
    describe({ tag: "操作", auth: "session", summary: "补正（发起人补充材料）", description: "发起人答复承办部门的补正要求，任务回到办理中，截止时间顺延暂停的时长。", params: taskParams, responses: taskAnswer }),
    auth,
    taskPath,
    jsonBody(z.object({ content: required("补充的内容") }), { content: "统一社会信用代码：91330100MA2XXXXXX" }),
    (c) => onTask(c, infoSupplier, { task: taskId(c), content: c.req.valid("json").content }),
  )
  .post(
    `${TASK}/complete`,
    describe({
      tag: "操作",
      auth: "session",
      summary: "办结",
      description: "提交办理结果。联办事项由主办部门最后办结；规则要求办结审核时，结果先交本部门负责人确认。",
      params: taskParams,
      responses: taskAnswer,
    }),
    auth,
    taskPath,
    jsonBody(z.object({ result: required("办理结果", 4000) }), { result: "经核查，营业执照真实有效" }),
    (c) => onTask(c, taskCompleter, { task: taskId(c), result: c.req.valid("json").result }),
  )
  .post(
    `${TASK}/review`,
    describe({ tag: "操作", auth: "session", summary: "办结审核", description: "承办部门负责人确认办结（confirm）或退回重办（sendBack，须写意见）。", params: taskParams, responses: taskAnswer }),
    auth,
    taskPath,
    jsonBody(z.object({ decision: z.enum(["confirm", "sendBack"], { message: "decision 只能是 confirm（确认办结）或 sendBack（退回重办）" }), comment: z.string().trim().max(2000).optional() }), {
      decision: "confirm",
    }),
    (c) => onTask(c, completionReviewer, { task: taskId(c), decision: c.req.valid("json").decision, comment: c.req.valid("json").comment }),
  )
  .post(
    `${TASK}/resubmit`,
    describe({ tag: "操作", auth: "session", summary: "重新提交（被退回后）", description: "发起人修改后重新提交给原部门，或改投另一个部门。", params: taskParams, responses: taskAnswer }),
    auth,
    taskPath,
    jsonBody(z.object({ department: z.string().trim().min(1).optional(), note: z.string().trim().max(2000).optional() }), { note: "已补充企业地址" }),
    (c) => onTask(c, requestResubmitter, { task: taskId(c), toDepartment: c.req.valid("json").department, note: c.req.valid("json").note }),
  )
  .post(
    `${TASK}/arbitrate`,
    describe({ tag: "操作", auth: "session", summary: "督查指定责任部门", description: "任务连续被两个部门退回后，督查指定由哪个部门办理，该部门不能再退回或转办。", params: taskParams, responses: taskAnswer }),
    auth,
    taskPath,
    jsonBody(z.object({ department: departmentCode, comment: required("指定理由") }), { department: "city-hrss", comment: "依职责由人社局办理" }),
    (c) => onTask(c, taskArbitrator, { task: taskId(c), department: c.req.valid("json").department, comment: c.req.valid("json").comment }),
  )
  .post(
    `${TASK}/evaluate`,
    describe({ tag: "操作", auth: "session", summary: "评价", description: "发起人对已办结的任务打 1 到 5 分；2 分及以下须写明意见。", params: taskParams, responses: taskAnswer }),
    auth,
    taskPath,
    jsonBody(z.object({ score: z.number({ message: "score 须为 1 到 5 的整数" }).int("score 须为 1 到 5 的整数"), comment: z.string().trim().max(2000).optional() }), {
      score: 5,
      comment: "办理及时",
    }),
    (c) => onTask(c, taskEvaluator, { task: taskId(c), score: c.req.valid("json").score, comment: c.req.valid("json").comment }),
  )
  .post(
    "/requests/:number/withdraw",
    describe({ tag: "操作", auth: "session", summary: "撤回", description: "发起人撤回尚未办结的事项，须写明原因。", params: numberParams, responses: requestAnswer }),
    auth,
    jsonBody(z.object({ reason: required("撤回原因") }), { reason: "企业已自行提交材料" }),
    async (c) => {
      const r = await runCommand(c.get("deps"), c.get("actor"), requestWithdrawer, { request: { requestNumber: numberOf(c) }, reason: c.req.valid("json").reason });
      return c.json({ number: r.request.number, status: r.request.status as TaskState });
    },
  )
  .post(
    "/requests/:number/urge",
    describe({ tag: "操作", auth: "session", summary: "催办", description: "发起人、发起部门负责人或督查催办；同一任务 4 小时内只能催办一次。联办事项可指定部门。", params: numberParams, responses: { 200: { description: "催办了几个部门", schema: UrgedSchema } } }),
    auth,
    jsonBody(z.object({ department: z.string().trim().min(1).optional() }), {}),
    async (c) => {
      const r = await runCommand(c.get("deps"), c.get("actor"), taskUrger, { requestNumber: numberOf(c), departmentCode: c.req.valid("json").department });
      return c.json({ ok: true as const, urged: r.urged });
    },
  )
  .post(
    "/requests/:number/comments",
    describe({ tag: "操作", auth: "session", summary: "补充说明", description: "参与各方在事项下留言；发起人在待补正时的补充即为补正。", params: numberParams, responses: { 201: { description: "已留言", schema: CommentedSchema } } }),
    auth,
    jsonBody(z.object({ body: required("补充的内容") }), { body: "企业联系人：李先生 138xxxx0000" }),
    async (c) => {
      const r = await runCommand(c.get("deps"), c.get("actor"), commentAdder, { requestNumber: numberOf(c), body: c.req.valid("json").body });
      return c.json({ ok: true as const, commentId: r.commentId }, 201);
    },
  );
