import { Hono } from "hono";
import { z } from "zod";
import { findDepartmentByCode, listCategories, listDepartments, usersWithRole } from "../../../db/repositories/org";
import { inboundTasks, outboundRequests } from "../../../db/repositories/queues";
import { boardCounts, pendingWorkFor } from "../../../db/repositories/views";
import { OPEN_TASK_STATES, type TaskState } from "../../../domain/types";
import { departmentsOf, hasGlobalRole, type UserActor } from "../../../policies/actor";
import { presentInboxPage, presentRequestItem } from "../../../presenters/request";
import { loadLightClock } from "../../../commands/escalationPolicy";
import { presentLight } from "../../../presenters/light";
import type { AppEnv } from "../../env";
import { errorBody } from "../../errors";
import { sessionAuth } from "../../middleware/session-auth";
import { BoardSchema, DepartmentSchema, InboxItemSchema, page, PersonSchema, RequestItemSchema, PendingWorkSchema } from "../../schemas";
import { describe, queryParams } from "../../validation";

const auth = sessionAuth();
const iso = (d: Date) => new Date(d).toISOString();
const paging = {
  cursor: z.string().optional().meta({ description: "上一页应答中的 next" }),
  limit: z.coerce.number({ message: "limit 须为 1 到 100 的整数" }).int().min(1).max(100).default(20).meta({ description: "每页条数，1 到 100，默认 20" }),
};
const cellQuery = z.object({
  from: z.string({ message: "请填写 from（发起部门编码）" }).trim().min(1).meta({ description: "发起部门编码" }),
  to: z.string({ message: "请填写 to（承办部门编码）" }).trim().min(1).meta({ description: "承办部门编码" }),
  ...paging,
});

const supervises = (actor: UserActor) => hasGlobalRole(actor, "supervisor") || hasGlobalRole(actor, "admin");
const ROLE_ORDER = ["head", "dispatcher", "handler", "member"];

/** The mini-app's views: 待办, 我发起的, the department-to-department board, and the organisation for choosers. */
export const viewRoutes = new Hono<AppEnv>()
  .get(
    "/todo",
    describe({
      tag: "视图",
      auth: "session",
      summary: "待办",
      description:
        "等我处理的：待我审批、本部门待签收、已签收待指派经办人、我（或本部门任一经办人）可办理的任务、等我确认办结的结果（负责人）、要我补正的事项，每类按截止时间先后；以及本部门待答复的整改、待我确认的整改、待督查裁定的整改异议与申诉。",
      responses: { 200: { description: "各类待办", schema: PendingWorkSchema } },
    }),
    auth,
    async (c) => {
      const db = c.get("deps").db.kysely;
      const t = await pendingWorkFor(db, c.get("actor"), 100);
      const clock = await loadLightClock(db, c.get("deps"));
      const shape = (items: typeof t.approvals) =>
        items.map((i) => ({
          taskId: i.taskId!,
          number: i.number,
          title: i.classification === "sensitive" ? `（涉密）${i.title}` : i.title,
          state: i.state as TaskState,
          dueAt: iso(i.dueAt),
          department: i.departmentName,
          ...presentLight(i, clock),
        }));
      return c.json({
        approvals: shape(t.approvals),
        toAccept: shape(t.toAccept),
        toAssign: shape(t.toAssign),
        toHandle: shape(t.toHandle),
        toConfirm: t.toConfirm.map((i) => ({ ...shape([i])[0]!, result: i.result ?? "" })),
        toSupply: shape(t.toSupply),
        toRectify: shape(t.toRectify),
        toConfirmRectification: shape(t.toConfirmRectification),
        toDecide: shape(t.toDecide),
      });
    },
  )
  .get(
    "/mine",
    describe({ tag: "视图", auth: "session", summary: "我发起的", description: "我发起的事项，最新的在前，用 cursor 翻页。", responses: { 200: { description: "一页事项", schema: page(RequestItemSchema) } } }),
    auth,
    queryParams(z.object(paging), "/api/mine?limit=20"),
    async (c) => {
      const actor = c.get("actor") as UserActor;
      const q = c.req.valid("query");
      const result = await outboundRequests(c.get("deps").db.kysely, { viewer: actor, requesterId: actor.id, cursor: q.cursor, limit: q.limit });
      const clock = await loadLightClock(c.get("deps").db.kysely, c.get("deps"));
      return c.json({ items: result.items.map((r) => presentRequestItem(r, clock)), next: result.next });
    },
  )
  .get(
    "/board",
    describe({
      tag: "视图",
      auth: "session",
      summary: "部门间晾晒看板",
      description: "每一对（发起部门，承办部门）未办结的任务数与其中已超期、临期的数量（待补正暂停计时的不算超期）。督查与管理员看到全部，其他人只看到与本部门有关的格子。",
      responses: { 200: { description: "看板的格子", schema: BoardSchema } },
    }),
    auth,
    async (c) => {
      const actor = c.get("actor") as UserActor;
      const deps = c.get("deps");
      const all = supervises(actor);
      const cells = await boardCounts(deps.db.kysely, actor, deps.now(), all ? null : departmentsOf(actor).concat(actor.departmentId));
      return c.json({
        scope: all ? ("all" as const) : ("mine" as const),
        cells: cells.map((x) => ({ from: { code: x.fromCode, name: x.fromName }, to: { code: x.toCode, name: x.toName }, open: Number(x.open), overdue: Number(x.overdue), dueSoon: Number(x.dueSoon) })),
      });
    },
  )
  .get(
    "/board/cell",
    describe({
      tag: "视图",
      auth: "session",
      summary: "看板格子里的任务",
      description: "某发起部门发给某承办部门、尚未办结的任务，按截止时间先后，用 cursor 翻页。",
      responses: { 200: { description: "一页任务", schema: page(InboxItemSchema) }, 404: { description: "没有 from 或 to 所指的部门" } },
    }),
    auth,
    queryParams(cellQuery, "/api/board/cell?from=dh-binjiang&to=city-amr"),
    async (c) => {
      const q = c.req.valid("query");
      const actor = c.get("actor") as UserActor;
      const db = c.get("deps").db.kysely;
      const [from, to] = [await findDepartmentByCode(db, q.from), await findDepartmentByCode(db, q.to)];
      if (!from || !to) return c.json(errorBody("not_found", `找不到部门 ${!from ? q.from : q.to}。`), 404);
      const mine = departmentsOf(actor).concat(actor.departmentId);
      if (!(supervises(actor) || mine.includes(from.id) || mine.includes(to.id))) {
        return c.json(errorBody("forbidden", "您只能查看与本部门有关的格子。"), 403);
      }
      const result = await inboundTasks(db, { viewer: actor, departmentId: to.id, fromDepartmentId: from.id, states: OPEN_TASK_STATES, cursor: q.cursor, limit: q.limit });
      return c.json(presentInboxPage(result, await loadLightClock(db, c.get("deps"))));
    },
  )
  .get(
    "/departments",
    describe({
      tag: "组织",
      auth: "session",
      summary: "部门列表",
      description: "在用的部门，含简称与上级部门，用于转办、改投、督查指定时选择部门。",
      responses: { 200: { description: "部门", schema: z.strictObject({ items: z.array(DepartmentSchema) }) } },
    }),
    auth,
    async (c) => {
      const all = await listDepartments(c.get("deps").db.kysely);
      const codeOf = new Map(all.map((d) => [d.id, d.code]));
      return c.json({ items: all.map((d) => ({ code: d.code, name: d.name, aliases: d.aliases, parent: d.parentId ? (codeOf.get(d.parentId) ?? null) : null })) });
    },
  )
  .get(
    "/categories",
    describe({
      tag: "组织",
      auth: "session",
      summary: "类别",
      description: "路由规则中的类别，以及事项用过的类别（用得多的在前），用于筛选与发起时选择。",
      responses: { 200: { description: "类别", schema: z.strictObject({ items: z.array(z.string()) }) } },
    }),
    auth,
    async (c) => c.json({ items: await listCategories(c.get("deps").db.kysely, c.get("actor")) }),
  )
  .get(
    "/departments/:code/people",
    describe({
      tag: "组织",
      auth: "session",
      summary: "部门人员",
      description: "部门里有角色的人员（负责人、收件员、经办人、成员），用于签收时指定经办人。只有该部门的人员与督查可以查看。",
      params: { code: "部门编码" },
      responses: { 200: { description: "人员", schema: z.strictObject({ items: z.array(PersonSchema) }) } },
    }),
    auth,
    async (c) => {
      const actor = c.get("actor") as UserActor;
      const db = c.get("deps").db.kysely;
      const d = await findDepartmentByCode(db, c.req.param("code"));
      if (!d) return c.json(errorBody("not_found", `找不到部门 ${c.req.param("code")}。`), 404);
      if (!(supervises(actor) || departmentsOf(actor).includes(d.id) || actor.departmentId === d.id)) {
        return c.json(errorBody("forbidden", "您只能查看本部门的人员。"), 403);
      }
      const people = new Map<string, { openId: string; name: string; roles: string[] }>();
      for (const role of ROLE_ORDER) {
        for (const p of await usersWithRole(db, d.id, [role])) {
          const entry = people.get(p.openId) ?? { openId: p.openId, name: p.name, roles: [] };
          entry.roles.push(role);
          people.set(p.openId, entry);
        }
      }
      return c.json({ items: [...people.values()] });
    },
  );
