import { Hono } from "hono";
import { z } from "zod";
import { findDepartmentByCode } from "../../../db/repositories/org";
import { inboundTasks, outboundRequests } from "../../../db/repositories/queues";
import { boardCounts, todoFor } from "../../../db/repositories/views";
import { OPEN_TASK_STATES } from "../../../domain/types";
import { departmentsOf, hasGlobalRole, type UserActor } from "../../../policies/actor";
import { canView } from "../../../policies/task";
import { presentInboxItem } from "../../../presenters/request";
import type { AppEnv } from "../../env";
import { errorBody, invalidInput } from "../../errors";
import { sessionAuth } from "../../middleware/session-auth";

const auth = sessionAuth();
const iso = (d: Date) => new Date(d).toISOString();
const cellQuery = z.object({ from: z.string().min(1), to: z.string().min(1), cursor: z.string().optional(), limit: z.coerce.number().int().min(1).max(100).default(20) });

/** The mini-app's views: 待办, 我发起的, and the department-to-department board. */
export const viewRoutes = new Hono<AppEnv>()
  .get("/todo", auth, async (c) => {
    const t = await todoFor(c.get("deps").db.kysely, c.get("actor"));
    const shape = (items: typeof t.approvals) => items.map((i) => ({ taskId: i.taskId, number: i.number, title: i.classification === "sensitive" ? `（涉密）${i.title}` : i.title, state: i.state, dueAt: iso(i.dueAt), department: i.departmentName }));
    return c.json({ approvals: shape(t.approvals), toAccept: shape(t.toAccept), toHandle: shape(t.toHandle), toSupply: shape(t.toSupply) });
  })
  .get("/mine", auth, async (c) => {
    const actor = c.get("actor") as UserActor;
    const page = await outboundRequests(c.get("deps").db.kysely, { requesterId: actor.id, cursor: c.req.query("cursor"), limit: Number(c.req.query("limit") ?? 20) || 20 });
    return c.json({ items: page.items.map((r) => ({ number: r.number, title: r.title, status: r.status, dueAt: iso(r.dueAt) })), next: page.next });
  })
  .get("/board", auth, async (c) => {
    const actor = c.get("actor") as UserActor;
    const deps = c.get("deps");
    const all = hasGlobalRole(actor, "supervisor") || hasGlobalRole(actor, "admin");
    const cells = await boardCounts(deps.db.kysely, deps.now(), all ? null : departmentsOf(actor).concat(actor.departmentId));
    return c.json({
      scope: all ? "all" : "mine",
      cells: cells.map((x) => ({ from: { code: x.fromCode, name: x.fromName }, to: { code: x.toCode, name: x.toName }, open: Number(x.open), overdue: Number(x.overdue) })),
    });
  })
  .get("/board/cell", auth, async (c) => {
    const q = cellQuery.safeParse(c.req.query());
    if (!q.success) return invalidInput(c, q.error, "/api/board/cell?from=dh-binjiang&to=city-amr");
    const actor = c.get("actor") as UserActor;
    const db = c.get("deps").db.kysely;
    const [from, to] = [await findDepartmentByCode(db, q.data.from), await findDepartmentByCode(db, q.data.to)];
    if (!from || !to) return c.json(errorBody("not_found", "找不到该部门。"), 404);
    const mine = departmentsOf(actor).concat(actor.departmentId);
    if (!(hasGlobalRole(actor, "supervisor") || hasGlobalRole(actor, "admin") || mine.includes(from.id) || mine.includes(to.id))) {
      return c.json(errorBody("forbidden", "您只能查看与本部门有关的格子。"), 403);
    }
    const page = await inboundTasks(db, { departmentId: to.id, fromDepartmentId: from.id, states: OPEN_TASK_STATES, cursor: q.data.cursor, limit: q.data.limit });
    return c.json({
      items: page.items.map((t) => presentInboxItem(t, canView(actor, { requesterId: t.requesterId, fromDepartmentId: t.fromDepartmentId, classification: t.classification }, [{ departmentId: to.id, assigneeId: t.assigneeId }]))),
      next: page.next,
    });
  });
