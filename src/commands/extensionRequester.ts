import { isValidDate, localDate, localInstant, nextOccurrence, type DeadlineSettings, type WorkCalendar } from "../domain/calendar";
import { workingDayOffset } from "../domain/workingHours";
import { DomainError } from "../domain/types";
import { actorUserId } from "../policies/actor";
import { isUnderSupervision } from "../db/repositories/supervisions";
import { supervisorOpenIds } from "../db/repositories/escalations";
import type { Executor } from "../db/client";
import type { RequestRow, TaskRow } from "../db/tables";
import { loadWorkCalendar } from "./calendarLoader";
import type { Command } from "./context";
import { requireText } from "./inputs";
import { messageFor, userRecipient } from "./notifications";
import { applyTransition, lockTask, type LockedTask, type TaskRef } from "./taskStep";

export interface ExtensionRequestInput {
  task: TaskRef;
  /** YYYY-MM-DD, M月D日, or N个工作日 (working days after the current deadline) */
  due: string;
  reason: string;
}

export const EXTENSION_EXAMPLE = (n: string) => `/延期 ${n} 2026-12-31 需等待省厅回函`;

/**
 * The new 办结时限 a person asks for: the end of that working day. Refused (in Chinese, with an example) when it
 * is not a date, not a working day, in the past, or not later than `notBefore` (the current deadline).
 */
export function parseExtensionDue(
  text: string,
  ctx: { now: Date; currentDue: Date; cal: WorkCalendar; settings: DeadlineSettings; number: string },
): Date {
  const raw = text.trim();
  const fail = (msg: string) => new DomainError("bad_input", msg, { example: EXTENSION_EXAMPLE(ctx.number) });
  let date: string | null = null;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(raw);
  const md = /^(\d{1,2})月(\d{1,2})日$/.exec(raw);
  const days = /^(\d{1,3})个?工作日$/.exec(raw);
  if (iso) {
    const d = `${iso[1]}-${iso[2]!.padStart(2, "0")}-${iso[3]!.padStart(2, "0")}`;
    if (isValidDate(d)) date = d;
  } else if (md) {
    date = nextOccurrence(Number(md[1]), Number(md[2]), ctx.now, ctx.settings);
  } else if (days) {
    const n = Number(days[1]);
    if (n < 1) throw fail("延期的工作日数至少为 1。");
    date = workingDayOffset(localDate(ctx.currentDue, ctx.settings), n, ctx.cal);
  }
  if (!date) throw fail(`无法识别新的办结时限「${raw}」：请写成 2026-12-31、12月31日 或 5个工作日。`);
  if (date < localDate(ctx.now, ctx.settings)) throw fail(`新的办结时限 ${date} 已经过去，请选择今天以后的工作日。`);
  if (!ctx.cal.isWorkday(date)) throw fail(`${date} 不是工作日（周末或法定节假日），请选择一个工作日作为新的办结时限。`);
  const due = localInstant(date, ctx.settings.endOfDay, ctx.settings);
  if (due.getTime() <= new Date(ctx.currentDue).getTime()) {
    throw fail(`新的办结时限须晚于当前时限 ${localDate(ctx.currentDue, ctx.settings)}。`);
  }
  if (due.getTime() <= ctx.now.getTime()) throw fail(`新的办结时限 ${date} 已经过去，请选择以后的工作日。`);
  return due;
}

/** Who decides a task's extension now: a supervisor when it is under 督办, else the requester. */
export async function extensionDeciders(db: Executor, request: RequestRow, task: TaskRow): Promise<{ supervised: boolean; to: Awaited<ReturnType<typeof userRecipient>>[] }> {
  if (await isUnderSupervision(db, task.id)) {
    return { supervised: true, to: (await supervisorOpenIds(db)).map((id) => ({ type: "open_id" as const, id })) };
  }
  return { supervised: false, to: [await userRecipient(db, request.requesterId)] };
}

export function extensionCardKey(extensionId: number): string {
  return `extension:${extensionId}`;
}

/** 延期申请: a handler asks for a later 办结时限; the decider is sent a card to approve or refuse it. */
export const extensionRequester: Command<ExtensionRequestInput, LockedTask & { extensionId: number; requestedDueAt: Date }> = async (deps, ctx, input) => {
  const locked = await lockTask(ctx, input.task, "requestExtension");
  const { request, task } = locked;
  const now = deps.now();
  const cal = await loadWorkCalendar(ctx.trx);
  const requestedDueAt = parseExtensionDue(input.due, { now, currentDue: new Date(task.dueAt), cal, settings: deps.config.deadline, number: request.number });
  const reason = requireText(input.reason, "延期理由", EXTENSION_EXAMPLE(request.number));
  const ext = await ctx.trx
    .insertInto("taskExtensions")
    .values({ taskId: task.id, requestedBy: actorUserId(ctx.actor)!, previousDueAt: task.dueAt, requestedDueAt, reason, createdAt: now })
    .returning("id")
    .executeTakeFirstOrThrow();
  const deciders = await extensionDeciders(ctx.trx, request, task);
  const newDate = localDate(requestedDueAt, deps.config.deadline);
  const oldDate = localDate(new Date(task.dueAt), deps.config.deadline);
  await applyTransition(deps, ctx, locked, {
    action: "requestExtension",
    patch: { extensionPending: true },
    data: { extensionId: ext.id, requestedDueAt: requestedDueAt.toISOString(), reason },
    messages: async (moved, req) =>
      messageFor(ctx.trx, "task.extension_requested", deciders.to, req, moved, {
        text:
          `承办部门申请将 ${req.number} 的办结时限由 ${oldDate} 延至 ${newDate}${req.classification === "sensitive" ? "（敏感事项，理由请在小程序中查看）" : `，理由：${reason}`}\n` +
          `同意：/同意延期 ${req.number}　不同意：/不同意延期 ${req.number} 理由`,
        cardKey: extensionCardKey(ext.id),
        extensionId: ext.id,
        requestedDueAt: requestedDueAt.toISOString(),
        previousDueAt: new Date(task.dueAt).toISOString(),
        reason: req.classification === "sensitive" ? null : reason,
        supervised: deciders.supervised,
      }),
  });
  return { ...locked, extensionId: ext.id, requestedDueAt };
};
