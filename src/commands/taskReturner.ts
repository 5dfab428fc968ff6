import type { Command } from "./context";
import { requireText } from "./inputs";
import { messageFor, peopleRecipients, userRecipient } from "./notifications";
import { applyTransition, lockTask, type LockedTask, type TaskRef } from "./taskStep";

export interface ReturnInput {
  task: TaskRef;
  reason: string;
}

/** After this many different departments in a row say "not ours", supervisors name the responsible one (指定). */
export const NOT_OURS_LIMIT = 2;

/**
 * 退回: the target department refuses the task with a reason. The requester may revise and resubmit it, or
 * withdraw; when a second department in a row refuses it, it goes to the supervisors for arbitration.
 */
export const taskReturner: Command<ReturnInput, LockedTask> = async (deps, ctx, input) => {
  const locked = await lockTask(ctx, input.task, "return");
  const reason = requireText(input.reason, "退回原因", `/退回 ${locked.request.number} 该事项不属于本部门职责，建议转市税务局`);
  const streak = locked.task.notOursStreak + 1;
  const arbitration = streak >= NOT_OURS_LIMIT;
  await applyTransition(deps, ctx, locked, {
    action: "return",
    patch: { notOursStreak: streak, arbitrationPending: arbitration, lastReason: reason, assigneeId: null },
    data: { reason, notOursStreak: streak, arbitration },
    messages: async (task, request) => {
      const text = arbitration
        ? `您的协同事项被退回：${reason}。已连续被 ${streak} 个部门退回，已提交督查指定责任部门。`
        : `您的协同事项被退回（${ctx.actor.name}）：${reason}。您可以修改后重新提交，或撤回。`;
      const toRequester = await messageFor(ctx.trx, "task.returned", [await userRecipient(ctx.trx, request.requesterId)], request, task, { text, reason });
      const toSupervisors = arbitration
        ? await messageFor(ctx.trx, "task.arbitration_requested", await peopleRecipients(ctx.trx, null, ["supervisor"]), request, task, {
            text: `协同事项已连续被 ${streak} 个部门退回，请指定责任部门。最近的退回原因：${reason}`,
            reason,
          })
        : [];
      return [...toRequester, ...toSupervisors];
    },
  });
  return locked;
};
