import { sql, type ExpressionBuilder } from "kysely";
import { localDate, workingDaysBetween } from "../domain/calendar";
import { addDays, periodOf, type Period } from "../domain/dashboardFigures";
import { appendAudit } from "../db/repositories/audit";
import type { Executor } from "../db/client";
import { figureDays } from "../db/repositories/dashboardRollups";
import { listDepartments } from "../db/repositories/org";
import { enqueueMessages, type OutgoingMessage } from "../db/repositories/outbox";
import { visibleTo } from "../db/repositories/visibility";
import type { Database } from "../db/tables";
import { actorUserId, type Actor, type SystemActor } from "../policies/actor";
import { figuresByDepartment, rankDepartments, type RankedDepartment } from "../presenters/dashboard";
import type { Command, Deps } from "./context";
import { loadTimeSettings } from "./escalationPolicy";
import { peopleRecipients } from "./notifications";

// 月度通报: the month's 骏马 and 蜗牛 by the volume-fair ranking, the red tasks still open and the overdue 整改
// items. `bulletinFor` builds it (the printable page and the API read it too); `bulletinSender` sends it once per
// month to the supervisors' chat (or each supervisor) and to every department head, in one transaction with its
// audit record; the row in monthly_bulletins makes it idempotent.

export const BULLETIN_ACTOR: SystemActor = { kind: "system", name: "系统（月度通报）" };
const LIST_LIMIT = 50;
const HIDDEN_TITLE = "（涉密事项）";

export interface Bulletin {
  month: string;
  period: Period;
  top: Array<Omit<RankedDepartment, "departmentId">>;
  bottom: Array<Omit<RankedDepartment, "departmentId">>;
  redOpen: Array<{ number: string; title: string; department: { code: string; name: string }; dueAt: string; overdueWorkingDays: number }>;
  rectificationsOverdue: Array<{ number: string; title: string; department: { code: string; name: string }; dueAt: string }>;
  sentAt: string | null;
}

/** The month before the local date `today`, as YYYY-MM. */
export function previousMonth(today: string): string {
  return addDays(`${today.slice(0, 7)}-01`, -1).slice(0, 7);
}

/** The bulletin of `month` (YYYY-MM) as `viewer` may read it: titles of sensitive requests they may not see are hidden. */
export async function bulletinFor(deps: Deps, viewer: Actor, month: string, db: Executor = deps.db.kysely): Promise<Bulletin> {
  const t = await loadTimeSettings(db, deps);
  const now = deps.now();
  const period = periodOf("month", `${month}-01`);
  const days = await figureDays(db, period.from, period.to, now, t, { side: "target" });
  const ranked = rankDepartments(figuresByDepartment(await listDepartments(db), "target", days, [])).map(({ departmentId: _, ...r }) => r);
  const shown = (eb: unknown) => sql<boolean>`(${visibleTo(viewer)(eb as ExpressionBuilder<Database, "requests">)})`;
  const red = await db
    .selectFrom("tasks")
    .innerJoin("requests", "requests.id", "tasks.requestId")
    .innerJoin("departments", "departments.id", "tasks.departmentId")
    .select(["requests.number", "requests.title", "departments.code", "departments.name", "tasks.dueAt"])
    .select((eb) => shown(eb).as("visible"))
    .where("tasks.state", "in", ["pending_accept", "in_progress"])
    .where("tasks.dueAt", "<", now)
    .orderBy("tasks.dueAt")
    .orderBy("tasks.id")
    .limit(LIST_LIMIT)
    .execute();
  const rect = await db
    .selectFrom("rectifications")
    .innerJoin("requests", "requests.id", "rectifications.requestId")
    .innerJoin("departments", "departments.id", "rectifications.departmentId")
    .select(["requests.number", "requests.title", "departments.code", "departments.name", "rectifications.dueAt"])
    .select((eb) => shown(eb).as("visible"))
    .where("rectifications.state", "=", "open")
    .where("rectifications.dueAt", "<", now)
    .orderBy("rectifications.dueAt")
    .orderBy("rectifications.id")
    .limit(LIST_LIMIT)
    .execute();
  const sent = await db.selectFrom("monthlyBulletins").select("sentAt").where("month", "=", month).executeTakeFirst();
  const today = localDate(now, t.deadline);
  return {
    month,
    period,
    top: ranked.filter((r) => r.label === "骏马"),
    bottom: ranked.filter((r) => r.label === "蜗牛"),
    redOpen: red.map((r) => ({
      number: r.number,
      title: r.visible ? r.title : HIDDEN_TITLE,
      department: { code: r.code, name: r.name },
      dueAt: new Date(r.dueAt).toISOString(),
      overdueWorkingDays: Math.max(1, workingDaysBetween(localDate(new Date(r.dueAt), t.deadline), today, t.cal)),
    })),
    rectificationsOverdue: rect.map((r) => ({ number: r.number, title: r.visible ? r.title : HIDDEN_TITLE, department: { code: r.code, name: r.name }, dueAt: new Date(r.dueAt).toISOString() })),
    sentAt: sent ? new Date(sent.sentAt).toISOString() : null,
  };
}

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;

/** The card's lines (also the audit record's summary). */
export function bulletinLines(b: Bulletin): string[] {
  const rankLine = (r: Bulletin["top"][number]) => `第${r.rank}名 ${r.department.name}：办结 ${r.completed} 件，按时 ${r.onTime} 件（${pct(r.onTimeRate)}，下限 ${pct(r.lowerBound)}）`;
  return [
    b.top.length ? `【骏马】${b.top.map(rankLine).join("；")}` : "【骏马】本月办结任务的部门不足两个，不评",
    b.bottom.length ? `【蜗牛】${b.bottom.map(rankLine).join("；")}` : "【蜗牛】本月办结任务的部门不足两个，不评",
    b.redOpen.length
      ? `【仍未办结的超期任务 ${b.redOpen.length} 件】${b.redOpen.slice(0, 10).map((r) => `${r.number} ${r.title}（${r.department.name}，超期 ${r.overdueWorkingDays} 个工作日）`).join("；")}${b.redOpen.length > 10 ? " 等" : ""}`
      : "【仍未办结的超期任务】无",
    b.rectificationsOverdue.length
      ? `【超期未整改 ${b.rectificationsOverdue.length} 项】${b.rectificationsOverdue.slice(0, 10).map((r) => `${r.number} ${r.title}（${r.department.name}）`).join("；")}${b.rectificationsOverdue.length > 10 ? " 等" : ""}`
      : "【超期未整改】无",
    "排名方法：按办结及时率（原时限）的 Wilson 95% 置信下限，件数少的部门不会因偶然全部按时而排前。",
  ];
}

/**
 * Sends the 通报 of `month` unless it was sent already (then `sent: false`). One transaction: the claim row, the
 * audit record and the messages.
 */
export const bulletinSender: Command<{ month: string }, { sent: boolean; messages: number }> = async (deps, ctx, input) => {
  const now = deps.now();
  const claimed = await ctx.trx
    .insertInto("monthlyBulletins")
    .values({ month: input.month, sentAt: now, payload: "{}" })
    .onConflict((oc) => oc.column("month").doNothing())
    .returning("month")
    .executeTakeFirst();
  if (!claimed) return { sent: false, messages: 0 };
  // Built as the system sees it: cards go to group chats, so sensitive titles stay hidden there.
  const b = await bulletinFor(deps, BULLETIN_ACTOR, input.month, ctx.trx);
  await ctx.trx.updateTable("monthlyBulletins").set({ payload: JSON.stringify({ ...b, sentAt: now.toISOString() }) }).where("month", "=", input.month).execute();
  const lines = bulletinLines(b);
  const [year, m] = input.month.split("-");
  const title = `${year}年${Number(m)}月 协同办理情况通报`;
  const supervisorChat = deps.config.bulletin.supervisorChatId;
  const recipients = [
    ...(supervisorChat ? [{ type: "chat_id" as const, id: supervisorChat }] : await peopleRecipients(ctx.trx, null, ["supervisor"])),
    ...(await ctx.trx
      .selectFrom("userRoles")
      .innerJoin("users", "users.id", "userRoles.userId")
      .select("users.openId")
      .distinct()
      .where("userRoles.role", "=", "head")
      .where("users.active", "=", true)
      .orderBy("users.openId")
      .execute()).map((u) => ({ type: "open_id" as const, id: u.openId })),
  ];
  const seen = new Set<string>();
  const messages: OutgoingMessage[] = recipients
    .filter((r) => (seen.has(`${r.type}:${r.id}`) ? false : (seen.add(`${r.type}:${r.id}`), true)))
    .map((to) => ({ topic: "bulletin.monthly", to, payload: { title, supervise: false, text: lines.join("\n"), items: lines.map((line) => ({ line })), month: input.month } }));
  await enqueueMessages(ctx.trx, messages, now);
  await appendAudit(ctx.trx, {
    chain: "bulletin",
    actorId: actorUserId(ctx.actor),
    actorName: ctx.actor.name,
    action: "bulletin.monthly",
    data: { month: input.month, recipients: messages.length, top: b.top.map((r) => r.department.code), bottom: b.bottom.map((r) => r.department.code), redOpen: b.redOpen.length, rectificationsOverdue: b.rectificationsOverdue.length },
    at: now,
  });
  return { sent: true, messages: messages.length };
};
