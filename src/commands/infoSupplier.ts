import { extendByWorkingTime, workingTimeBetween } from "../domain/calendar";
import { actorUserId } from "../policies/actor";
import type { Command } from "./context";
import { loadWorkCalendar } from "./calendarLoader";
import { insertComment } from "../db/repositories/comments";
import { requireText } from "./inputs";
import { messageFor, departmentRecipients, userRecipient } from "./notifications";
import { applyTransition, lockTask, type LockedTask, type TaskRef } from "./taskStep";

export interface InfoSupplyInput {
  task: TaskRef;
  content: string;
}

/**
 * 补正 answered: the requester supplies the material; the task resumes and its deadline moves later by the
 * working time spent waiting.
 */
export const infoSupplier: Command<InfoSupplyInput, LockedTask> = async (deps, ctx, input) => {
  const locked = await lockTask(ctx, input.task, "supplyInfo");
  const content = requireText(input.content, "补充的材料或说明", `/补充 ${locked.request.number} 统一社会信用代码 91330100MA2XXXXX`);
  const at = deps.now();
  const cal = await loadWorkCalendar(ctx.trx);
  const pausedAt = locked.task.pausedAt ? new Date(locked.task.pausedAt) : at;
  const waited = workingTimeBetween(pausedAt, at, cal, deps.config.deadline);
  const dueAt = extendByWorkingTime(new Date(locked.task.dueAt), waited, cal, deps.config.deadline);
  await applyTransition(deps, ctx, locked, {
    action: "supplyInfo",
    patch: { pausedAt: null, dueAt },
    data: { content, pausedMs: waited, previousDueAt: new Date(locked.task.dueAt).toISOString(), dueAt: dueAt.toISOString() },
    messages: async (task, request) => {
      const to = task.assigneeId !== null ? [await userRecipient(ctx.trx, task.assigneeId)] : await departmentRecipients(ctx.trx, task.departmentId);
      return messageFor(ctx.trx, "task.info_supplied", to, request, task, {
        text: `发起人已补正材料，任务恢复计时，截止时间顺延至新的时间：${content}`,
        content,
      });
    },
  });
  await insertComment(ctx.trx, { requestId: locked.request.id, taskId: locked.task.id, authorId: actorUserId(ctx.actor)!, kind: "info_supply", body: content, at });
  return locked;
};
