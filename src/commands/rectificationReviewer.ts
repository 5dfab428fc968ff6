import { DomainError } from "../domain/types";
import { lockRectification } from "../db/repositories/rectifications";
import type { Command } from "./context";
import { messageFor, peopleRecipients, userRecipient } from "./notifications";
import { rectificationCardKey, rectificationPayload } from "./rectificationNotices";
import { applyTransition, lockTask, type LockedTask, type TaskRef } from "./taskStep";

export interface RectificationVerdictInput {
  task: TaskRef;
  verdict: "confirm" | "dispute";
  /** required for a dispute */
  reason?: string | undefined;
}

/**
 * The requester's verdict on a 整改 answer: 确认整改 closes it (the department's heads are told); 有异议, with a
 * reason, sends it to every supervisor for a decision. The requester's card shows the verdict in place.
 */
export const rectificationReviewer: Command<RectificationVerdictInput, LockedTask> = async (deps, ctx, input) => {
  const action = input.verdict === "confirm" ? "confirmRectification" : "disputeRectification";
  const locked = await lockTask(ctx, input.task, action);
  const reason = input.reason?.trim() || null;
  if (input.verdict === "dispute" && !reason) {
    throw new DomainError("reason_required", "提出整改异议时请写明理由：整改哪里不到位。", { example: `/整改异议 ${locked.request.number} 整改措施未落实到位` });
  }
  const item = (await lockRectification(ctx.trx, locked.task.id))!;
  const at = deps.now();
  const decided = await ctx.trx
    .updateTable("rectifications")
    .set({ state: input.verdict === "confirm" ? "confirmed" : "disputed", verdict: input.verdict === "confirm" ? "confirmed" : "disputed", verdictComment: reason, verdictAt: at })
    .where("id", "=", item.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await applyTransition(deps, ctx, locked, {
    action,
    data: reason ? { reason } : {},
    messages: async (t, request) => {
      const payload = await rectificationPayload(ctx.trx, request, decided);
      const heads = await peopleRecipients(ctx.trx, t.departmentId, ["head"]);
      const requester = [await userRecipient(ctx.trx, request.requesterId)];
      const card = await messageFor(ctx.trx, "rectification.card", requester, request, t, { text: "已处理", ...payload, cardKey: rectificationCardKey(t.id) });
      if (input.verdict === "confirm") {
        return [...card, ...(await messageFor(ctx.trx, "rectification.confirmed", heads, request, t, { text: `${ctx.actor.name} 已确认整改，整改事项办结。`, ...payload }))];
      }
      const shown = request.classification === "sensitive" ? "" : `：${reason}`;
      return [
        ...card,
        ...(await messageFor(ctx.trx, "rectification.disputed", await peopleRecipients(ctx.trx, null, ["supervisor"]), request, t, {
          text: `${ctx.actor.name} 对整改答复有异议${shown}。请在小程序中打开该事项裁定（异议成立 / 异议不成立）。`,
          ...payload,
        })),
        ...(await messageFor(ctx.trx, "rectification.disputed", heads, request, t, { text: `${ctx.actor.name} 对整改答复有异议${shown}，已提交督查裁定。`, ...payload })),
      ];
    },
  });
  return locked;
};
