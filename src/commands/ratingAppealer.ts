import { DomainError } from "../domain/types";
import { actorUserId } from "../policies/actor";
import type { Command } from "./context";
import { messageFor, peopleRecipients } from "./notifications";
import { applyTransition, lockTask, type LockedTask, type TaskRef } from "./taskStep";

export interface AppealInput {
  task: TaskRef;
  reason: string;
}

/** 申诉: the rated department's head contests a rating it thinks mistaken or malicious, once; supervisors decide. */
export const ratingAppealer: Command<AppealInput, LockedTask> = async (deps, ctx, input) => {
  const locked = await lockTask(ctx, input.task, "appeal");
  const reason = input.reason.trim();
  if (!reason) {
    throw new DomainError("reason_required", "申诉须写明理由：为什么认为该评价有误或不实。", { example: `/申诉 ${locked.request.number} 该评价针对的是其他部门的答复，并非本部门` });
  }
  await ctx.trx
    .updateTable("evaluations")
    .set({ appealState: "pending", appealReason: reason, appealedBy: actorUserId(ctx.actor), appealedAt: deps.now() })
    .where("taskId", "=", locked.task.id)
    .execute();
  await applyTransition(deps, ctx, locked, {
    action: "appeal",
    data: { reason },
    messages: async (t, request) =>
      messageFor(ctx.trx, "rating.appealed", await peopleRecipients(ctx.trx, null, ["supervisor"]), request, t, {
        text: `${ctx.actor.name} 对该任务的评价提出申诉${request.classification === "sensitive" ? "" : `：${reason}`}。请在小程序中打开该事项裁定（不计入统计 / 维持评价）。`,
      }),
  });
  return locked;
};
