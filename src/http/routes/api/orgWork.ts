import { Hono } from "hono";
import { z } from "zod";
import { runCommand } from "../../../commands/context";
import { delegationRevoker } from "../../../commands/delegationRevoker";
import { delegationSetter } from "../../../commands/delegationSetter";
import { departmentSettingsUpdater } from "../../../commands/departmentSettingsUpdater";
import { handoverPerformer, handoverPreview, mayHandOver } from "../../../commands/handoverPerformer";
import { currentDelegations } from "../../../db/repositories/delegations";
import { findDepartmentByCode } from "../../../db/repositories/org";
import { ASSIGNMENT_MODE_LABELS, type AssignmentMode } from "../../../domain/assignment";
import { DomainError } from "../../../domain/types";
import { hasDepartmentRole, hasGlobalRole, type UserActor } from "../../../policies/actor";
import { presentDelegation } from "../../../presenters/me";
import type { AppEnv } from "../../env";
import { sessionAuth } from "../../middleware/session-auth";
import { DelegationSchema } from "../../schemas";
import { describe, idParam, jsonBody, pathParams } from "../../validation";

// 代理, 离岗交接 and a department's auto-assignment, for the people who do them (the mini-app and integrations).

const auth = sessionAuth();
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const day = (what: string) => z.string({ message: `请填写 ${what}，格式 YYYY-MM-DD，如 2026-12-07` }).trim().regex(DATE, `${what} 须写成 YYYY-MM-DD，如 2026-12-07`);

/** A new 代理; the 「我的代理」 form validates with this same schema. */
export const delegationBody = z
  .object({
    deputy: z.string({ message: "请填写 deputy：代理人的 openId（从本部门人员中选择）" }).trim().min(1, "deputy 不能为空：填写代理人的 openId"),
    startsOn: day("startsOn（开始日期）"),
    endsOn: day("endsOn（结束日期，含当天）"),
    category: z.string().trim().max(50, "category 最长 50 字").nullish().meta({ description: "只代理这一类别的事项；不填为全部事项" }),
  })
  .superRefine((v, ctx) => {
    if (DATE.test(v.startsOn) && DATE.test(v.endsOn) && v.endsOn < v.startsOn) ctx.addIssue({ code: "custom", path: ["endsOn"], message: "结束日期不能早于开始日期" });
  });
export const DELEGATION_EXAMPLE = { deputy: "ou_sunqiang", startsOn: "2026-12-07", endsOn: "2026-12-11" };

const MODES = Object.keys(ASSIGNMENT_MODE_LABELS) as [AssignmentMode, ...AssignmentMode[]];
export const assignmentBody = z.object({
  mode: z.enum(MODES, { message: "mode 只能是 off（不自动分配）、round_robin（轮流分配）或 least_loaded（按在办量分配）" }),
});
const AssignmentSchema = z.strictObject({
  department: z.strictObject({ code: z.string(), name: z.string() }),
  mode: z.enum(MODES),
  label: z.string().meta({ description: "方式的中文名" }),
});

export const handoverBody = z.object({
  successor: z.string({ message: "请填写 successor：接替人的 openId" }).trim().min(1, "successor 不能为空：填写接替人的 openId"),
  moveRoles: z.boolean({ message: "moveRoles 只能是 true（角色一并移交，默认）或 false" }).optional(),
});
const personRef = z.strictObject({ openId: z.string(), name: z.string() });
const HandoverPreviewSchema = z.strictObject({
  person: personRef.extend({ department: z.string(), departmentCode: z.string() }),
  tasks: z.array(z.strictObject({ number: z.string(), title: z.string(), state: z.string(), department: z.string() })).meta({ description: "由其经办、未办结的任务" }),
  requests: z.array(z.strictObject({ number: z.string(), title: z.string(), status: z.string() })).meta({ description: "其发起、尚未办结的事项（含退回待修改的草稿与待审批的）" }),
  approvals: z.array(z.strictObject({ number: z.string(), title: z.string() })).meta({ description: "其作为负责人待审批的事项（角色移交后由接替人审批）" }),
  roles: z.array(z.strictObject({ role: z.string(), department: z.string() })),
  withheld: z.number().int().meta({ description: "其中您无权查看的涉密事项数：一并移交，但不列出编号和标题" }),
});
const HandoverReportSchema = z.strictObject({
  from: personRef,
  to: personRef,
  tasks: z.array(z.string()).meta({ description: "移交的任务所属事项编号" }),
  requests: z.array(z.string()),
  roles: z.array(z.strictObject({ role: z.string(), department: z.string() })),
});

const codeParam = pathParams(z.object({ code: z.string().trim().min(1, "请在路径中填写部门编码") }), "/api/departments/city-amr/assignment");
const openIdParam = pathParams(z.object({ openId: z.string().trim().min(1, "请在路径中填写交接人的 openId") }), "/api/handover/ou_wangfang");

/** A person by openId; `leftToo` also finds people who have left (a 交接人 after org sync has deactivated them). */
async function userByOpenId(c: { get: (k: "deps") => AppEnv["Variables"]["deps"] }, openId: string, what: string, leftToo = false) {
  const u = await c
    .get("deps")
    .db.kysely.selectFrom("users")
    .select(["id", "openId", "name", "departmentId"])
    .where("openId", "=", openId)
    .$if(!leftToo, (q) => q.where("active", "=", true))
    .executeTakeFirst();
  if (!u) throw new DomainError("not_found", leftToo ? `找不到${what} ${openId}。` : `找不到${what} ${openId}，或其账号已停用。`);
  return u;
}

async function departmentOf(c: { get: (k: "deps") => AppEnv["Variables"]["deps"] }, code: string) {
  const d = await findDepartmentByCode(c.get("deps").db.kysely, code);
  if (!d) throw new DomainError("not_found", `找不到部门 ${code}：请使用部门编码，可从 GET /api/departments 获取。`);
  return d;
}

export const orgWorkRoutes = new Hono<AppEnv>()
  .get(
    "/delegations",
    describe({
      tag: "组织",
      auth: "session",
      summary: "我的代理",
      description: "我委托他人的（given）与他人委托我的（received）代理，尚未结束的，含尚未开始的；按开始时间先后。",
      responses: { 200: { description: "代理", schema: z.strictObject({ given: z.array(DelegationSchema), received: z.array(DelegationSchema) }) } },
    }),
    auth,
    async (c) => {
      const actor = c.get("actor") as UserActor;
      const rows = await currentDelegations(c.get("deps").db.kysely, c.get("deps").now(), actor.id);
      return c.json({ given: rows.filter((d) => d.delegatorId === actor.id).map(presentDelegation), received: rows.filter((d) => d.deputyId === actor.id).map(presentDelegation) });
    },
  )
  .post(
    "/delegations",
    describe({
      tag: "组织",
      auth: "session",
      summary: "设置代理人",
      description:
        "部门负责人或经办人指定本部门的一位同事，在一段日期内（首尾两天都含）代为处理全部事项或某一类别的事项；代理人的操作记为「X（代 Y）」，到期自动结束。代理人不能是本人，须在委托人的部门，且在这段时间本人没有委托他人。操作记入组织留痕，双方都会收到消息。",
      responses: {
        201: { description: "已设置", schema: DelegationSchema },
        403: { description: "只有负责人或经办人可以设置" },
        404: { description: "找不到代理人" },
        422: { description: "代理人不合适（本人、不在本部门、本人也在委托他人），或日期有误" },
      },
    }),
    auth,
    jsonBody(delegationBody, DELEGATION_EXAMPLE),
    async (c) => {
      const body = c.req.valid("json");
      const deps = c.get("deps");
      const deputy = await userByOpenId(c, body.deputy, "代理人");
      const r = await runCommand(deps, c.get("actor"), delegationSetter, { deputyId: deputy.id, category: body.category ?? null, startsOn: body.startsOn, endsOn: body.endsOn });
      const row = (await currentDelegations(deps.db.kysely, new Date(0))).find((d) => d.id === r.id)!;
      return c.json(presentDelegation(row), 201);
    },
  )
  .post(
    "/delegations/:id{[0-9]+}/revoke",
    describe({
      tag: "组织",
      auth: "session",
      summary: "取消代理",
      description: "委托人本人或管理员提前结束一项代理。已结束或已取消的答复 revoked: false。操作记入组织留痕。",
      params: { id: "代理 id" },
      responses: { 200: { description: "结果", schema: z.strictObject({ revoked: z.boolean() }) }, 403: { description: "不是委托人" }, 404: { description: "没有该代理" } },
    }),
    auth,
    pathParams(z.object({ id: idParam }), "/api/delegations/3/revoke"),
    async (c) => c.json(await runCommand(c.get("deps"), c.get("actor"), delegationRevoker, { id: c.req.valid("param").id })),
  )
  .get(
    "/departments/:code/assignment",
    describe({
      tag: "组织",
      auth: "session",
      summary: "部门自动分配方式",
      description: "签收时是否自动指定经办人：off 不自动分配、round_robin 轮流分配、least_loaded 按在办量分配（休假或委托他人的经办人跳过）。该部门负责人与管理员可以查看。",
      params: { code: "部门编码" },
      responses: { 200: { description: "方式", schema: AssignmentSchema }, 403: { description: "不是该部门负责人或管理员" }, 404: { description: "没有该部门" } },
    }),
    auth,
    codeParam,
    async (c) => {
      const d = await departmentOf(c, c.req.valid("param").code);
      const actor = c.get("actor");
      if (!hasGlobalRole(actor, "admin") && !hasDepartmentRole(actor, "head", d.id)) {
        throw new DomainError("forbidden", "只有该部门的负责人或管理员可以查看和设置自动分配方式。");
      }
      return c.json({ department: { code: d.code, name: d.name }, mode: d.assignmentMode, label: ASSIGNMENT_MODE_LABELS[d.assignmentMode] });
    },
  )
  .put(
    "/departments/:code/assignment",
    describe({
      tag: "组织",
      auth: "session",
      summary: "设置部门自动分配方式",
      description: "该部门负责人或管理员设置签收时的自动分配方式；收件员仍可在签收时手动指定经办人。改动记入组织留痕。",
      params: { code: "部门编码" },
      responses: { 200: { description: "设置后的方式", schema: AssignmentSchema }, 403: { description: "不是该部门负责人或管理员" }, 404: { description: "没有该部门" } },
    }),
    auth,
    codeParam,
    jsonBody(assignmentBody, { mode: "round_robin" }),
    async (c) => {
      const { code } = c.req.valid("param");
      const { mode } = c.req.valid("json");
      await runCommand(c.get("deps"), c.get("actor"), departmentSettingsUpdater, { code, assignmentMode: mode });
      const d = await departmentOf(c, code);
      return c.json({ department: { code: d.code, name: d.name }, mode: d.assignmentMode, label: ASSIGNMENT_MODE_LABELS[d.assignmentMode] });
    },
  )
  .get(
    "/handover/:openId",
    describe({
      tag: "组织",
      auth: "session",
      summary: "离岗交接预览",
      description: "交接人名下将被移交的：经办的未办结任务、发起的未办结事项（含草稿）、作为负责人待审批的事项、部门角色。不做任何改动。管理员或交接人所在部门的负责人可以查看。",
      params: { openId: "交接人的 openId" },
      responses: { 200: { description: "将被移交的", schema: HandoverPreviewSchema }, 403: { description: "无权办理" }, 404: { description: "没有该人员" } },
    }),
    auth,
    openIdParam,
    async (c) => {
      const db = c.get("deps").db.kysely;
      const from = await userByOpenId(c, c.req.valid("param").openId, "交接人", true);
      mayHandOver(c.get("actor"), from.departmentId);
      const dept = await db.selectFrom("departments").select(["name", "code"]).where("id", "=", from.departmentId).executeTakeFirstOrThrow();
      return c.json({ person: { openId: from.openId, name: from.name, department: dept.name, departmentCode: dept.code }, ...(await handoverPreview(db, from.id, c.get("actor"))) });
    },
  )
  .post(
    "/handover/:openId",
    describe({
      tag: "组织",
      auth: "session",
      summary: "办理离岗交接",
      description: "一步把交接人的未办结任务、发起的未办结事项与草稿、部门角色（moveRoles 为 false 时保留）移交给接替人；一个事务，每个事项的留痕与组织留痕都有记录，接替人收到消息。",
      params: { openId: "交接人的 openId" },
      responses: { 200: { description: "已移交", schema: HandoverReportSchema }, 403: { description: "无权办理" }, 404: { description: "没有交接人或接替人" }, 422: { description: "接替人是交接人本人" } },
    }),
    auth,
    openIdParam,
    jsonBody(handoverBody, { successor: "ou_huanglei" }),
    async (c) => {
      const deps = c.get("deps");
      const body = c.req.valid("json");
      const from = await userByOpenId(c, c.req.valid("param").openId, "交接人", true);
      const to = await userByOpenId(c, body.successor, "接替人");
      const r = await runCommand(deps, c.get("actor"), handoverPerformer, { fromUserId: from.id, toUserId: to.id, moveRoles: body.moveRoles });
      const names = new Map((await deps.db.kysely.selectFrom("departments").select(["id", "name"]).execute()).map((d) => [d.id, d.name]));
      return c.json({
        from: { openId: from.openId, name: from.name },
        to: { openId: to.openId, name: to.name },
        tasks: r.tasks,
        requests: r.requests,
        roles: r.roles.map((x) => ({ role: x.role, department: names.get(x.departmentId) ?? "" })),
      });
    },
  );
