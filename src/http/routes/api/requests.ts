import { Hono } from "hono";
import { z } from "zod";
import { runCommand } from "../../../commands/context";
import { requestApprover } from "../../../commands/requestApprover";
import { taskAccepter } from "../../../commands/taskAccepter";
import { inboundTasks, outboundRequests } from "../../../db/repositories/queues";
import { findDepartmentByCode } from "../../../db/repositories/org";
import { requestDetail, requestTimeline } from "../../../db/repositories/views";
import { OPEN_TASK_STATES, TASK_STATES, type TaskState } from "../../../domain/types";
import { departmentsOf, type UserActor } from "../../../policies/actor";
import { canView } from "../../../policies/task";
import { presentMe } from "../../../presenters/me";
import { presentInboxItem, presentRequestDetail } from "../../../presenters/request";
import type { AppEnv } from "../../env";
import { errorBody, invalidInput } from "../../errors";
import { sessionAuth } from "../../middleware/session-auth";

const listQuery = z.object({
  state: z
    .string()
    .optional()
    .transform((s) => (s ? s.split(",") : [...OPEN_TASK_STATES]))
    .pipe(z.array(z.enum(TASK_STATES, { message: `state 只能是 ${TASK_STATES.join("、")}` }))),
  department: z.string().optional(),
  due: z.enum(["overdue", "soon"], { message: "due 只能是 overdue（已超期）或 soon（一个工作日内到期）" }).optional(),
  category: z.string().optional(),
  from: z.string().optional(),
  q: z.string().trim().max(100).optional(),
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
const decision = z.object({ comment: z.string().max(2000).optional() });
const accept = z.object({ assigneeOpenId: z.string().optional() });

/** Which of the person's departments a list is for: ?department=code, else their own. */
async function listDepartment(c: { get(k: "deps"): AppEnv["Variables"]["deps"] }, actor: UserActor, code: string | undefined) {
  if (!code) return actor.departmentId;
  const d = await findDepartmentByCode(c.get("deps").db.kysely, code);
  return d && departmentsOf(actor).includes(d.id) ? d.id : null;
}

/** The people's API (mini-app and integrations acting for a person). Every route checks the session and the policies. */
// The check sits on each route: a `use("*")` here would also cover /api/admin and /api/auth once mounted at /api.
const auth = sessionAuth();

export const requestRoutes = new Hono<AppEnv>()
  // The CSRF token is readable only by same-origin pages (no CORS), so a reloaded mini-app can get it back.
  .get("/me", auth, async (c) => c.json({ ...(await presentMe(c.get("deps").db.kysely, c.get("actor") as UserActor)), csrfToken: c.get("csrfToken") ?? null }))
  .get("/requests/:number", auth, async (c) => {
    const d = await requestDetail(c.get("deps").db.kysely, c.get("actor"), c.req.param("number"));
    // Not there and not visible answer the same: a sensitive request's existence is not revealed.
    if (!d) return c.json(errorBody("not_found", `找不到协同事项 ${c.req.param("number")}。`), 404);
    return c.json(presentRequestDetail(d, await requestTimeline(c.get("deps").db.kysely, d.id)));
  })
  .get("/inbox", auth, async (c) => {
    const q = listQuery.safeParse(c.req.query());
    if (!q.success) return invalidInput(c, q.error, "/api/inbox?state=pending_accept,in_progress&limit=20");
    const actor = c.get("actor") as UserActor;
    const departmentId = await listDepartment(c, actor, q.data.department);
    if (departmentId === null) return c.json(errorBody("forbidden", "您只能查看自己所在部门的收件。"), 403);
    const deps = c.get("deps");
    const from = q.data.from ? await findDepartmentByCode(deps.db.kysely, q.data.from) : undefined;
    if (q.data.from && !from) return c.json(errorBody("not_found", `找不到发起部门 ${q.data.from}。`), 404);
    const now = deps.now().getTime();
    const page = await inboundTasks(deps.db.kysely, {
      departmentId,
      states: q.data.state as TaskState[],
      cursor: q.data.cursor,
      limit: q.data.limit,
      ...(from ? { fromDepartmentId: from.id } : {}),
      // 超期: past due; 临期: due within the coming day, not yet past.
      ...(q.data.due === "overdue" ? { dueBefore: new Date(now) } : {}),
      ...(q.data.due === "soon" ? { dueAfter: new Date(now), dueBefore: new Date(now + 24 * 3600_000) } : {}),
      ...(q.data.category ? { category: q.data.category } : {}),
      ...(q.data.q ? { text: q.data.q } : {}),
    });
    return c.json({
      items: page.items.map((t) => presentInboxItem(t, canView(actor, { requesterId: t.requesterId, fromDepartmentId: t.fromDepartmentId, classification: t.classification }, [{ departmentId, assigneeId: t.assigneeId }]))),
      next: page.next,
    });
  })
  .get("/outbox", auth, async (c) => {
    const q = listQuery.safeParse(c.req.query());
    if (!q.success) return invalidInput(c, q.error, "/api/outbox?limit=20");
    const actor = c.get("actor") as UserActor;
    const departmentId = await listDepartment(c, actor, q.data.department);
    if (departmentId === null) return c.json(errorBody("forbidden", "您只能查看自己所在部门的发件。"), 403);
    const page = await outboundRequests(c.get("deps").db.kysely, { departmentId, cursor: q.data.cursor, limit: q.data.limit });
    return c.json({ items: page.items.map((r) => ({ number: r.number, title: r.title, status: r.status, dueAt: new Date(r.dueAt).toISOString() })), next: page.next });
  })
  .post("/requests/:number/:decision{approve|reject}", auth, async (c) => {
    const b = decision.safeParse(await c.req.json().catch(() => ({})));
    if (!b.success) return invalidInput(c, b.error, '{"comment":"同意"}');
    const r = await runCommand(c.get("deps"), c.get("actor"), requestApprover, {
      request: { requestNumber: c.req.param("number") },
      decision: c.req.param("decision") as "approve" | "reject",
      comment: b.data.comment,
    });
    return c.json({ number: r.request.number, status: r.request.status });
  })
  .post("/tasks/:id/accept", auth, async (c) => {
    const b = accept.safeParse(await c.req.json().catch(() => ({})));
    if (!b.success) return invalidInput(c, b.error, '{"assigneeOpenId":"ou_wangfang"}');
    const r = await runCommand(c.get("deps"), c.get("actor"), taskAccepter, {
      task: { taskId: Number(c.req.param("id")) },
      assignee: b.data.assigneeOpenId ? { openId: b.data.assigneeOpenId } : undefined,
    });
    return c.json({ taskId: r.task.id, state: r.task.state });
  });
