import type { Command } from "./context";
import { requireText } from "./inputs";
import { messageFor, userRecipient, departmentRecipients } from "./notifications";
import { completionMessages } from "./taskCompleter";
import { applyTransition, lockTask, type LockedTask, type TaskRef } from "./taskStep";

export interface ReviewInput {
  task: TaskRef;
  decision: "confirm" | "sendBack";
  comment?: string | undefined;
}

/** The target head confirms a submitted result (the task completes) or sends it back to be redone. */
export const completionReviewer: Command<ReviewInput, LockedTask> = async (deps, ctx, input) => {
  const confirm = input.decision === "confirm";
  const locked = await lockTask(ctx, input.task, confirm ? "confirmCompletion" : "sendBack");
  const result = locked.task.result ?? "";
  if (confirm) {
    await applyTransition(deps, ctx, locked, {
      action: "confirmCompletion",
      patch: { reviewPending: false, completedAt: deps.now() },
      data: { result, comment: input.comment?.trim() || null },
      messages: (t, request) => completionMessages(ctx, locked, t, request, result),
    });
    return locked;
  }
  const comment = requireText(input.comment, "退回重办的理由", "核查结论缺少依据，请补充执照查询截图");
  await applyTransition(deps, ctx, locked, {
    action: "sendBack",
    patch: { reviewPending: false },
    data: { comment, rejectedResult: result },
    messages: async (t, request) =>
      messageFor(
        ctx.trx,
        "task.sent_back",
        t.assigneeId !== null ? [await userRecipient(ctx.trx, t.assigneeId)] : await departmentRecipients(ctx.trx, t.departmentId),
        request,
        t,
        { text: `${ctx.actor.name} 未通过办结确认，请重新办理：${comment}`, comment },
      ),
  });
  return locked;
};
