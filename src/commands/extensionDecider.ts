import { localDate } from "../domain/calendar";
import { DomainError } from "../domain/types";
import { actorName, actorUserId, hasGlobalRole } from "../policies/actor";
import { partiesOf } from "../policies/task";
import { isUnderSupervision } from "../db/repositories/supervisions";
import { loadWorkCalendar } from "./calendarLoader";
import type { Command } from "./context";
import { requireText } from "./inputs";
import { messageFor, peopleRecipients, userRecipient } from "./notifications";
import { parseExtensionDue } from "./extensionRequester";
import { applyTransition, lockTask, type LockedTask, type TaskRef } from "./taskStep";

export interface ExtensionDecisionInput {
  task: TaskRef;
  approve: boolean;
  /** approve with an earlier date than asked (never later); same forms as the request */
  due?: string | undefined;
  /** required when refusing */
  comment?: string | undefined;
  /** the 延期申请 a card decides on: refused as already decided when it is no longer the pending one */
  extensionId?: number | undefined;
}

/**
 * Decides the pending 延期申请: the requester, or a supervisor when the task is under 督办. Approval moves the
 * committed deadline and re-arms the task's reminders: the fired 临期/超期/督办 rows are deleted so the new
 * deadline's steps fire once more (ever_red stays as it was).
 */
export const extensionDecider: Command<ExtensionDecisionInput, LockedTask & { state: "approved" | "refused"; dueAt: Date }> = async (deps, ctx, input) => {
  const locked = await lockTask(ctx, input.task, "decideExtension");
  const { request, task } = locked;
  const supervised = await isUnderSupervision(ctx.trx, task.id);
  const parties = partiesOf(ctx.actor, { request, task });
  if (supervised && !hasGlobalRole(ctx.actor, "supervisor")) {
    throw new DomainError("forbidden", `${request.number} 已进入督办，延期申请由督查人员审批，您无权审批。`);
  }
  if (!supervised && !parties.has("requester")) {
    throw new DomainError("forbidden", `${request.number} 的延期申请由发起人审批，您无权审批。`, { example: `/同意延期 ${request.number}` });
  }
  const ext = await ctx.trx
    .selectFrom("taskExtensions")
    .selectAll()
    .where("taskId", "=", task.id)
    .where("state", "=", "pending")
    .forUpdate()
    .executeTakeFirstOrThrow();
  if (input.extensionId !== undefined && ext.id !== input.extensionId) {
    throw new DomainError("already_done", `${request.number} 的这份延期申请已审批，无需重复操作。`);
  }
  const now = deps.now();
  const settings = deps.config.deadline;
  const requested = new Date(ext.requestedDueAt);
  let granted = requested;
  let comment: string | null = input.comment?.trim() || null;
  if (input.approve && input.due) {
    granted = parseExtensionDue(input.due, { now, currentDue: new Date(task.dueAt), cal: await loadWorkCalendar(ctx.trx), settings, number: request.number });
    if (granted.getTime() > requested.getTime()) {
      throw new DomainError("bad_input", `批准的时限不能晚于申请的 ${localDate(requested, settings)}。`, { example: `/同意延期 ${request.number} ${localDate(requested, settings)}` });
    }
  }
  if (!input.approve) comment = requireText(input.comment, "不同意延期的理由", `/不同意延期 ${request.number} 请按原时限办结，如有困难可先报送阶段性结果`);
  const state = input.approve ? ("approved" as const) : ("refused" as const);
  await ctx.trx
    .updateTable("taskExtensions")
    .set({ state, grantedDueAt: input.approve ? granted : null, decidedBy: actorUserId(ctx.actor), decidedAt: now, decisionComment: comment })
    .where("id", "=", ext.id)
    .execute();
  if (input.approve) {
    // The new deadline's 临期/超期/督办 fire once more: the sweep re-arms the task (updated_at moves) and finds no fired rows.
    await ctx.trx.deleteFrom("taskEscalations").where("taskId", "=", task.id).where("step", "in", ["due_soon", "overdue", "supervise"]).execute();
  }
  const newDate = localDate(granted, settings);
  const label = input.approve ? `同意延期，办结时限延至 ${newDate}` : `不同意延期，仍按原时限 ${localDate(new Date(task.dueAt), settings)} 办结`;
  await applyTransition(deps, ctx, locked, {
    action: "decideExtension",
    authorized: true,
    patch: input.approve
      ? { extensionPending: false, dueAt: granted, dueSoonAt: null, extensionCount: task.extensionCount + 1 }
      : { extensionPending: false },
    data: { extensionId: ext.id, approved: input.approve, dueAt: input.approve ? granted.toISOString() : undefined, comment },
    messages: async (moved, req) => {
      const told = [
        ...(task.assigneeId ? [await userRecipient(ctx.trx, task.assigneeId)] : []),
        await userRecipient(ctx.trx, ext.requestedBy),
        ...(await peopleRecipients(ctx.trx, task.departmentId, ["head"])),
      ];
      const to = told.filter((r, i) => told.findIndex((x) => x.id === r.id) === i);
      const why = comment && req.classification !== "sensitive" ? `（${comment}）` : "";
      return messageFor(ctx.trx, "task.extension_decided", to, req, moved, {
        text: `${actorName(ctx.actor)} 对 ${req.number} 的延期申请：${label}${why}`,
        extensionId: ext.id,
        approved: input.approve,
      });
    },
  });
  return { ...locked, state, dueAt: input.approve ? granted : new Date(task.dueAt) };
};
