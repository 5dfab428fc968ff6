import { DISPUTE_DECISION_LABELS, DISPUTE_DECISIONS, type DisputeDecision } from "../domain/rectification";
import { DomainError } from "../domain/types";
import { lockRectification } from "../db/repositories/rectifications";
import { actorUserId } from "../policies/actor";
import type { Command } from "./context";
import { messageFor, peopleRecipients, userRecipient } from "./notifications";
import { rectificationCardKey, rectificationPayload } from "./rectificationNotices";
import { applyTransition, lockTask, type LockedTask, type TaskRef } from "./taskStep";

export interface DisputeDecisionInput {
  task: TaskRef;
  decision: DisputeDecision;
  comment: string;
}

/** A supervisor closes a disputed 整改: 异议成立 or 异议不成立, with a comment; the requester and the department's heads are told. */
export const disputeDecider: Command<DisputeDecisionInput, LockedTask> = async (deps, ctx, input) => {
  const locked = await lockTask(ctx, input.task, "decideDispute");
  if (!DISPUTE_DECISIONS.includes(input.decision)) {
    throw new DomainError("invalid_decision", "裁定结果只能是 upheld（异议成立）或 not_upheld（异议不成立）。", { example: '{"decision":"not_upheld","comment":"整改措施已落实"}' });
  }
  const comment = input.comment.trim();
  if (!comment) throw new DomainError("comment_required", "请写明裁定意见。", { example: '{"decision":"upheld","comment":"整改未针对答复超期的问题，请重新整改"}' });
  const item = (await lockRectification(ctx.trx, locked.task.id))!;
  const decided = await ctx.trx
    .updateTable("rectifications")
    .set({ state: "resolved", decision: input.decision, decisionComment: comment, decidedBy: actorUserId(ctx.actor), decidedByName: ctx.actor.name, decidedAt: deps.now() })
    .where("id", "=", item.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const label = DISPUTE_DECISION_LABELS[input.decision];
  await applyTransition(deps, ctx, locked, {
    action: "decideDispute",
    data: { decision: input.decision, label, comment },
    messages: async (t, request) => {
      const payload = await rectificationPayload(ctx.trx, request, decided);
      const shown = request.classification === "sensitive" ? "" : `：${comment}`;
      const text = `督查 ${ctx.actor.name} 裁定整改异议：${label}${shown}`;
      return [
        ...(await messageFor(ctx.trx, "rectification.card", [await userRecipient(ctx.trx, request.requesterId)], request, t, { text, ...payload, cardKey: rectificationCardKey(t.id) })),
        ...(await messageFor(ctx.trx, "rectification.decided", await peopleRecipients(ctx.trx, t.departmentId, ["head"]), request, t, { text, ...payload })),
      ];
    },
  });
  return locked;
};
