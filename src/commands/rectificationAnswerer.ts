import { DomainError } from "../domain/types";
import { lockRectification } from "../db/repositories/rectifications";
import { actorUserId } from "../policies/actor";
import type { Command } from "./context";
import { messageFor, userRecipient } from "./notifications";
import { rectificationCardKey, rectificationPayload } from "./rectificationNotices";
import { applyTransition, lockTask, type LockedTask, type TaskRef } from "./taskStep";

export interface RectifyInput {
  task: TaskRef;
  answer: string;
}

/** 整改答复: the rated department's head or dispatcher says what it changed; the requester gets a card to confirm or dispute. */
export const rectificationAnswerer: Command<RectifyInput, LockedTask> = async (deps, ctx, input) => {
  const locked = await lockTask(ctx, input.task, "rectify");
  const answer = input.answer.trim();
  if (!answer) {
    throw new DomainError("answer_required", "请写明整改情况：针对评价意见做了哪些改进。", { example: `/整改 ${locked.request.number} 已约谈经办人，建立答复前复核制度` });
  }
  const item = (await lockRectification(ctx.trx, locked.task.id))!;
  const at = deps.now();
  const onTime = at.getTime() <= new Date(item.dueAt).getTime();
  const answered = await ctx.trx
    .updateTable("rectifications")
    .set({ state: "answered", answer, answeredBy: actorUserId(ctx.actor), answeredAt: at })
    .where("id", "=", item.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await applyTransition(deps, ctx, locked, {
    action: "rectify",
    data: { answer, onTime, rectificationDueAt: new Date(item.dueAt).toISOString() },
    messages: async (t, request) =>
      messageFor(ctx.trx, "rectification.answered", [await userRecipient(ctx.trx, request.requesterId)], request, t, {
        text: `${ctx.actor.name} 答复了整改情况，请确认或提出异议。`,
        ...(await rectificationPayload(ctx.trx, request, answered)),
        cardKey: rectificationCardKey(t.id),
      }),
  });
  return locked;
};
