import { REOPEN_WORKING_DAYS, reopenWindow } from "../domain/taskTransitions";
import { DomainError } from "../domain/types";
import { reopenSupervision } from "../db/repositories/supervisions";
import { actorName, actorUserId } from "../policies/actor";
import { loadWorkCalendar } from "./calendarLoader";
import type { Command } from "./context";
import { requireText } from "./inputs";
import { applyTransition, lockTask, type LockedTask, type TaskRef } from "./taskStep";
import { supervisionMessages } from "./taskSupervisor";

export interface ReopenInput {
  task: TaskRef;
  reason: string;
}

/**
 * 重新督办: the result of a completed task is not acceptable. Within REOPEN_WORKING_DAYS working days after
 * completion a supervisor sends it back to 办理中, under 督办 again (the reason is its new instruction); the target
 * head and the handler are told.
 */
export const taskReopener: Command<ReopenInput, LockedTask> = async (deps, ctx, input) => {
  const locked = await lockTask(ctx, input.task, "reopen");
  const { request, task } = locked;
  const reason = requireText(input.reason, "重新督办的理由", `在小程序中打开 ${request.number}，点「重新督办」并写明：办理结果未附核查材料，请补充后重新办结`, 2000);
  const at = deps.now();
  const { days, open } = reopenWindow(task.completedAt ? new Date(task.completedAt) : null, at, await loadWorkCalendar(ctx.trx), deps.config.deadline);
  if (!open) {
    throw new DomainError("reopen_too_late", `该任务办结已超过 ${REOPEN_WORKING_DAYS} 个工作日（${days} 个工作日），不能再重新督办；如仍有问题，请另行发起协同事项。`, {
      example: `/发起 @部门 关于 ${request.number} 办理结果的整改`,
    });
  }
  const s = await reopenSupervision(ctx.trx, {
    taskId: task.id,
    requestId: request.id,
    by: { id: actorUserId(ctx.actor), name: actorName(ctx.actor) },
    instruction: reason,
    at,
  });
  await applyTransition(deps, ctx, locked, {
    action: "reopen",
    authorized: true,
    patch: { completedAt: null, reviewPending: false },
    data: { reason, supervisionId: s.id },
    messages: (t, req) =>
      supervisionMessages(ctx, req, t, { topic: "task.reopened", instruction: reason, urgent: false, requesterHeads: false }),
  });
  return locked;
};
