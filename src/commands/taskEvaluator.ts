import { RECTIFY_AT_OR_BELOW, rectificationClock } from "../domain/rectification";
import { DomainError, EVALUATION_LABELS } from "../domain/types";
import { departmentsOf } from "../policies/actor";
import type { Command } from "./context";
import { loadTimeSettings } from "./escalationPolicy";
import { messageFor, peopleRecipients, userRecipient } from "./notifications";
import { formatLocal } from "./taskUrger";
import { applyTransition, lockTask, type LockedTask, type TaskRef } from "./taskStep";


export interface EvaluateInput {
  task: TaskRef;
  score: number;
  comment?: string | undefined;
}

/**
 * 好差评: the requester rates a completed task once; 不满意 and below need a comment, and open a 整改 item for the
 * rated department in the same transaction (its head and dispatchers get a card with the 整改 deadline).
 */
export const taskEvaluator: Command<EvaluateInput, LockedTask> = async (deps, ctx, input) => {
  const locked = await lockTask(ctx, input.task, "evaluate");
  const example = `/评价 ${locked.request.number} 5 办理及时，感谢`;
  if (!Number.isInteger(input.score) || input.score < 1 || input.score > 5) {
    throw new DomainError("invalid_score", "评价分数须为 1 到 5 的整数：5 非常满意、4 满意、3 基本满意、2 不满意、1 非常不满意。", { example });
  }
  const comment = input.comment?.trim() || null;
  if (input.score <= 2 && !comment) {
    throw new DomainError("comment_required", `评价为「${EVALUATION_LABELS[input.score]}」时请写明原因，便于承办部门改进。`, {
      example: `/评价 ${locked.request.number} 2 答复超期且未说明原因`,
    });
  }
  const already = await ctx.trx
    .selectFrom("evaluations")
    .innerJoin("users", "users.id", "evaluations.raterId")
    .select(["evaluations.score", "users.name"])
    .where("taskId", "=", locked.task.id)
    .executeTakeFirst();
  if (already) throw new DomainError("already_done", `该任务已由 ${already.name} 评价为「${EVALUATION_LABELS[already.score]}」，不能重复评价。`);
  // No self-rating: someone who also works in the rated department (a second role there) may not rate it.
  if (ctx.actor.kind === "user" && (ctx.actor.departmentId === locked.task.departmentId || departmentsOf(ctx.actor).includes(locked.task.departmentId))) {
    throw new DomainError("self_rating", "您也是承办部门的人员，不能评价本部门办理的任务。", { example: `/查询 ${locked.request.number}` });
  }
  const at = deps.now();
  const rectify = input.score <= RECTIFY_AT_OR_BELOW ? rectificationClock(at, deps.config.rectifyWorkingDays, await loadTimeSettings(ctx.trx, deps)) : null;
  await applyTransition(deps, ctx, locked, {
    action: "evaluate",
    data: { score: input.score, label: EVALUATION_LABELS[input.score], comment, ...(rectify ? { rectificationDueAt: rectify.dueAt.toISOString() } : {}) },
    messages: async (t, request) => [
      ...(rectify
        ? await messageFor(ctx.trx, "rectification.opened", await peopleRecipients(ctx.trx, t.departmentId, ["head", "dispatcher"]), request, t, {
            text: `发起人评价「${EVALUATION_LABELS[input.score]}」，已开启整改，请于 ${formatLocal(rectify.dueAt, deps.config.deadline.timeZone)} 前答复整改情况（/整改 ${request.number} 整改内容）。`,
            score: input.score,
            label: EVALUATION_LABELS[input.score],
            comment: request.classification === "sensitive" ? null : comment,
            rectificationDueAt: rectify.dueAt.toISOString(),
            cardKey: `rectification:${t.id}:target`,
          })
        : []),
      ...(await messageFor(ctx.trx, "task.evaluated", await peopleRecipients(ctx.trx, t.departmentId, ["head"]), request, t, {
        text: `发起人评价：${EVALUATION_LABELS[input.score]}${comment ? `，${comment}` : ""}`,
        score: input.score,
      })),
      // The completion card the requester rated from now shows the rating instead of the buttons.
      ...(await messageFor(ctx.trx, "task.completion_card", [await userRecipient(ctx.trx, request.requesterId)], request, t, {
        text: "已评价",
        result: t.result,
        rating: { score: input.score, label: EVALUATION_LABELS[input.score], comment },
        cardKey: `task:${t.id}:completion`,
      })),
    ],
  });
  const evaluation = await ctx.trx
    .insertInto("evaluations")
    .values({ taskId: locked.task.id, requestId: locked.request.id, raterId: ctx.actor.kind === "user" ? ctx.actor.id : 0, score: input.score, comment, createdAt: at })
    .returning("id")
    .executeTakeFirstOrThrow();
  if (rectify) {
    await ctx.trx
      .insertInto("rectifications")
      .values({
        taskId: locked.task.id,
        requestId: locked.request.id,
        evaluationId: evaluation.id,
        departmentId: locked.task.departmentId,
        state: "open",
        openedAt: at,
        dueAt: rectify.dueAt,
        remindAt: rectify.remindAt,
      })
      .execute();
  }
  return locked;
};
