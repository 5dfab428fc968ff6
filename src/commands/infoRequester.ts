import { insertComment } from "../db/repositories/comments";
import { actorUserId } from "../policies/actor";
import type { Command } from "./context";
import { requireText } from "./inputs";
import { messageFor, userRecipient } from "./notifications";
import { applyTransition, lockTask, type LockedTask, type TaskRef } from "./taskStep";

export interface InfoRequestInput {
  task: TaskRef;
  /** what material is missing */
  question: string;
}

/** 补正: the handler asks the requester for missing material; the clock pauses until they answer. */
export const infoRequester: Command<InfoRequestInput, LockedTask> = async (deps, ctx, input) => {
  const locked = await lockTask(ctx, input.task, "requestInfo");
  const question = requireText(input.question, "需要补正的内容", "请补充该企业的统一社会信用代码");
  const at = deps.now();
  await applyTransition(deps, ctx, locked, {
    action: "requestInfo",
    patch: { pausedAt: at },
    data: { question },
    messages: async (task, request) => {
      return messageFor(ctx.trx, "task.info_requested", [await userRecipient(ctx.trx, request.requesterId)], request, task, {
        text: `承办部门请您补正材料（办理时限暂停计时）：${question}\n补正方式：/补充 ${request.number} 补充的内容`,
        question,
      });
    },
  });
  await insertComment(ctx.trx, { requestId: locked.request.id, taskId: locked.task.id, authorId: actorUserId(ctx.actor)!, kind: "info_request", body: question, at });
  return locked;
};
