import { sql } from "kysely";
import { visibleTo } from "../db/repositories/visibility";
import { appendAudit, requestChain } from "../db/repositories/audit";
import { enqueueMessages } from "../db/repositories/outbox";
import { OPEN_TASK_STATES, DomainError } from "../domain/types";
import { actorUserId, hasDepartmentRole, hasGlobalRole } from "../policies/actor";
import type { Executor } from "../db/client";
import type { Actor } from "../policies/actor";
import type { Command } from "./context";

export interface HandoverInput {
  fromUserId: number;
  toUserId: number;
  /** also end the leaving person's department roles (离岗); default true */
  moveRoles?: boolean | undefined;
}

export interface HandoverReport {
  tasks: string[];
  requests: string[];
  roles: Array<{ role: string; departmentId: number }>;
}

const EXAMPLE = "交接人：王芳 → 接替人：孙强（同部门经办人）";

/**
 * 离岗交接: in one step, the leaving person's open tasks (as handler), their open requests and drafts (as
 * requester: 待审批, 已退回 awaiting revision, in progress) and their department roles (so approvals and
 * inboxes now reach the successor) move to the successor. One transaction; each request's trail records it.
 */
const openRequestStates = ["pending_approval", "pending_accept", "in_progress", "awaiting_info", "returned", "partially_completed"];

/** Only an admin, or the head of the leaving person's department, hands their work over (and may see the preview). */
export function mayHandOver(actor: Actor, departmentId: number): void {
  if (!hasGlobalRole(actor, "admin") && !hasDepartmentRole(actor, "head", departmentId)) {
    throw new DomainError("forbidden", "只有管理员或交接人所在部门的负责人可以办理离岗交接。", { example: EXAMPLE });
  }
}

export interface HandoverPreview {
  tasks: Array<{ number: string; title: string; state: string; department: string }>;
  /** their open requests: drafts returned for revision, waiting for approval, in progress */
  requests: Array<{ number: string; title: string; status: string }>;
  /** requests of their departments waiting for approval, which they (as head) would approve */
  approvals: Array<{ number: string; title: string }>;
  roles: Array<{ role: string; department: string }>;
  /** how many of the above are sensitive requests the viewer may not open: moved too, but neither numbered nor named */
  withheld: number;
}

/** What a handover of this person would move, read without changing anything (the same selection as below). */
export async function handoverPreview(db: Executor, userId: number, viewer: Actor): Promise<HandoverPreview> {
  // What the viewer may not open (a sensitive request outside their reach) is moved all the same, but only counted.
  const mayOpen = visibleTo(viewer);
  const tasks = await db
    .selectFrom("tasks")
    .innerJoin("requests", "requests.id", "tasks.requestId")
    .innerJoin("departments", "departments.id", "tasks.departmentId")
    .select(["requests.number", "requests.title", "tasks.state", "departments.name as department"])
    .select((eb) => sql<boolean>`${mayOpen(eb)}`.as("visible"))
    .where("tasks.assigneeId", "=", userId)
    .where("tasks.state", "in", [...OPEN_TASK_STATES])
    .orderBy("tasks.id")
    .execute();
  const requests = await db
    .selectFrom("requests")
    .select(["number", "title", "status"])
    .select((eb) => sql<boolean>`${mayOpen(eb)}`.as("visible"))
    .where("requesterId", "=", userId)
    .where("status", "in", openRequestStates)
    .orderBy("id")
    .execute();
  const roles = await db
    .selectFrom("userRoles")
    .innerJoin("departments", "departments.id", "userRoles.departmentId")
    .select(["userRoles.role", "departments.name as department", "departments.id"])
    .where("userRoles.userId", "=", userId)
    .orderBy("userRoles.id")
    .execute();
  const headOf = roles.filter((r) => r.role === "head").map((r) => r.id);
  const approvals = headOf.length
    ? await db
        .selectFrom("requests")
        .select(["number", "title"])
        .select((eb) => sql<boolean>`${mayOpen(eb)}`.as("visible"))
        .where("fromDepartmentId", "in", headOf)
        .where("status", "=", "pending_approval")
        .orderBy("id")
        .execute()
    : [];
  const shown = <T extends { visible: boolean }>(rows: T[]) => rows.filter((r) => r.visible).map(({ visible: _, ...r }) => r);
  const withheld = [tasks, requests, approvals].reduce((n, rows) => n + rows.filter((r) => !r.visible).length, 0);
  return { tasks: shown(tasks), requests: shown(requests), approvals: shown(approvals), withheld, roles: roles.map((r) => ({ role: r.role, department: r.department })) };
}

export const handoverPerformer: Command<HandoverInput, HandoverReport> = async (deps, ctx, input) => {
  const at = deps.now();
  const from = await ctx.trx.selectFrom("users").selectAll().where("id", "=", input.fromUserId).forUpdate().executeTakeFirst();
  const to = await ctx.trx.selectFrom("users").selectAll().where("id", "=", input.toUserId).where("active", "=", true).executeTakeFirst();
  if (!from) throw new DomainError("not_found", "找不到交接人。", { example: EXAMPLE });
  if (!to) throw new DomainError("not_found", "找不到接替人，或其账号已停用。", { example: EXAMPLE });
  if (from.id === to.id) throw new DomainError("invalid_successor", "接替人不能是交接人本人。", { example: EXAMPLE });
  mayHandOver(ctx.actor, from.departmentId);
  const who = { actorId: actorUserId(ctx.actor), actorName: ctx.actor.name };
  const tasks = await ctx.trx
    .selectFrom("tasks")
    .innerJoin("requests", "requests.id", "tasks.requestId")
    .select(["tasks.id", "tasks.requestId", "requests.number"])
    .where("tasks.assigneeId", "=", from.id)
    .where("tasks.state", "in", [...OPEN_TASK_STATES])
    .orderBy("tasks.id")
    .execute();
  for (const t of tasks) {
    await ctx.trx.updateTable("tasks").set({ assigneeId: to.id, updatedAt: at }).where("id", "=", t.id).execute();
    await appendAudit(ctx.trx, { chain: requestChain(t.requestId), requestId: t.requestId, taskId: t.id, ...who, action: "handover", data: { from: from.name, to: to.name, as: "assignee" }, at });
  }
  const requests = await ctx.trx
    .selectFrom("requests")
    .select(["id", "number"])
    .where("requesterId", "=", from.id)
    .where("status", "in", openRequestStates)
    .orderBy("id")
    .execute();
  for (const r of requests) {
    await ctx.trx.updateTable("requests").set({ requesterId: to.id, updatedAt: at }).where("id", "=", r.id).execute();
    await appendAudit(ctx.trx, { chain: requestChain(r.id), requestId: r.id, ...who, action: "handover", data: { from: from.name, to: to.name, as: "requester" }, at });
  }
  const roles: HandoverReport["roles"] = [];
  if (input.moveRoles !== false) {
    const grants = await ctx.trx.selectFrom("userRoles").select(["id", "role", "departmentId"]).where("userId", "=", from.id).where("departmentId", "is not", null).execute();
    for (const g of grants) {
      const has = await ctx.trx.selectFrom("userRoles").select("id").where("userId", "=", to.id).where("role", "=", g.role).where("departmentId", "=", g.departmentId).executeTakeFirst();
      if (!has) await ctx.trx.insertInto("userRoles").values({ userId: to.id, role: g.role, departmentId: g.departmentId }).execute();
      await ctx.trx.deleteFrom("userRoles").where("id", "=", g.id).execute();
      roles.push({ role: g.role, departmentId: g.departmentId! });
    }
  }
  const report = { tasks: tasks.map((t) => t.number), requests: requests.map((r) => r.number), roles };
  await appendAudit(ctx.trx, { chain: "org", ...who, action: "handover", data: { from: from.openId, to: to.openId, ...report }, at });
  const list = (items: string[]) => (items.length ? items.join("、") : "无");
  await enqueueMessages(
    ctx.trx,
    [
      {
        topic: "org.handover",
        to: { type: "open_id", id: to.openId },
        payload: { text: `${from.name} 的工作已交接给您（${ctx.actor.name} 办理）：经办任务 ${list(report.tasks)}；发起的事项 ${list(report.requests)}。发送 /待办 查看。` },
      },
    ],
    at,
  );
  return report;
};
