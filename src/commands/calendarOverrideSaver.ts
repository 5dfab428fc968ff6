import { appendAudit, requestChain } from "../db/repositories/audit";
import { computeDueAt, localDate, statutoryKind, workingDaysBetween, type DayKind, type WorkCalendar } from "../domain/calendar";
import { DomainError, OPEN_TASK_STATES } from "../domain/types";
import { actorUserId, hasGlobalRole } from "../policies/actor";
import { loadWorkCalendar } from "./calendarLoader";
import type { Command, CommandContext, Deps } from "./context";

export interface CalendarOverrideInput {
  /** YYYY-MM-DD */
  date: string;
  /** holiday / workday: the admin's override; statutory: remove the override, the statutory schedule applies again */
  kind: DayKind | "statutory";
  reason: string;
  /** 重新计算未办结任务时限: move open tasks' deadlines to the changed calendar (else they stay as they are) */
  recomputeOpenTasks?: boolean | undefined;
}

export interface CalendarOverrideResult {
  date: string;
  isWorkday: boolean;
  changed: boolean;
  recomputedTasks: number;
}

export const CALENDAR_EXAMPLE = `{"kind":"holiday","reason":"国务院办公厅通知：2027 年元旦放假","recomputeOpenTasks":false}`;

/**
 * An admin adds a holiday or a workday, or removes their override (the statutory day applies again), with a
 * reason, audited on the org chain. Open tasks keep their deadlines unless the admin asks to recompute them:
 * then each keeps its count of working days from its creation, counted on the new calendar, audited on its request.
 * The calendar is read from the database on every use (calendarLoader), so every server sees the change at once.
 */
export const calendarOverrideSaver: Command<CalendarOverrideInput, CalendarOverrideResult> = async (deps, ctx, input) => {
  if (!hasGlobalRole(ctx.actor, "admin")) throw new DomainError("forbidden", "只有管理员可以调整节假日。");
  const at = deps.now();
  const old = await ctx.trx.selectFrom("calendarOverrides").select(["kind", "note"]).where("date", "=", input.date).executeTakeFirst();
  if (input.kind === "statutory" && !old) {
    throw new DomainError("not_found", `${input.date} 没有管理员调整，已按法定安排。`, { example: CALENDAR_EXAMPLE });
  }
  const before = await loadWorkCalendar(ctx.trx);
  if (input.kind !== "statutory" && old?.kind === input.kind && old.note === input.reason && !input.recomputeOpenTasks) {
    return { date: input.date, isWorkday: before.isWorkday(input.date), changed: false, recomputedTasks: 0 };
  }
  if (input.kind === "statutory") {
    await ctx.trx.deleteFrom("calendarOverrides").where("date", "=", input.date).execute();
  } else {
    await ctx.trx
      .insertInto("calendarOverrides")
      .values({ date: input.date, kind: input.kind, note: input.reason, updatedAt: at })
      .onConflict((oc) => oc.column("date").doUpdateSet({ kind: input.kind as DayKind, note: input.reason, updatedAt: at }))
      .execute();
  }
  const after = await loadWorkCalendar(ctx.trx);
  const recomputedTasks = input.recomputeOpenTasks ? await recomputeOpenDeadlines(deps, ctx, before, after, input) : 0;
  await appendAudit(ctx.trx, {
    chain: "org",
    actorId: actorUserId(ctx.actor),
    actorName: ctx.actor.name,
    action: input.kind === "statutory" ? "calendar.remove" : "calendar.set",
    data: { date: input.date, kind: input.kind, before: old?.kind ?? null, statutory: statutoryKind(input.date), reason: input.reason, recomputedTasks },
    at,
  });
  return { date: input.date, isWorkday: after.isWorkday(input.date), changed: true, recomputedTasks };
};

/** Moves each open task's deadlines so that they count as many working days from its creation on the new calendar. */
async function recomputeOpenDeadlines(deps: Deps, ctx: CommandContext, before: WorkCalendar, after: WorkCalendar, input: CalendarOverrideInput): Promise<number> {
  const settings = deps.config.deadline;
  const at = deps.now();
  const tasks = await ctx.trx
    .selectFrom("tasks")
    .select(["id", "requestId", "state", "createdAt", "dueAt", "originalDueAt", "acceptDueAt"])
    .where("state", "in", [...OPEN_TASK_STATES])
    .orderBy("id")
    .forUpdate()
    .execute();
  const moved = (createdAt: Date, due: Date): Date => {
    const from = localDate(createdAt, settings);
    const oldDate = localDate(due, settings);
    const n = workingDaysBetween(from, oldDate, before);
    if (n < 1) return due;
    const newDate = localDate(computeDueAt(createdAt, n, after, settings).dueAt, settings);
    // Same time of day, on the new date (a deadline a 补正 pause moved keeps its hour).
    const days = Math.round((Date.parse(`${newDate}T00:00:00Z`) - Date.parse(`${oldDate}T00:00:00Z`)) / 86_400_000);
    return new Date(due.getTime() + days * 86_400_000);
  };
  let count = 0;
  const touched: number[] = [];
  for (const t of tasks) {
    const created = new Date(t.createdAt);
    const due = new Date(t.dueAt);
    const newDue = moved(created, due);
    const accept = t.acceptDueAt ? new Date(t.acceptDueAt) : null;
    const newAccept = accept ? moved(created, accept) : null;
    if (newDue.getTime() === due.getTime() && newAccept?.getTime() === accept?.getTime()) continue;
    const keepsOriginal = new Date(t.originalDueAt).getTime() !== due.getTime(); // extended: the original stays for statistics
    await ctx.trx
      .updateTable("tasks")
      .set({ dueAt: newDue, acceptDueAt: newAccept, ...(keepsOriginal ? {} : { originalDueAt: newDue }), updatedAt: at })
      .where("id", "=", t.id)
      .execute();
    await appendAudit(ctx.trx, {
      chain: requestChain(t.requestId),
      requestId: t.requestId,
      taskId: t.id,
      actorId: actorUserId(ctx.actor),
      actorName: ctx.actor.name,
      action: "task.deadline_recomputed",
      data: { from: due.toISOString(), to: newDue.toISOString(), calendarDate: input.date, reason: input.reason },
      at,
    });
    count++;
    touched.push(t.requestId);
  }
  // The requests' own deadlines move the same way.
  const requestIds = [...new Set(touched)];
  if (requestIds.length > 0) {
    for (const r of await ctx.trx.selectFrom("requests").select(["id", "createdAt", "dueAt"]).where("id", "in", requestIds).execute()) {
      const due = new Date(r.dueAt);
      const newDue = moved(new Date(r.createdAt), due);
      if (newDue.getTime() !== due.getTime()) await ctx.trx.updateTable("requests").set({ dueAt: newDue, updatedAt: at }).where("id", "=", r.id).execute();
    }
  }
  return count;
}
